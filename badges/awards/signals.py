"""What the awards side announces, so apps built on badges can react without badges importing them.

Receivers connect in their own `AppConfig.ready()`. Every signal is sent inside the service's transaction
with the keyword argument `award`: a receiver that starts work elsewhere writes a row in the same
transaction (an outbox email, a webhook delivery) or defers it to the commit (`delay_on_commit`), so a
change that rolls back announces nothing.
"""

from django.dispatch import Signal

# The award was created (claim email queued unless the issuer chose otherwise).
award_issued = Signal()
# Many awards were created at once (an import, an API batch). Argument: `awards`, a list; receivers write
# their rows in bulk. `award_issued` is not sent for these.
awards_issued_in_bulk = Signal()
# Someone collected the award into an account: with a claim link, or by verifying its address.
award_claimed = Signal()
# The earner accepted the award, so they now hold it (`Award.objects.held()`).
award_held = Signal()
award_declined = Signal()
award_revoked = Signal()
# The award's expiry date passed; sent once per award by `awards_expiry_announce`.
award_expired = Signal()
