"""Request plumbing of the orgs app."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.middleware import get_user
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from govindex.orgs.permissions import remember_roles


class RoleMemoryMiddleware:
    """Make the request's user remember its roles (``permissions.remember_roles``): a page's many
    permission checks (navigation, buttons, rows) then cost one query. Goes right after Django's
    ``AuthenticationMiddleware``; the user is still loaded only when something asks for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = SimpleLazyObject(lambda: remember_roles(get_user(request)))  # type: ignore[assignment]
        return self.get_response(request)
