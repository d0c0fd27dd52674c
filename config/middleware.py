"""Every page requires login, except the few listed as public."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

PUBLIC_PREFIXES = ("/accounts/login/", "/healthz", "/static/", "/admin/login/")


class LoginRequiredMiddleware:
    """Deny by default: a new URL is private unless it is named here.

    API paths answer 401 JSON (clients cannot follow a login redirect); pages redirect.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(PUBLIC_PREFIXES) or request.user.is_authenticated:
            return self.get_response(request)
        if path.startswith("/api/"):
            # Token-authenticated API calls are authenticated by DRF, not the session.
            if request.headers.get("Authorization", "").startswith("Token "):
                return self.get_response(request)
            return JsonResponse(
                {"detail": "Authentication credentials were not provided."}, status=401
            )
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
