"""Schemas of parties and sites."""

from __future__ import annotations

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates

from supply.i18n import N_
from supply.identifiers import is_valid_uscc
from supply.models.party import PARTY_KINDS
from supply.models.party import SITE_KINDS
from supply.regions import PROVINCES
from supply.schemas.common import BaseSchema
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import PlainDecimal
from supply.schemas.common import Trimmed
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import text

PHONE_RE = r"^[0-9+() -]{5,30}$"
HANT = {"description": "The name in Traditional Chinese; when empty, pages convert `name` (OpenCC, Hong Kong)."}


class PartyUpdateSchema(BaseSchema):
    """Fields of a party that may be changed."""

    name = text(100, required=True)
    name_en = text(100)
    name_zh_hant = text(100, metadata=HANT)
    kind = choice(PARTY_KINDS, required=True)
    credit_code = Trimmed(load_default=None, allow_none=True)
    county = text(40)
    province = choice((*PROVINCES, ""), load_default="",
                      metadata={"description": "The provincial-level division, as written in Chinese: 青海省, 广东省, "
                                               "香港特别行政区.", "example": "广东省"})
    city = text(40, metadata={"description": "The city, as written in Chinese.", "example": "深圳市"})
    address = text(200)
    phone = Trimmed(
        load_default="",
        validate=validate.Regexp(f"{PHONE_RE}|^$", error=N_("Not a valid phone number.")),
    )

    @validates("credit_code")
    def _check_credit_code(self, value: str | None, **kwargs) -> None:
        if value and not is_valid_uscc(value.upper()):
            raise ValidationError(
                N_("Not a valid Unified Social Credit Code (18 characters with a correct check character).")
            )


class PartyCreateSchema(PartyUpdateSchema):
    """A new party."""

    code = code_field(required=True)


class PartyPatchSchema(PartyUpdateSchema):
    """A partial change of a party."""

    class Meta(BaseSchema.Meta):
        partial = True


class PartySchema(BaseSchema):
    """A party as any signed-in user sees it."""

    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    name_zh_hant = fields.String()
    kind = fields.String()
    credit_code = fields.String(allow_none=True)
    county = fields.String()
    province = fields.String(metadata={"description": "The provincial-level division, in Chinese.",
                                       "example": "广东省"})
    city = fields.String(metadata={"description": "The city, in Chinese.", "example": "深圳市"})
    address = fields.String()
    created_at = LocalDateTime()


class PartyPrivateSchema(PartySchema):
    """A party as its own users, inspectors and admins see it."""

    phone = fields.String()


class PartyFilterSchema(PageQuerySchema):
    """Filters of the party list."""

    kind = choice(PARTY_KINDS)
    county = text(40, load_default=None)


class SiteUpdateSchema(BaseSchema):
    """Fields of a site that may be changed."""

    name = text(100, required=True)
    name_en = text(100)
    name_zh_hant = text(100, metadata=HANT)
    kind = choice(SITE_KINDS, required=True)
    county = text(40)
    address = text(200)
    latitude = PlainDecimal(
        load_default=None, allow_none=True, allow_nan=False, places=6,
        validate=validate.Range(min=-90, max=90, error=N_("Out of range.")),
    )
    longitude = PlainDecimal(
        load_default=None, allow_none=True, allow_nan=False, places=6,
        validate=validate.Range(min=-180, max=180, error=N_("Out of range.")),
    )
    area_mu = PlainDecimal(
        load_default=None, allow_none=True, allow_nan=False, places=2,
        validate=validate.Range(min=0, max=10000000, error=N_("Out of range.")),
    )


class SiteCreateSchema(SiteUpdateSchema):
    """A new site of a party."""

    code = code_field(required=True)
    party = code_field(required=True)


class SitePatchSchema(SiteUpdateSchema):
    """A partial change of a site."""

    class Meta(BaseSchema.Meta):
        partial = True


class SiteSchema(BaseSchema):
    """A site."""

    code = fields.String()
    party = fields.Function(lambda site: site.party.code)
    name = fields.String()
    name_en = fields.String()
    name_zh_hant = fields.String()
    kind = fields.String()
    county = fields.String()
    address = fields.String()
    latitude = PlainDecimal(allow_none=True)
    longitude = PlainDecimal(allow_none=True)
    area_mu = PlainDecimal(allow_none=True)
    created_at = LocalDateTime()


class SiteFilterSchema(PageQuerySchema):
    """Filters of the site list."""

    party = code_field()
    kind = choice(SITE_KINDS)
