"""Validation messages that carry numbers, written with {n} so one translation serves every number.

`supply.i18n.translate_message` turns "At most 100 characters." into the catalogue entry
"At most {n} characters.", translates it and puts the numbers back.
"""

from __future__ import annotations

from supply.services.errors import N_

NUMBERED_MESSAGES = (
    N_("At most {n} characters."),
    N_("Give between {n} and {n} items."),
    N_("At most {n} source lots."),
)

# marshmallow's own messages, so that they are in the catalogue too.
MARSHMALLOW_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Not a valid string."),
    N_("Not a valid number."),
    N_("Not a valid integer."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid boolean."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Invalid data."),
)
