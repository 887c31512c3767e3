"""Two-factor login: what a session knows about it, and the QR code of a new secret.

The rules (who must, how codes are checked, the events) are in services.py and middleware.py;
this module holds the small pieces both share with the views.
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from tashil.core.text import to_ascii_digits

# The session key that records, from login on, whether the user has two-factor login on.
# Kept in the session so that ordinary requests need no query to know it.
STATE_KEY = "tashil_two_factor"
HAS_DEVICE = "device"
NO_DEVICE = "none"

# django-otp's recovery codes: 8 characters of lower-case base32.
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def normalize_token(raw: str) -> str:
    """A code as typed: Persian digits, spaces and dashes (apps show `123 456`) are accepted."""
    return re.sub(r"[\s\-]", "", to_ascii_digits(raw or "")).lower()


def has_confirmed_device(user: Any) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def remember_state(request: HttpRequest, *, has_device: bool) -> None:
    request.session[STATE_KEY] = HAS_DEVICE if has_device else NO_DEVICE


def session_state(request: HttpRequest) -> str:
    """HAS_DEVICE or NO_DEVICE for the logged-in user of this session (read once, then kept)."""
    state = request.session.get(STATE_KEY)
    if state not in (HAS_DEVICE, NO_DEVICE):
        remember_state(request, has_device=has_confirmed_device(request.user))
        state = request.session[STATE_KEY]
    return str(state)


@receiver(user_logged_in, dispatch_uid="tashil_two_factor_on_login")
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Decided at login, so that the requests after it need no query; the idle clock starts too.
    if request is None or not hasattr(request, "session"):
        return
    from tashil.core.middleware import mark_seen

    remember_state(request, has_device=has_confirmed_device(user))
    mark_seen(request)


def qr_code_svg(data: str) -> str:
    """An inline SVG of `data` as a QR code, drawn on the server: no script, no image request."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # Drop the XML declaration: the SVG is embedded in an HTML page.
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
