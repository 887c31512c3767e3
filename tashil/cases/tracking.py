"""Tracking numbers that survive being read over the phone.

Eight characters from an alphabet without look-alikes or sound-alikes (no 0/O, 1/I/L, 2/Z, 5/S,
8/B, U/V), shown as two groups of four (`K7M4-QX9C`). The last character is a check character:
with 23 characters (a prime), the position-weighted sum Σ i·value(cᵢ) (i = 1…8) is made 0 mod 23,
which catches every single wrong character and every swap of two neighbours (Luhn mod N would
not: its doubling is not one-to-one for an odd N). A misheard or mistyped number is refused
before anything is looked up. They
are random, not sequential: a number does not reveal how many cases the HQ has, nor lead to
the next one.
"""

from __future__ import annotations

import secrets

from tashil.core.text import to_ascii_digits

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
LENGTH = 8
_INDEX = {char: i for i, char in enumerate(ALPHABET)}


def check_character(body: str) -> str:
    """The character that makes Σ i·value (positions 1…LENGTH) divisible by len(ALPHABET)."""
    n = len(ALPHABET)
    total = sum(position * _INDEX[char] for position, char in enumerate(body, start=1))
    # value·LENGTH ≡ −total (mod n); LENGTH is invertible because n is prime.
    return ALPHABET[(-total * pow(LENGTH, -1, n)) % n]


def new_tracking() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + check_character(body)


def normalise_tracking(text: str) -> str | None:
    """The stored form of what a person typed (any digits, any case, dashes or spaces), or None
    when it cannot be a tracking number."""
    cleaned = "".join(ch for ch in to_ascii_digits(text).upper() if ch not in " -_\u200c")
    if len(cleaned) != LENGTH or any(ch not in _INDEX for ch in cleaned):
        return None
    if check_character(cleaned[:-1]) != cleaned[-1]:
        return None
    return cleaned


def format_tracking(tracking: str) -> str:
    return f"{tracking[:4]}-{tracking[4:]}" if len(tracking) == LENGTH else tracking
