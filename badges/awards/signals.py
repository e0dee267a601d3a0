"""What the awards side announces, so apps built on badges can react without badges importing them.

Receivers connect in their own `AppConfig.ready()`. Signals are sent inside the service's transaction:
a receiver that starts work elsewhere defers it to the commit (`delay_on_commit`).
"""

from django.dispatch import Signal

# An award became held (accepted). Argument: `award`.
award_held = Signal()
