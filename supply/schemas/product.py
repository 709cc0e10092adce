"""Schemas of products."""

from __future__ import annotations

from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validates
from marshmallow import validates_schema

from supply.i18n import N_
from supply.identifiers import normalise_gtin
from supply.schemas.common import BaseSchema
from supply.schemas.common import LocalDateTime
from supply.schemas.common import PageQuerySchema
from supply.schemas.common import Trimmed
from supply.schemas.common import choice
from supply.schemas.common import code_field
from supply.schemas.common import text
from supply.units import CATEGORIES
from supply.units import UNITS
from supply.units import unit_fits

HANT = "In Traditional Chinese; when empty, pages convert `{field}` (OpenCC, Hong Kong phrasing)."


class ProductUpdateSchema(BaseSchema):
    """Fields of a product that may be changed."""

    category = choice(CATEGORIES, required=True)
    name = text(100, required=True)
    name_en = text(100)
    name_zh_hant = text(100, metadata={"description": HANT.format(field="name")})
    variety = text(100)
    variety_en = text(100)
    variety_zh_hant = text(100, metadata={"description": HANT.format(field="variety")})
    unit = choice(tuple(UNITS), required=True)
    gtin = Trimmed(load_default=None, allow_none=True)

    @validates("gtin")
    def _check_gtin(self, value: str | None, **kwargs) -> None:
        if value and normalise_gtin(value) is None:
            raise ValidationError(N_("Not a valid GTIN: 8, 12, 13 or 14 digits with a correct check digit."))

    @validates_schema
    def _check_unit(self, data: dict, **kwargs) -> None:
        if "category" in data and "unit" in data and not unit_fits(data["category"], data["unit"]):
            raise ValidationError(N_("This unit does not fit the product category."), "unit")


class ProductCreateSchema(ProductUpdateSchema):
    """A new product."""

    code = code_field(required=True)


class ProductPatchSchema(ProductUpdateSchema):
    """A partial change of a product."""

    class Meta(BaseSchema.Meta):
        partial = True


class ProductSchema(BaseSchema):
    """A product."""

    code = fields.String()
    category = fields.String()
    name = fields.String()
    name_en = fields.String()
    name_zh_hant = fields.String()
    variety = fields.String()
    variety_en = fields.String()
    variety_zh_hant = fields.String()
    unit = fields.String()
    gtin = fields.String(allow_none=True)
    created_at = LocalDateTime()


class ProductFilterSchema(PageQuerySchema):
    """Filters of the product list."""

    category = choice(CATEGORIES)
