"""Security headers, the Content Security Policy, and login rate limiting glue.

Django's own middleware already sends `X-Content-Type-Options: nosniff`,
`Referrer-Policy: same-origin`, `Cross-Origin-Opener-Policy: same-origin`
(`SecurityMiddleware`) and `X-Frame-Options: DENY` (`XFrameOptionsMiddleware`). Django 5.2
has no CSP setting, so this module adds one. Every page of the product is written without
inline scripts, inline event handlers or `style=` attributes (data reaches scripts through
`json_script`; scripts change styles through the CSSOM, which CSP allows), so the policy is
strict: nothing inline, nothing from another origin.

The Swagger UI page (`/api/docs/`) gets its bundle from our own static files
(drf-spectacular-sidecar) and its start-up script from a URL of its own
(`SpectacularSwaggerSplitView`), so its scripts obey the same policy; Swagger UI inserts one
`<style>` element, so that page alone allows inline styles (styles only: no script, no
other origin). It shows the schema, never article text.
"""

from __future__ import annotations

from collections.abc import Callable

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

SWAGGER_UI_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
SWAGGER_UI_PATH = "/api/docs/"

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Adds the CSP and Permissions-Policy to every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = (
            SWAGGER_UI_POLICY
            if request.path_info.startswith(SWAGGER_UI_PATH)
            else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class LoginAttemptsBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with an HTTP request.

    Axes refuses `authenticate()` without a request; Django's test client and scripts that
    check a password in-process call it that way. Those are not attempts over the network,
    so there is nothing to rate-limit: they pass through to the next backend.
    """

    def authenticate(self, request: HttpRequest | None, *args: object, **kwargs: object) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
