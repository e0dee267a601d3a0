from auditlog.middleware import AuditlogMiddleware


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware, with two changes.

    The actor stays the lazy `request.user`, read only when an entry is written: the stock middleware loads
    the user on every request, and public pages answer from the cache without touching the database.

    The address is the one the connection came from, not the first `X-Forwarded-For` entry, which any client
    can write: an audit trail must not record an address the actor chose.
    """

    @staticmethod
    def _get_actor(request):
        return getattr(request, "user", None)

    @staticmethod
    def _get_remote_addr(request):
        return request.META.get("REMOTE_ADDR")
