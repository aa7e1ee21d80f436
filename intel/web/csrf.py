"""Cross-site request forgery defence for the sign-in, setup and sign-out forms.

Two independent checks, both required on every POST:

* the request comes from our own origin: `Origin` (else `Referer`) equals the public URL
  (`INTEL_PUBLIC_URL`, else the request's own scheme and Host) — a browser never lets another site
  forge these headers;
* it carries the double-submit token: a random value in a `SameSite=Strict` HttpOnly cookie, set when
  the form is shown, echoed in a hidden field and compared in constant time. Another site can neither
  read the cookie nor set it, so it cannot fill the field.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

FIELD = "csrf_token"
_TOKEN_BYTES = 32


def public_origin(request: Request, public_url: str | None) -> str:
    """The origin browsers use for this app: the configured public URL, else this request's scheme and Host."""
    if public_url:
        return public_url
    host = request.headers.get("host") or request.url.netloc
    return f"{request.url.scheme}://{host}".lower()


def is_secure(request: Request, public_url: str | None) -> bool:
    """True when browsers reach the app over HTTPS (cookies then carry `Secure`)."""
    return public_origin(request, public_url).startswith("https://")


def cookie_name(secure: bool) -> str:
    """The token cookie's name; `__Host-` over HTTPS so no sibling subdomain can plant one."""
    return "__Host-intel_csrf" if secure else "intel_csrf"


def same_origin(request: Request, public_url: str | None) -> bool:
    """True when the request's Origin (else Referer) is the app's own origin; False when neither is sent."""
    expected = public_origin(request, public_url)
    origin = request.headers.get("origin")
    if origin is None:
        referer = urlsplit(request.headers.get("referer", ""))
        if not referer.scheme or not referer.netloc:
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin.lower() == expected


def form_token(request: Request, public_url: str | None) -> str:
    """The token for a form shown in this browser: its current cookie's, else a new random one."""
    current = request.cookies.get(cookie_name(is_secure(request, public_url)), "")
    # Reusing a well-formed cookie keeps two open sign-in tabs both working.
    return current if 40 <= len(current) <= 64 and current.replace("-", "").replace("_", "").isalnum() \
        else secrets.token_urlsafe(_TOKEN_BYTES)


def set_token_cookie(response: Response, request: Request, token: str, public_url: str | None) -> None:
    """Attach the token cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) to a form response."""
    secure = is_secure(request, public_url)
    response.set_cookie(cookie_name(secure), token, httponly=True, samesite="strict", secure=secure, path="/")


def token_ok(request: Request, form: dict[str, str], public_url: str | None) -> bool:
    """True when the form's hidden token equals the token cookie (constant-time compare)."""
    cookie = request.cookies.get(cookie_name(is_secure(request, public_url)), "")
    field = form.get(FIELD, "")
    return bool(cookie) and bool(field) and secrets.compare_digest(cookie.encode(), field.encode())


def refusal(request: Request, form: dict[str, str], public_url: str | None) -> str | None:
    """Why a form POST must be refused as cross-site (a plain sentence), or None when it may proceed."""
    if not same_origin(request, public_url):
        return "This form was sent from another site, so it was refused. Open the sign-in page and try again."
    if not token_ok(request, form, public_url):
        return "This form has expired or was not opened here. Reload the page and try again."
    return None
