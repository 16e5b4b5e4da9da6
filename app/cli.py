"""Flask CLI commands: `flask seed-demo`, `flask saml-keys`."""

from __future__ import annotations

import click
from flask import Flask


def init_app(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Fill an empty database with demo organisations, staff and residents."""
        from app.services.demo import DEMO_BSN_WITHOUT_DOSSIER, DEMO_RESIDENTS, seed_demo

        if seed_demo():
            click.echo("Demo data added. Log in at the test IdP with one of these test BSNs:")
        else:
            click.echo("The database has data already; nothing added. Demo test BSNs:")
        for r in DEMO_RESIDENTS:
            click.echo(f"  {r.bsn}  {r.first_name} {r.last_name}: {r.shows}")
        click.echo(f"  {DEMO_BSN_WITHOUT_DOSSIER}  (no dossier: shows the 'no dossier' page)")

    @app.cli.command("saml-keys")
    def saml_keys_command() -> None:
        """Create the SAML signing keys (SP, and the test IdP when enabled) if they are missing."""
        from app.digid.keys import ensure_keys

        written = ensure_keys(app.config)
        for path in written:
            click.echo(f"Created {path}")
        if not written:
            click.echo("The SAML keys exist already; nothing changed.")
