"""Flask CLI commands: `flask seed-demo`, `flask saml-keys`, `flask saml-metadata`."""

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

    @app.cli.command("saml-metadata")
    @click.argument("out", type=click.Path(dir_okay=False, writable=True))
    def saml_metadata_command(out: str) -> None:
        """Write this portal's signed SP metadata (the file for Logius) to OUT."""
        from pathlib import Path

        from app.digid.metadata import signed_sp_metadata_xml

        Path(out).write_text(signed_sp_metadata_xml(app.config), encoding="utf-8")
        click.echo(f"Signed SP metadata for {app.config['SAML_SP_ENTITY_ID'] or 'this portal'}")
        click.echo(f"written to {out}. Send it to Logius (DigiD) with your connection request.")
