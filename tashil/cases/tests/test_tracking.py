"""Tracking numbers: read over the phone, typed back in any digits and case, and the check
character catching the usual mistakes before anything is looked up."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tashil.cases.tracking import (
    ALPHABET,
    LENGTH,
    check_character,
    format_tracking,
    new_tracking,
    normalise_tracking,
)
from tashil.core.text import to_persian_digits

bodies = st.text(alphabet=ALPHABET, min_size=LENGTH - 1, max_size=LENGTH - 1)


def _tracking(body: str) -> str:
    return body + check_character(body)


@given(body=bodies, position=st.integers(0, LENGTH - 1), replacement=st.sampled_from(ALPHABET))
@example(body="9R6E7NM", position=0, replacement="N")
def test_the_check_character_catches_every_single_character_mistake(
    body: str, position: int, replacement: str
) -> None:
    tracking = _tracking(body)
    mistyped = tracking[:position] + replacement + tracking[position + 1 :]

    assert normalise_tracking(mistyped) == (tracking if mistyped == tracking else None)


@given(body=bodies, position=st.integers(0, LENGTH - 2))
@example(body="3YAAAAA", position=0)
def test_the_check_character_catches_every_swap_of_neighbours(body: str, position: int) -> None:
    tracking = _tracking(body)
    chars = list(tracking)
    chars[position], chars[position + 1] = chars[position + 1], chars[position]
    swapped = "".join(chars)

    assert normalise_tracking(swapped) == (tracking if swapped == tracking else None)


@given(body=bodies)
def test_a_tracking_number_is_read_back_however_it_is_typed(body: str) -> None:
    tracking = _tracking(body)
    shown = format_tracking(tracking)

    for typed in (
        tracking,
        shown,
        shown.lower(),
        to_persian_digits(shown),
        f"  {tracking[:2]} {tracking[2:4]}-{tracking[4:]} ",
        tracking[:4] + "\u200c" + tracking[4:],
        to_persian_digits(tracking).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")),
    ):
        assert normalise_tracking(typed) == tracking, typed


@pytest.mark.parametrize(
    "typed",
    ["", "ABC", "34679ACDE", "3467-9AC", "0OIL1ZSB", "34679ACD!"],
)
def test_what_cannot_be_a_tracking_number_is_none(typed: str) -> None:
    assert normalise_tracking(typed) is None


@given(st.data())
def test_new_numbers_use_the_alphabet_and_pass_their_own_check(data: st.DataObject) -> None:
    tracking = new_tracking()

    assert len(tracking) == LENGTH and set(tracking) <= set(ALPHABET)
    assert normalise_tracking(tracking) == tracking


def test_the_alphabet_has_no_look_alikes_or_sound_alikes() -> None:
    assert len(set(ALPHABET)) == len(ALPHABET)
    assert not set(ALPHABET) & set("0O1IL2Z5S8BUV")


def test_a_tracking_number_is_shown_in_two_groups_of_four() -> None:
    assert format_tracking("K7M4QX9C") == "K7M4-QX9C"
    assert format_tracking("SHORT") == "SHORT"
