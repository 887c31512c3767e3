"""Text messages. Iranian SMS providers each have their own HTTP API; a provider plugs in as a
class with `send(to, text)` named by settings.TASHIL_SMS_BACKEND. The console backend prints the
message (development, demo) and the memory backend keeps it (tests)."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> None: ...


class ConsoleSmsBackend:
    def send(self, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class MemorySmsBackend:
    """Keeps what was sent in `outbox` (shared by every instance), like Django's locmem mail."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        MemorySmsBackend.outbox.append((to, text))


def get_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.TASHIL_SMS_BACKEND)()
    return backend
