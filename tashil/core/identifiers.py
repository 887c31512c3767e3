"""Iranian identifiers: national ID of a legal entity, national code of a person, economic code.

The algorithms are those of DOMAIN.md §3. Input arrives typed in Persian, Arabic-Indic or ASCII
digits, often with spaces or dashes; every function here normalises first, then validates, and
returns the canonical ASCII form that the database stores.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tashil.core.text import to_ascii_digits

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_.]+")
_NATIONAL_ID_WEIGHTS = (29, 27, 23, 19, 17)


def clean_digits(raw: str) -> str:
    """ASCII digits of `raw` with spaces and dashes removed; other characters are kept (so the
    validators can reject them)."""
    return _SEPARATORS.sub("", to_ascii_digits(str(raw)))


def is_valid_national_id(value: str) -> bool:
    """Checksum of an 11-digit شناسه ملی (legal entity). `value` must already be ASCII digits."""
    if len(value) != 11 or not (value.isascii() and value.isdigit()):
        return False
    digits = [int(c) for c in value]
    if not any(digits) or value[3:9] == "000000":
        return False
    t = digits[9] + 2
    s = sum((digits[i] + t) * _NATIONAL_ID_WEIGHTS[i % 5] for i in range(10)) % 11
    if s == 10:
        s = 0
    return s == digits[10]


def is_valid_national_code(value: str) -> bool:
    """Checksum of a 10-digit کد ملی (person). 8 or 9 digits are left-padded with zeros first."""
    if not (value.isascii() and value.isdigit()) or not 8 <= len(value) <= 10:
        return False
    value = value.zfill(10)
    if value[3:9] == "000000":
        return False
    digits = [int(c) for c in value]
    r = sum(digits[i] * (10 - i) for i in range(9)) % 11
    return digits[9] == (r if r < 2 else 11 - r)


def is_valid_economic_code(value: str) -> bool:
    """Since 1403 a legal entity's economic code is its national ID (11 digits); a person's is the
    national code followed by four digits from 0001 (14 digits)."""
    if len(value) == 11:
        return is_valid_national_id(value)
    if len(value) == 14 and (value.isascii() and value.isdigit()):
        return is_valid_national_code(value[:10]) and value[10:] != "0000"
    return False


def normalize_national_id(raw: str) -> str:
    value = clean_digits(raw)
    if not (value.isascii() and value.isdigit()) or len(value) != 11:
        raise ValidationError(
            _("A national ID (شناسه ملی) has exactly 11 digits."), code="national_id_length"
        )
    if not is_valid_national_id(value):
        raise ValidationError(
            _("This national ID is not valid: its check digit does not match."),
            code="national_id_checksum",
        )
    return value


def normalize_national_code(raw: str) -> str:
    value = clean_digits(raw)
    if not (value.isascii() and value.isdigit()) or not 8 <= len(value) <= 10:
        raise ValidationError(
            _("A national code (کد ملی) has 10 digits."), code="national_code_length"
        )
    if not is_valid_national_code(value):
        raise ValidationError(
            _("This national code is not valid: its check digit does not match."),
            code="national_code_checksum",
        )
    return value.zfill(10)


def normalize_economic_code(raw: str) -> str:
    value = clean_digits(raw)
    if not (value.isascii() and value.isdigit()) or len(value) not in (11, 14):
        raise ValidationError(
            _(
                "An economic code has 11 digits (a company's national ID) or 14 digits "
                "(a person's national code and four more digits)."
            ),
            code="economic_code_length",
        )
    if not is_valid_economic_code(value):
        raise ValidationError(_("This economic code is not valid."), code="economic_code_checksum")
    return value


def validate_national_id(value: str) -> None:
    """Model-field validator: the stored value must be canonical and valid."""
    if normalize_national_id(value) != value:
        raise ValidationError(_("Enter the national ID in digits only."), code="national_id_form")


def validate_national_code(value: str) -> None:
    if normalize_national_code(value) != value:
        raise ValidationError(
            _("Enter the national code in digits only."), code="national_code_form"
        )


def validate_economic_code(value: str) -> None:
    if normalize_economic_code(value) != value:
        raise ValidationError(
            _("Enter the economic code in digits only."), code="economic_code_form"
        )


def national_id_check_digit(first_ten: str) -> str:
    """The 11th digit that makes `first_ten` a valid national ID (for demo data and factories)."""
    for candidate in "0123456789":
        if is_valid_national_id(first_ten + candidate):
            return candidate
    raise ValueError(f"no check digit makes {first_ten!r} valid")
