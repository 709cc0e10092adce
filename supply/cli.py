"""Command-line tasks: migrate, create-user, seed-demo."""

from __future__ import annotations

import click
from flask import Flask
from marshmallow import ValidationError

from supply.db import connection
from supply.migrate import apply_migrations
from supply.models import Batch
from supply.models.user import ROLES
from supply.schemas.user import UserCreateSchema
from supply.services import chain
from supply.services import users
from supply.services.errors import ServiceError


def register_cli(app: Flask) -> None:
    """Attach the project's commands to `flask --app wsgi`."""

    @app.cli.command("migrate")
    def migrate_command() -> None:
        """Apply the pending migrations."""
        with connection():
            applied = apply_migrations()
        click.echo(f"Applied {len(applied)} migration(s)." + ("" if not applied else " " + ", ".join(applied)))

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    @click.option("--role", required=True, type=click.Choice(ROLES))
    @click.option("--party", default=None, help="Code of the user's party (not needed for admins).")
    @click.option("--name", default=None)
    def create_user_command(email: str, password: str, role: str, party: str | None, name: str | None) -> None:
        """Create a user (the first admin, for instance)."""
        payload = {"email": email, "password": password, "role": role, "party": party, "name": name or email}
        try:
            data = UserCreateSchema().load(payload)
            with connection():
                user = users.create_user(None, data)
        except ValidationError as exc:
            raise click.ClickException(f"Invalid input: {exc.messages}") from exc
        except ServiceError as exc:
            raise click.ClickException(f"{exc.message} {exc.errors or ''}".strip()) from exc
        click.echo(f"Created {user.role} {user.email}.")

    @app.cli.command("verify-chain")
    def verify_chain_command() -> None:
        """Recompute every event hash and link; exit 1 at the first one that does not match."""
        with connection():
            report = chain.verify_all()
        if report.intact:
            click.echo(f"Intact: {report.events_checked} event(s) checked.")
            return
        click.echo(f"BROKEN at event {report.event_id}: its {report.problem} does not match "
                   f"({report.events_checked} event(s) checked).", err=True)
        raise SystemExit(1)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when batches exist already.")
    def seed_demo_command(if_empty: bool) -> None:
        """Load the Xining demo data and print the demo logins."""
        from supply.demo import DEMO_LOGINS
        from supply.demo import seed_demo

        with connection():
            if if_empty and Batch.select().exists():
                click.echo("The database holds data already; demo data not loaded.")
            else:
                counts = seed_demo()
                click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
        click.echo("Demo logins (email / password / role):")
        for email, password, role in DEMO_LOGINS:
            click.echo(f"  {email:32} {password:16} {role}")
