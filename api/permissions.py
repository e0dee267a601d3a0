from rest_framework import exceptions, permissions


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


class HasScope(permissions.BasePermission):
    """The key must hold the scope the view names for this method (`required_scopes = {"GET": "awards:read"}`)."""

    def has_permission(self, request, view):
        required = getattr(view, "required_scopes", {}).get(request.method)
        if required is None:
            return True  # the schema and docs
        if request.auth is None:
            raise exceptions.NotAuthenticated("Send an API key as “Authorization: Bearer <key>”.")
        if required not in request.auth.scopes:
            raise InsufficientScope(f"This API key lacks the “{required}” scope.")
        return True
