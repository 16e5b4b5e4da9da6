"""Administration (/beheer) and the `flask create-admin` / `flask demo-staff` commands."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.admin.routes import bp
from app.cli import refuse_outside_demo
from app.demo.staff import describe_demo_staff
from app.extensions import db
from app.models import Organisation
from app.services import staff_auth
from app.services.organisations import OrganisationRefused, add_organisation


@click.command("create-admin")
@click.option("--name", required=True, help="Full name, e.g. 'L. Visser'.")
@click.option("--email", required=True, help="Work e-mail address (the login name).")
@click.option("--organisation", "slug", required=True, help="Slug of the organisation.")
@click.option("--organisation-name", default="", help="Create the organisation with this name.")
@click.option("--kind", default="gemeente", help="Kind of a new organisation.")
@click.option(
    "--platform", is_flag=True, help="Also platform administrator: may add organisations."
)
@with_appcontext
def create_admin(
    name: str, email: str, slug: str, organisation_name: str, kind: str, platform: bool
) -> None:
    """Create a beheerder; prints a one-time password (TOTP is set up at first login)."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None and not organisation_name:
        raise click.ClickException(
            f"No organisation {slug!r}. Add --organisation-name to create it."
        )
    if staff_auth.staff_for_email(email) is not None:
        raise click.ClickException(f"There is already an account for {email}.")
    if organisation is None:
        organisation = _add(organisation_name, kind, slug=slug)
    _, password = staff_auth.create_staff(
        name, email, organisation, "beheerder", platform_admin=platform
    )
    click.echo(f"Beheerder {email} created for {organisation.name}.")
    if platform:
        click.echo("Also platform administrator: may add organisations on /beheer.")
    click.echo(f"One-time password: {password}")
    click.echo("Log in at /medewerker/inloggen; the authenticator app is set up at first login.")


@click.command("add-organisation")
@click.option(
    "--slug", required=True, help="Short name for URLs and the CSV import, e.g. 'schuldhulp-x'."
)
@click.option("--name", required=True, help="The name residents see.")
@click.option("--kind", default="gemeente", help="gemeente / schuldhulpverlening / ...")
@click.option("--phone", default="", help="The phone number residents can call.")
@click.option("--address", default="", help="The visiting address.")
@click.option("--hours", default="", help="Opening hours in plain words.")
@click.option("--about", default="", help="What it does for residents, in plain words.")
@with_appcontext
def add_organisation_command(
    slug: str, name: str, kind: str, phone: str, address: str, hours: str, about: str
) -> None:
    """Add an organisation (platform administrator; also on /beheer/organisaties/nieuw).
    Its beheerder: `flask create-admin`."""
    organisation = _add(
        name, kind, slug=slug, phone=phone, address=address, hours=hours, about=about
    )
    click.echo(f"Organisation {organisation.name} ({organisation.slug}) added.")
    click.echo(f"Add its first beheerder with: flask create-admin --organisation {slug} ...")


# What OrganisationRefused means, on the command line (the web page: app.admin.organisations).
PROBLEMS = {
    ("name", "missing"): "Give the organisation a name (--name).",
    ("name", "taken"): "There is already an organisation with this name.",
    ("slug", "invalid"): "Use lower-case letters, digits and hyphens in --slug.",
    ("slug", "taken"): "There is already an organisation with this slug.",
    ("phone", "invalid"): "This is not a phone number (--phone), e.g. 0172 46 59 00.",
}


def _add(
    name: str,
    kind: str,
    *,
    slug: str,
    phone: str = "",
    address: str = "",
    hours: str = "",
    about: str = "",
) -> Organisation:
    try:
        return add_organisation(
            name, kind, slug=slug, phone=phone, address=address, hours=hours, about=about
        )
    except OrganisationRefused as refused:
        lines = [PROBLEMS[item] for item in refused.problems.items()]
        raise click.ClickException(" ".join(lines)) from None


@click.command("demo-staff")
@with_appcontext
def demo_staff() -> None:
    """Print the demo staff logins (demo only) with their current TOTP codes."""
    refuse_outside_demo(current_app, "demo-staff")
    for line in describe_demo_staff():
        click.echo(line)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(create_admin)
    app.cli.add_command(demo_staff)
    app.cli.add_command(add_organisation_command)
