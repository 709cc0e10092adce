"""Sign-in attempts limited per account and per client address, before any password is checked.

Failed sign-ins (the login page and the token endpoint alike) are counted per account (the email as typed,
lowered) and per client address in two windows: past `delay_after` failures in a minute the next attempt waits for
the minute to end, and past `lock_after` in `lock_minutes` the account (or address) is locked until that window
ends. A refused attempt is answered 429 with Retry-After before any password hash is computed, so a flood of
guesses costs the server a counter read, not a scrypt. A successful sign-in clears its account's counts.

The counting is the `limits` library's (fixed windows): in memory for the embedded default, in Redis for a
deployment of several processes or hosts (`SUPPLY_RATELIMIT_STORAGE=redis://...`), where every worker of every
host must see the same counts.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from supply.i18n import N_
from supply.services.errors import ServiceError

DELAY_AFTER = 5
LOCK_AFTER = 10
LOCK_MINUTES = 15
WAIT = N_("Too many failed sign-ins. Try again in {n} seconds.")  # translated with the number (supply.locales)


class TooManyAttempts(ServiceError):
    """Sign-in refused for now: too many failures for this account or address."""

    status = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(WAIT.replace("{n}", str(seconds)))
        self.retry_after = seconds


class SignInThrottle:
    """The failure counts of sign-ins, per account and per address, in two windows."""

    def __init__(self, storage_uri: str = "memory://", delay_after: int = DELAY_AFTER, lock_after: int = LOCK_AFTER,
                 lock_minutes: int = LOCK_MINUTES):
        self.limiter = FixedWindowRateLimiter(storage_from_string(storage_uri))
        self.lock_after = lock_after
        self.windows = (RateLimitItemPerMinute(delay_after, namespace="signin"),
                        parse(f"{lock_after}/{lock_minutes} minutes"))

    @staticmethod
    def _keys(email: str, address: str | None) -> list[tuple[str, str]]:
        keys = [("account", email.strip().lower())]
        if address:
            keys.append(("address", address))
        return keys

    def require_allowed(self, email: str, address: str | None) -> None:
        """Raise TooManyAttempts (with the seconds to wait) when the account or the address must wait."""
        wait = 0
        for key in self._keys(email, address):
            for window in self.windows:
                if not self.limiter.test(window, *key):
                    reset, _remaining = self.limiter.get_window_stats(window, *key)
                    wait = max(wait, math.ceil(reset - time.time()))
        if wait > 0:
            raise TooManyAttempts(wait)

    def failed(self, email: str, address: str | None) -> bool:
        """Count a failed sign-in; tell whether it locked the account or the address."""
        locked = False
        for key in self._keys(email, address):
            for window in self.windows:
                self.limiter.hit(window, *key)
            locked |= self.limiter.get_window_stats(self.windows[1], *key)[1] == 0
        return locked

    def succeeded(self, email: str) -> None:
        """Forget the account's failures (its address keeps its own)."""
        for window in self.windows:
            self.limiter.clear(window, *self._keys(email, None)[0])
