"""Schemas of users and API tokens."""

from __future__ import annotations

from marshmallow import fields
from marshmallow import validate

from supply.i18n import N_
from supply.models.user import ROLES
from supply.schemas.common import BaseSchema
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import Text
from supply.schemas.common import Trimmed
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import text


def password_field(**kwargs) -> fields.String:
    """A password of 10 to 128 characters (how guessable, the service judges: accounts.passwords)."""
    return Text(
        validate=validate.Length(min=10, max=128, error=N_("Use 10 to 128 characters.")),
        load_only=True,
        **kwargs,
    )


class UserUpdateSchema(BaseSchema):
    """Fields of a user that may be changed."""

    name = text(100, required=True)
    role = choice(ROLES, required=True)
    party = code_field(load_default=None, allow_none=True)
    password = password_field()
    active = fields.Boolean(load_default=True)


class UserCreateSchema(UserUpdateSchema):
    """A new user."""

    email = Trimmed(
        required=True,
        validate=[
            validate.Email(error=N_("Not a valid email address.")),
            validate.Length(max=254, error=N_("At most {max} characters.")),
        ],
    )
    password = password_field(required=True)


class UserPatchSchema(UserUpdateSchema):
    """A partial change of a user."""

    class Meta(BaseSchema.Meta):
        partial = True


class UserSchema(BaseSchema):
    """A user (never the password hash)."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    party = fields.Function(lambda user: user.party.code if user.party_id else None)
    active = fields.Boolean()
    created_at = LocalDateTime()


class UserFilterSchema(PageQuerySchema):
    """Filters of the user list."""

    role = choice(ROLES)
    party = code_field()


class TokenRequestSchema(BaseSchema):
    """Credentials exchanged for an API token."""

    email = Trimmed(
        required=True,
        validate=[
            validate.Length(min=1, error=N_("This field may not be empty.")),
            validate.Length(max=254, error=N_("At most {max} characters.")),
        ],
    )
    password = Text(
        required=True,
        validate=[
            validate.Length(min=1, error=N_("This field may not be empty.")),
            validate.Length(max=128, error=N_("At most {max} characters.")),
        ],
    )
    name = text(100)
    expires_in_days = fields.Integer(
        load_default=90, strict=True,
        validate=validate.Range(min=1, max=365, error=N_("Give a number of days from 1 to 365.")))
    read_only = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    one_time_password = Text(load_only=True, validate=validate.Length(max=40, error=N_("At most {max} characters.")),
                             metadata={"description": "The authenticator app's code, for a user with two-factor "
                                                      "sign-in on"})


class TokenSchema(BaseSchema):
    """An API token as listed (never the secret)."""

    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = LocalDateTime()
    last_used_at = LocalDateTime(allow_none=True)
    revoked_at = LocalDateTime(allow_none=True)
    expires_at = LocalDateTime(allow_none=True)
    read_only = fields.Boolean()


class NewTokenSchema(TokenSchema):
    """A freshly issued token: the only time the secret is shown."""

    token = fields.String()


class PasswordChangeSchema(BaseSchema):
    """One's own new password, the current one given."""

    current_password = Text(required=True, load_only=True,
                            validate=validate.Length(min=1, max=128, error=N_("Give your current password.")))
    new_password = password_field(required=True)


class PasswordResetSchema(BaseSchema):
    """A new password set through a one-time link."""

    new_password = password_field(required=True)


class PasswordForgotSchema(BaseSchema):
    """The e-mail of an account whose password was forgotten."""

    email = Trimmed(required=True, validate=validate.Length(min=3, max=254, error=N_("Give your e-mail.")))


class TokenCreateSchema(BaseSchema):
    """A token made on the tokens page by a signed-in user."""

    name = text(100)
    expires_in_days = fields.Integer(
        load_default=90, validate=validate.Range(min=1, max=365, error=N_("Give a number of days from 1 to 365.")))
    read_only = fields.Boolean(load_default=False)


class DoneSchema(BaseSchema):
    """The answer of an action with nothing more to say."""

    done = fields.Boolean()
