"""How a lot's claims may be shown today: a ✔ only while nothing since puts them in doubt.

A claim the lot carried on its date (organic, green food, a geographical indication) is shown as certified only
while the lot is neither recalled (nor made from a recalled lot) nor on hold, and while no certificate behind the
claim is suspended or revoked today. Otherwise the page shows it greyed, with the reason: "was certified; this lot
is recalled", "… on hold", or "the certificate is suspended (revoked) from <date>". No green beside a red banner.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from supply.models.batch import BatchStatus
from supply.services.certification.claims import BatchCertification

CERTIFIED = "certified"
RECALLED = "recalled"
HELD = "held"
SUSPENDED = "suspended"
REVOKED = "revoked"


@dataclass
class ClaimStanding:
    """A carried claim as it may be shown today: `standing` is certified, or why it is greyed (and since when)."""

    kind: str
    kind_name: str
    standing: str
    since: datetime.date | None = None

    @property
    def certified(self) -> bool:
        """Tell whether the claim may be shown with a ✔."""
        return self.standing == CERTIFIED


def claim_standings(certification: BatchCertification, recalled: bool, held: bool,
                    today: datetime.date) -> list[ClaimStanding]:
    """Return how each claim the lot carried stands today (`recalled` and `held` say what the lot is now)."""
    standings = []
    for claim in certification.carried:
        behind = [state for state in (*certification.certificates, *certification.upstream) if state.kind == claim.kind]
        revoked = [state.revoked_from for state in behind if state.revoked_from and state.revoked_from <= today]
        suspended = [state.suspended_from for state in behind
                     if state.suspended_from and state.suspended_from <= today]
        if recalled:
            standing, since = RECALLED, None
        elif held:
            standing, since = HELD, None
        elif revoked:
            standing, since = REVOKED, min(revoked)
        elif suspended:
            standing, since = SUSPENDED, min(suspended)
        else:
            standing, since = CERTIFIED, None
        standings.append(ClaimStanding(claim.kind, claim.kind_name, standing, since))
    return standings


def lot_standings(certification: BatchCertification, status: str, upstream_recalled: bool,
                  today: datetime.date) -> list[ClaimStanding]:
    """Return the standings of a lot's claims from its status and whether a lot upstream is recalled."""
    return claim_standings(certification, status == BatchStatus.RECALLED or upstream_recalled,
                           status == BatchStatus.ON_HOLD, today)
