"""Accounts a regulator can trust: sessions kept on the server, one-time password-reset links, API tokens that
expire and may be read-only, and two-factor sign-in (a TOTP secret per user, one-time recovery codes)."""

from peewee import BooleanField
from peewee import CharField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import Model


def _tables(db):
    class AppUser(Model):
        id = IntegerField(primary_key=True)

        class Meta:
            database = db
            table_name = "app_user"

    class UserSession(Model):
        user = ForeignKeyField(AppUser, on_delete="CASCADE")
        key_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        seen_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        address = CharField(max_length=45, default="")

        class Meta:
            database = db
            table_name = "user_session"

    class PasswordReset(Model):
        user = ForeignKeyField(AppUser, on_delete="CASCADE")
        key_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "password_reset"

    class RecoveryCode(Model):
        user = ForeignKeyField(AppUser, on_delete="CASCADE")
        code_hash = CharField(max_length=64, unique=True)
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "recovery_code"

    return [UserSession, PasswordReset, RecoveryCode]


def up(migrator, db):
    db.create_tables(_tables(db))
    migrator.migrate(
        migrator.add_column("api_token", "expires_at", DateTimeField(null=True)),
        migrator.add_column("api_token", "read_only", BooleanField(default=False)),
        migrator.add_column("app_user", "totp_secret", CharField(max_length=64, null=True)),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("app_user", "totp_secret"), migrator.drop_column("api_token", "read_only"),
                     migrator.drop_column("api_token", "expires_at"))
    db.drop_tables(list(reversed(_tables(db))))
