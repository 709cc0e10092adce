"""Command-line tasks: migrate, create-user, seed-demo, verify-chain, worker, deliver-webhooks."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from marshmallow import ValidationError
from peewee import DatabaseError
from peewee import InterfaceError

from supply.db import connection
from supply.db import db
from supply.db import keep_private
from supply.demo import loader as demo
from supply.migrate import apply_migrations
from supply.models.user import ROLES
from supply.schemas.user import UserCreateSchema
from supply.services.accounts import users
from supply.services.custody import chain
from supply.services.custody import verifier
from supply.services.errors import ServiceError
from supply.services.interchange.query import subscriptions
from supply.services.jobs import worker
from supply.services.notifications import delivery as notification_delivery
from supply.services.notifications import triggers as notification_triggers
from supply.services.public import facts
from supply.services.webhooks import settings as webhook_settings


def watch_chain(slice_size: int, pause: float) -> None:
    """Run verifier rounds until interrupted, one line each; a round the database refused is reported and retried."""
    try:
        while True:
            try:
                with connection():
                    click.echo(verifier.verify_round(slice_size).line())
            except (DatabaseError, InterfaceError) as exc:
                click.echo(f"Round not done, the database refused it: {exc}".strip(), err=True)
            time.sleep(pause)
    except KeyboardInterrupt:
        click.echo("Stopped.")


def register_cli(app: Flask) -> None:
    """Attach the project's commands to `flask --app wsgi`."""

    @app.cli.command("migrate")
    def migrate_command() -> None:
        """Apply the pending migrations."""
        with connection():
            applied = apply_migrations()
        keep_private(db.obj)
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
    @click.option("--watch", is_flag=True, help="Re-check the lots round-robin without end, least recently verified "
                  "first, recording what each round finds; one line a round.")
    @click.option("--slice", "slice_size", type=click.IntRange(1, 100_000), default=verifier.ROUND_SIZE,
                  show_default=True, help="Lots checked per round (with --watch).")
    @click.option("--pause", type=click.FloatRange(0, 3600), default=verifier.PAUSE_SECONDS, show_default=True,
                  help="Seconds between rounds (with --watch).")
    def verify_chain_command(watch: bool, slice_size: int, pause: float) -> None:
        """Recompute every event hash and link, and check every batch's chain head; exit 1 at the first mismatch.

        With --watch, run the verifier instead: rounds of the lots verified longest ago, until stopped.
        """
        if watch:
            watch_chain(slice_size, pause)
            return
        with connection():
            report = chain.verify_all()
        if report.intact:
            click.echo(f"Intact: {report.events_checked} event(s) checked, every batch's chain head matches.")
            return
        if report.problem == "head":
            ends = f"event {report.event_id}" if report.event_id else "no event at all"
            click.echo(f"BROKEN at batch {report.lot}: its stored chain head does not match where its chain ends "
                       f"({ends}); events of this lot have been deleted, or its head altered "
                       f"({report.events_checked} event(s) checked).", err=True)
        else:
            click.echo(f"BROKEN at event {report.event_id}: its {report.problem} does not match "
                       f"({report.events_checked} event(s) checked).", err=True)
        raise SystemExit(1)

    @app.cli.command("worker")
    def worker_command() -> None:
        """Run the job queue's worker (PostgreSQL) until SIGTERM or Ctrl-C; run one or more beside the web hosts."""
        if app.config["DATABASE_URL"].startswith("sqlite"):
            raise click.ClickException("The worker needs PostgreSQL: on SQLite, imports run in the web process.")
        worker.run_worker(app.config["DATABASE_URL"], app.config)

    @app.cli.command("deliver-webhooks")
    @click.option("--watch", is_flag=True, help="Keep running a round every --pause seconds until interrupted.")
    @click.option("--pause", type=click.FloatRange(0.1, 3600), default=2.0, show_default=True)
    def deliver_webhooks_command(watch: bool, pause: float) -> None:
        """Push subscriptions' new events and send due webhooks (the worker does this on PostgreSQL)."""
        settings = webhook_settings.from_config(app.config)
        while True:
            try:
                with connection():
                    enqueued, attempted = subscriptions.run_round(app.config["PUBLIC_BASE_URL"], settings)
                if enqueued or attempted or not watch:
                    click.echo(f"{enqueued} new event(s) enqueued, {attempted} delivery attempt(s).")
            except (DatabaseError, InterfaceError) as exc:
                click.echo(f"Round not done, the database refused it: {exc}".strip(), err=True)
            if not watch:
                return
            try:
                time.sleep(pause)
            except KeyboardInterrupt:
                click.echo("Stopped.")
                return

    @app.cli.command("public-facts")
    @click.option("--limit", type=click.IntRange(1, 100_000_000), default=100_000, show_default=True,
                  help="Lots to gather at most.")
    def public_facts_command(limit: int) -> None:
        """Keep the public facts of the lots that have none (newest first), so their first scan is one read."""
        with connection():
            kept = facts.fill(limit)
        click.echo(f"Kept the public facts of {kept} lot(s).")

    @app.cli.command("notify")
    @click.option("--watch", is_flag=True, help="Go on every 10 seconds until stopped (Ctrl-C).")
    def notify_command(watch: bool) -> None:
        """Keep the reminders due and mail the notifications due (the worker's job on PostgreSQL; run this beside
        `make run` on SQLite, with `deliver-webhooks --watch` for their webhooks)."""
        while True:
            with connection():
                kept = notification_triggers.remind()
                sent = notification_delivery.deliver_due()
            click.echo(f"{kept} reminder(s) kept, {sent} notification(s) sent or tried.")
            if not watch:
                return
            time.sleep(10)

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="When the database holds data, only print the saved demo logins.")
    def seed_demo_command(if_empty: bool) -> None:
        """Load the Xining demo data and print the demo logins (saved in instance/demo_logins.txt)."""
        logins_file = Path(app.instance_path) / demo.LOGINS_FILE
        with connection():
            if if_empty and demo.has_data():
                click.echo("The database holds data already; demo data not loaded.")
                if logins_file.exists():
                    click.echo(f"Saved demo logins ({logins_file}):")
                    click.echo(logins_file.read_text(encoding="utf-8"), nl=False)
                else:
                    click.echo(f"No saved demo logins at {logins_file}.")
                return
            passwords = demo.generate_passwords()
            try:
                counts = demo.seed_demo(passwords)
            except ServiceError as exc:
                raise click.ClickException(exc.message) from exc
        demo.save_logins(logins_file, passwords)
        click.echo("Demo data loaded: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + ".")
        click.echo(f"Saved the demo logins to {logins_file} (readable by you only).")
        click.echo(demo.logins_text(passwords), nl=False)
