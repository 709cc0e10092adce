"""The kinds of notification: each one's message, written with named values and translated where it is read."""

from __future__ import annotations

from supply.i18n import N_

# kind -> (title, message); the message's %(name)s values are the notification's params.
KINDS = {
    "shipment_waiting": (N_("Shipment awaiting your receipt"),
                         N_("Shipment %(code)s from %(sender)s (%(lots)s) left on %(departed)s and awaits your "
                            "receipt.")),
    "lot_held": (N_("A lot of yours is held"),
                 N_("Lot %(lot)s is held: %(reason)s. Do not ship, sell or transform it until an inspector "
                    "releases the hold.")),
    "lot_recalled": (N_("A lot of yours is recalled"),
                     N_("Lot %(lot)s is recalled (level %(level)s): %(reason)s. Stop selling it, set aside what you "
                        "hold, tell your buyers, and report what you recovered by %(deadline)s.")),
    "recall_deadline": (N_("A recall's deadline is within 24 hours"),
                        N_("Recall %(code)s of lot %(lot)s must be finished by %(deadline)s.")),
    "certificate_expiring": (N_("A certificate of yours ends within 30 days"),
                             N_("Certificate %(number)s ends on %(valid_to)s: submit its renewal in time.")),
    "certificate_decision": (N_("A decision on your certificate"),
                             N_("Certificate %(number)s: %(decision)s. %(reason)s")),
    "temperature_excursion": (N_("A temperature excursion"),
                              N_("%(carrier)s was at %(lowest)s to %(highest)s °C from %(started)s to %(ended)s, "
                                 "outside its limits (%(limits)s). A hold is proposed on its lots %(lots)s.")),
}
DECISIONS = {
    "certificates.approve": N_("approved"), "certificates.reject": N_("rejected"),
    "certificates.suspend": N_("suspended"), "certificates.reinstate": N_("reinstated"),
    "certificates.revoke": N_("revoked"),
}
