"""`flask retention`: what the retention job would delete now (dry run), or `--run` to delete it.
The report holds ids, dates and counts only, never a name."""

from __future__ import annotations

import click
from flask import Flask

from app.services import retention


def init_app(app: Flask) -> None:
    @app.cli.command("retention")
    @click.option("--run", is_flag=True, help="Delete now. Without it: only report (dry run).")
    def retention_command(run: bool) -> None:
        """Report (or with --run, delete) closed dossiers past RETENTION_DAYS_AFTER_CLOSE."""
        due = retention.plan()
        days = app.config["RETENTION_DAYS_AFTER_CLOSE"]
        click.echo(f"Dossiers closed {days} days ago or longer: {len(due.dossiers)}")
        for item in due.dossiers:
            counts = ", ".join(f"{k} {v}" for k, v in item.counts.items())
            click.echo(f"  dossier {item.dossier_id} (closed {item.closed_at:%Y-%m-%d}): {counts}")
        click.echo(
            f"Access-log rows older than RETENTION_ACCESS_LOG_DAYS="
            f"{app.config['RETENTION_ACCESS_LOG_DAYS']} after deletion: {due.access_log_rows}"
        )
        if not run:
            click.echo("Dry run: nothing was deleted. Add --run to delete.")
            return
        result = retention.purge_due()
        click.echo(
            f"Deleted {len(result.purged)} dossiers and "
            f"{result.access_log_rows_removed} access-log rows."
        )
