"""Product categories, units of measure and which units fit which category."""

from __future__ import annotations

from decimal import Decimal

CATEGORIES = ("vegetable", "strawberry", "strawberry_seedling", "mushroom", "live_yak", "yak_meat")

# unit -> (UN/ECE Recommendation 20 code, counted in whole pieces)
UNITS = {
    "kg": ("KGM", False),
    "t": ("TNE", False),
    "carton": ("CT", True),
    "punnet": ("PUN", True),
    "pack": ("PK", True),
    "plant": ("H87", True),
    "head": ("HEA", True),
}

COUNTED_UNITS = tuple(unit for unit, (_code, counted) in UNITS.items() if counted)

CATEGORY_UNITS = {
    "vegetable": ("kg", "t", "carton"),
    "strawberry": ("kg", "t", "punnet", "carton"),
    "strawberry_seedling": ("plant",),
    "mushroom": ("kg", "t", "carton"),
    "live_yak": ("head",),
    "yak_meat": ("kg", "carton", "pack"),
}

# What the date of a registered lot records, by category, so that its words fit: vegetables, berries and mushrooms
# are harvested, seedlings propagated, a live yak born (or registered when bought in), meat slaughtered or cut.
REGISTRATION_EVENTS = {
    "vegetable": "harvest",
    "strawberry": "harvest",
    "strawberry_seedling": "propagation",
    "mushroom": "harvest",
    "live_yak": "birth",
    "yak_meat": "slaughter",
}

# Two letters that open generated lot codes, by category.
LOT_PREFIXES = {
    "vegetable": "VG",
    "strawberry": "SB",
    "strawberry_seedling": "SS",
    "mushroom": "MR",
    "live_yak": "YK",
    "yak_meat": "YM",
}

MAX_QUANTITY = Decimal("100000000")
# Quantities are exact to the thousandth (a gram of a kilogram); everything below derives from this one number.
QUANTITY_PLACES = 3
# The step quantities are rounded to, Decimal("0.001"), and a zero written with the same places, Decimal("0.000").
QUANTITY_STEP = Decimal(1).scaleb(-QUANTITY_PLACES)
ZERO_QUANTITY = Decimal(0).scaleb(-QUANTITY_PLACES)
# Quantities are stored as a whole number of steps (QuantityField): this many per unit.
QUANTITY_SCALE = 10**QUANTITY_PLACES


def unit_fits(category: str, unit: str) -> bool:
    """Tell whether a unit may be used for products of a category."""
    return unit in CATEGORY_UNITS.get(category, ())


def registration_event(category: str) -> str:
    """Name what a registered lot's date records (harvest, propagation, birth, slaughter), "production" if unknown."""
    return REGISTRATION_EVENTS.get(category, "production")


def is_counted(unit: str) -> bool:
    """Tell whether a unit counts whole pieces (heads, plants, cartons)."""
    return UNITS[unit][1]


def unece_code(unit: str) -> str:
    """Return the UN/ECE Recommendation 20 code of a unit."""
    return UNITS[unit][0]


def quantity_text(value: Decimal | None) -> str | None:
    """Write a decimal without trailing zeros or exponent ("10", "2.5"), as event data keeps it."""
    return None if value is None else format(Decimal(value).normalize(), "f")
