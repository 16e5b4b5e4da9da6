"""Alembic environment, run through Flask-Migrate (`flask db ...`) or by the tests' own Alembic
commands, inside the app's context: the app's database and models, batch mode for SQLite."""

from __future__ import annotations

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context

from app.extensions import db
from app.models.types import UTCDateTime

config = context.config
if config.config_file_name is not None:
    # Keep loggers that exist already (tests, the app): only add alembic's.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations stay free of app imports: our UTC column is a timezone-aware DateTime in the DB.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=db.metadata,
        literal_binds=True,
        render_item=render_item,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def process_revision_directives(context: Any, revision: Any, directives: list[Any]) -> None:
        # No empty revision when the models did not change.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args: dict[str, Any] = {"render_as_batch": True}
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_item", render_item)

    # Tests hand in a connection of their own (an empty database beside the app's).
    given = config.attributes.get("connection")
    if given is not None:
        _run(given, conf_args)
        return
    with db.engine.connect() as connection:
        _run(connection, conf_args)


def _run(connection: Any, conf_args: dict[str, Any]) -> None:
    context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
