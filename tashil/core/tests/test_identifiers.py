"""Iranian identifiers (DOMAIN.md §3): checksums, normalisation of typed input, error codes.

Valid literals were worked out by hand / with an independent scratch implementation of the
checksum, never with the functions under test:
  10380284790  national ID, example of DOMAIN.md (t = 11, Σ = 3432 ≡ 0 mod 11)
  14001234562  national ID
  14001234510  national ID whose weighted sum is ≡ 10 mod 11, so the check digit is 0
  0499370899   national code, example of DOMAIN.md (Σ = 266 ≡ 2 → check 9)
  0012345679   national code (Σ = 112 ≡ 2 → check 9), typed without its leading zeros as 12345679
  1234567830   national code, Σ = 198 ≡ 0 → check 0 (r < 2: the check digit is r itself)
  1234567891   national code, Σ = 210 ≡ 1 → check 1
  1234567881   national code, Σ = 208 ≡ 10 → check 11 - 10 = 1
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tashil.core.identifiers import (
    is_valid_economic_code,
    is_valid_national_code,
    is_valid_national_id,
    national_id_check_digit,
    normalize_economic_code,
    normalize_national_code,
    normalize_national_id,
    validate_national_code,
    validate_national_id,
)

# --- national ID (شناسه ملی) ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["10380284790", "14001234562", "14001234510"])
def test_it_accepts_a_valid_national_id(value: str) -> None:
    assert is_valid_national_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "10380284791",  # DOMAIN.md: wrong check digit
        "14001234563",
        "00000000000",  # all zeros
        "1038028479",  # 10 digits
        "103802847900",  # 12 digits
        "",
        "1038028479a",
    ],
)
def test_it_rejects_an_invalid_national_id(value: str) -> None:
    assert not is_valid_national_id(value)


def test_it_rejects_a_national_id_with_zero_digits_4_to_9_even_when_the_checksum_matches() -> None:
    # 12300000011 satisfies the weighted checksum (t = 3, Σ ≡ 1 mod 11, found offline), so only the
    # "digits 4-9 are 000000" rule can reject it.
    assert not is_valid_national_id("12300000011")


@pytest.mark.parametrize("tenth", "0123456789")
@pytest.mark.parametrize("eleventh", "0123456789")
def test_no_check_digit_rescues_a_national_id_with_zero_digits_4_to_9(
    tenth: str, eleventh: str
) -> None:
    assert not is_valid_national_id("123000000" + tenth + eleventh)


def test_national_id_check_digit_completes_the_domain_example() -> None:
    assert national_id_check_digit("1038028479") == "0"
    assert national_id_check_digit("1400123456") == "2"
    # A sum of 10 maps to check digit 0, not to no digit at all.
    assert national_id_check_digit("1400123451") == "0"


@pytest.mark.parametrize(
    "raw",
    [
        "10380284790",
        "۱۰۳۸۰۲۸۴۷۹۰",  # Persian digits
        "١٠٣٨٠٢٨٤٧٩٠",  # Arabic-Indic digits
        "103-802-847-90",
        " 1038 0284 790 ",
    ],
)
def test_normalize_national_id_returns_ascii_digits(raw: str) -> None:
    assert normalize_national_id(raw) == "10380284790"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1038028479", "national_id_length"),
        ("103802847900", "national_id_length"),
        ("", "national_id_length"),
        ("10380284x90", "national_id_length"),  # a letter is not a digit
        ("10380284791", "national_id_checksum"),
        ("۱۰۳۸۰۲۸۴۷۹۱", "national_id_checksum"),
        ("12300000011", "national_id_checksum"),
        ("00000000000", "national_id_checksum"),
    ],
)
def test_normalize_national_id_raises_with_a_specific_code(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalize_national_id(raw)
    assert excinfo.value.code == code


# --- national code (کد ملی) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["0499370899", "0012345679", "1234567830", "1234567891", "1234567881"]
)
def test_it_accepts_a_valid_national_code(value: str) -> None:
    assert is_valid_national_code(value)


@pytest.mark.parametrize("value", ["499370899", "12345679"])
def test_a_national_code_of_eight_or_nine_digits_is_checked_after_left_padding(value: str) -> None:
    assert is_valid_national_code(value)


@pytest.mark.parametrize(
    "value",
    [
        "0684159415",  # DOMAIN.md example of an invalid code
        "0499370898",
        "1234567890",  # Σ ≡ 1: the check digit is 1, not 11 - 1 = 10 → 0
        "1234567831",
        "1230000003",  # checksum matches (Σ = 52 ≡ 8 → 3) but digits 4-9 are 000000
        "0000000000",  # checksum matches too (Σ = 0)
        "000000000",  # …and still rejected after padding
        "1234567",  # 7 digits: too short even for padding
        "04993708990",  # 11 digits
        "049937089x",
    ],
)
def test_it_rejects_an_invalid_national_code(value: str) -> None:
    assert not is_valid_national_code(value)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("499370899", "0499370899"),  # 9 digits: leading zero lost in a spreadsheet
        ("12345679", "0012345679"),  # 8 digits
        ("۰۴۹۹۳۷۰۸۹۹", "0499370899"),
        ("٠٤٩٩٣٧٠٨٩٩", "0499370899"),
        ("049-937089-9", "0499370899"),
        (" 0499 370 899 ", "0499370899"),
        ("۴۹۹-۳۷۰۸۹۹", "0499370899"),  # Persian digits, dash, and padding at once
    ],
)
def test_normalize_national_code_pads_and_returns_ascii_digits(raw: str, canonical: str) -> None:
    assert normalize_national_code(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1234567", "national_code_length"),
        ("04993708990", "national_code_length"),
        ("", "national_code_length"),
        ("04993708a9", "national_code_length"),
        ("0684159415", "national_code_checksum"),
        ("۰۶۸۴۱۵۹۴۱۵", "national_code_checksum"),
        ("1230000003", "national_code_checksum"),
    ],
)
def test_normalize_national_code_raises_with_a_specific_code(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalize_national_code(raw)
    assert excinfo.value.code == code


# --- economic code (کد اقتصادی) -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "10380284790",  # a company: its national ID
        "04993708990001",  # a person: national code + 0001
        "04993708999999",
    ],
)
def test_it_accepts_a_valid_economic_code(value: str) -> None:
    assert is_valid_economic_code(value)
    assert normalize_economic_code(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "10380284791",  # invalid national ID
        "04993708990000",  # the four-digit suffix starts at 0001
        "06841594150001",  # invalid national code
        "049937089900",  # 12 digits
        "0499370899",  # a bare national code is not an economic code
    ],
)
def test_it_rejects_an_invalid_economic_code(value: str) -> None:
    assert not is_valid_economic_code(value)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("049937089900", "economic_code_length"),
        ("0499370899", "economic_code_length"),
        ("", "economic_code_length"),
        ("10380284791", "economic_code_checksum"),
        ("04993708990000", "economic_code_checksum"),
        ("06841594150001", "economic_code_checksum"),
    ],
)
def test_normalize_economic_code_raises_with_a_specific_code(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalize_economic_code(raw)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("۱۰۳۸۰۲۸۴۷۹۰", "10380284790"),
        ("0499370899-0001", "04993708990001"),
        ("۰۴۹۹۳۷۰۸۹۹ ۰۰۰۱", "04993708990001"),
    ],
)
def test_normalize_economic_code_returns_ascii_digits(raw: str, canonical: str) -> None:
    assert normalize_economic_code(raw) == canonical


# --- model validators -----------------------------------------------------------------------------


def test_validate_national_id_passes_canonical_valid_input() -> None:
    validate_national_id("10380284790")


@pytest.mark.parametrize(
    "value",
    [
        "103-802-847-90",  # valid, but not in the stored form
        "۱۰۳۸۰۲۸۴۷۹۰",
        "10380284791",
    ],
)
def test_validate_national_id_rejects_non_canonical_or_invalid_input(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_national_id(value)


def test_validate_national_code_passes_canonical_valid_input() -> None:
    validate_national_code("0499370899")


@pytest.mark.parametrize(
    "value",
    [
        "049-937089-9",
        "499370899",  # valid once padded, but the stored form keeps the leading zero
        "۰۴۹۹۳۷۰۸۹۹",
        "0684159415",
    ],
)
def test_validate_national_code_rejects_non_canonical_or_invalid_input(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_national_code(value)
