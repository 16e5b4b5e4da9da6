"""Flask CLI commands: `flask seed-demo`, `flask saml-keys`, `flask saml-metadata`,
`flask saml-check`."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click
from flask import Flask
from saml2.s_utils import UnknownSystemEntity, UnsupportedBinding

from app import retention_cli
from app.demo import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS, seed_demo
from app.demo.staff import describe_demo_staff
from app.digid.entities import Entities, entities
from app.digid.keys import ensure_keys
from app.digid.metadata import signed_sp_metadata_xml
from app.digid.sp_config import NotConfigured
from app.services import resident_import

DEMO_ENVIRONMENTS = ("demo", "test")


def refuse_outside_demo(app: Flask, command: str) -> None:
    """Demo data holds staff with a published password and fixed TOTP secrets: anyone who has
    read the code could log in. It must never reach a real database."""
    env = app.config["ENV_NAME"]
    if env not in DEMO_ENVIRONMENTS:
        raise click.ClickException(
            f"`flask {command}` only runs in the demo or test configuration (this is {env!r}); "
            "it would add staff logins everyone can look up. Use `flask create-admin` instead."
        )


def init_app(app: Flask) -> None:
    retention_cli.init_app(app)  # `flask retention`

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Fill an empty database with demo organisations, staff and residents (demo/test only)."""
        refuse_outside_demo(app, "seed-demo")
        if seed_demo():
            click.echo("Demo data added. Log in at the test IdP with one of these test BSNs:")
        else:
            click.echo("The database has data already; nothing added. Demo test BSNs:")
        for r in DEMO_RESIDENTS:
            click.echo(f"  {r.bsn}  {r.first_name} {r.last_name}: {r.shows}")
        click.echo(f"  {DEMO_BSN_WITHOUT_DOSSIER}  (no dossier: shows the 'no dossier' page)")
        for line in describe_demo_staff():  # demo only: staff logins with their TOTP codes
            click.echo(line)

    @app.cli.command("import-residents")
    @click.argument("file", type=click.File("r", encoding="utf-8-sig"))
    @click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
    def import_residents_command(file: TextIO, dry_run: bool) -> None:
        """Add the residents in a CSV file (app.services.resident_import), idempotent by BSN."""
        report = resident_import.run(file, dry_run=dry_run)
        for line in resident_import.describe(report, dry_run=dry_run):
            click.echo(line)
        if report.missing_columns or report.count("failed"):
            raise SystemExit(1)

    @app.cli.command("saml-keys")
    def saml_keys_command() -> None:
        """Create the SAML signing keys (SP, and the test IdP when enabled) if they are missing."""
        written = ensure_keys(app.config)
        for path in written:
            click.echo(f"Created {path}")
        if not written:
            click.echo("The SAML keys exist already; nothing changed.")

    @app.cli.command("saml-metadata")
    @click.argument("out", type=click.Path(dir_okay=False, writable=True))
    def saml_metadata_command(out: str) -> None:
        """Write this portal's signed SP metadata (the file for Logius) to OUT."""
        Path(out).write_text(signed_sp_metadata_xml(app.config), encoding="utf-8")
        click.echo(f"Signed SP metadata for {app.config['SAML_SP_ENTITY_ID'] or 'this portal'}")
        click.echo(f"written to {out}. Send it to Logius (DigiD) with your connection request.")

    @app.cli.command("saml-check")
    def saml_check_command() -> None:
        """Load the DigiD settings as a login would (IdP metadata signature included) and show
        what the portal will talk to. Exits with status 1 when something is wrong."""

        try:
            ent = entities(app)
        except NotConfigured as exc:
            raise click.ClickException(f"DigiD is not usable: {exc}") from None
        client = ent.client
        click.echo(f"SP entity id:  {client.config.entityid}")
        click.echo(f"IdP entity id: {ent.idp_entity_id} (metadata signature checked)")
        problems = []
        for label, service, binding, needed in (
            ("Login", "single_sign_on_service", "HTTP-Redirect", True),
            ("Artifact resolution", "artifact_resolution_service", "SOAP", True),
            ("Logout", "single_logout_service", "HTTP-Redirect", app.config["SAML_SINGLE_LOGOUT"]),
        ):
            where = idp_locations(ent, service, binding)
            click.echo(f"{label}: {', '.join(where) or 'none'}")
            if not where and needed:
                problems.append(f"the IdP metadata has no {binding} {label.lower()} endpoint")
        verify, (cert, _) = client.request_args["verify"], client.request_args["cert"]
        click.echo(f"Back channel: client certificate {cert}, server checked against {verify}")
        if problems:
            raise click.ClickException("; ".join(problems))


def idp_locations(ent: Entities, service: str, binding: str) -> list[str]:
    """The IdP's addresses for a service and binding; none when its metadata lists none (DigiD
    metadata may leave out Redirect logout, and pysaml2 raises for a missing binding)."""
    try:
        found = ent.client.metadata.service(
            ent.idp_entity_id,
            "idpsso_descriptor",
            service,
            f"urn:oasis:names:tc:SAML:2.0:bindings:{binding}",
        )
    except (UnsupportedBinding, UnknownSystemEntity):
        return []
    return [str(e["location"]) for e in found or []]
