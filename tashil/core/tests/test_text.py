"""The search key of DOMAIN.md §8: every spelling of a word meets, different words stay apart."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tashil.core.text import compact_key, search_key, to_ascii_digits, to_persian_digits

# The 32 letters of the Persian alphabet in their Persian code points (ک U+06A9, ی U+06CC).
PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
# Arabic code points the spec unifies with a Persian letter, and the marks it drops.
ARABIC_VARIANTS = "يىكةۀأإٱ"
# Harakat proper (tanwin, fatha, damma, kasra, shadda, sukun). Hamza above and madda (U+0653-5) are
# left out on purpose: NFKC composes them with the letter before (و + ٔ → ؤ, ا + ٓ → آ), which makes a
# different letter, not a decorated one.
HARAKAT = [chr(cp) for cp in range(0x064B, 0x0653)]
INVISIBLES = ["\u200c", "\u200d", "\u0640"]  # ZWNJ, ZWJ, tatweel
BIDI_MARKS = ["\u200e", "\u200f", "\u061c", "\u202b", "\u202c", "\u2067", "\u2069"]
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"

persian_words = st.text(alphabet=PERSIAN_LETTERS, min_size=1, max_size=12)
persian_soup = st.text(
    alphabet=st.sampled_from(
        list(PERSIAN_LETTERS + ARABIC_VARIANTS + PERSIAN_DIGITS + ARABIC_INDIC_DIGITS + "آ ")
        + HARAKAT
        + INVISIBLES
        + BIDI_MARKS
        + ["\u0653", "\u0654", "\u0670", "\t", "\n", "\u00a0"]
    ),
    max_size=40,
)


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("مصطفى", "مصطفی"),  # alef maksura
        ("كارخانه", "کارخانه"),  # Arabic kaf
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("خانۀ", "خانه"),  # heh with yeh above (ezafe), precomposed
        ("خانه\u0654", "خانه"),  # ezafe typed as heh + hamza above
        ("أحمد", "احمد"),
        ("إيران", "ایران"),
        ("ٱلله", "الله"),  # alef wasla
    ],
)
def test_arabic_spellings_share_the_key_of_the_persian_spelling(
    variant: str, standard: str
) -> None:
    assert search_key(variant) == search_key(standard)


@pytest.mark.parametrize(
    ("decorated", "plain"),
    [
        ("دانش\u200cبنیان", "دانشبنیان"),  # ZWNJ
        ("دانش\u200dبنیان", "دانشبنیان"),  # ZWJ
        ("تســـهیل", "تسهیل"),  # tatweel
        ("تَسهِیل", "تسهیل"),  # fatha, kasra
        ("محمّد", "محمد"),  # shadda
        ("\u200fتسهیل\u200e", "تسهیل"),  # RLM / LRM
        ("\u202bتسهیل\u202c", "تسهیل"),  # RLE … PDF
        ("\u2067تسهیل\u2069", "تسهیل"),  # RLI … PDI
        ("\u061cتسهیل", "تسهیل"),  # Arabic letter mark
        ("\ufeffتسهیل", "تسهیل"),  # BOM pasted from a file
    ],
)
def test_invisible_and_diacritic_marks_are_dropped(decorated: str, plain: str) -> None:
    assert search_key(decorated) == search_key(plain)
    # The key itself must carry no trace of the marks, not only compare equal to something.
    assert search_key(decorated) == plain


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("۱۴۰۴/۰۹/۲۴", "1404/09/24"),  # Persian digits
        ("١٤٠٤/٠٩/٢٤", "1404/09/24"),  # Arabic-Indic digits
        ("شهرک ۲ و ٣", "شهرک 2 و 3"),
        ("  دانش \t\n  بنیان  ", "دانش بنیان"),  # runs of whitespace collapse, ends stripped
        ("دانش\u00a0بنیان", "دانش بنیان"),  # no-break space is a space
        ("Tashil SITE", "tashil site"),  # Latin is case-folded
        ("Straße", "strasse"),  # case-folding, not just lower()
        ("ＡＢＣ１２", "abc12"),  # full-width forms fold through NFKC
        ("ﻛﺘﺎﺏ", "کتاب"),  # Arabic presentation forms, as copied out of old PDFs
    ],
)
def test_search_key_normalises_digits_spaces_case_and_compatibility_forms(
    raw: str, key: str
) -> None:
    assert search_key(raw) == key


def test_zwnj_and_joined_spellings_share_a_search_key() -> None:
    assert search_key("دانش\u200cبنیان") == search_key("دانشبنیان")


def test_zwnj_and_space_variants_share_a_compact_key() -> None:
    spellings = ["دانش\u200cبنیان", "دانشبنیان", "دانش بنیان"]
    assert {compact_key(s) for s in spellings} == {"دانشبنیان"}


def test_search_key_keeps_the_space_of_a_split_compound() -> None:
    # A space separates words; only the compact key may ignore it, or "دانش بنیان" would also
    # lose the word boundary phrase search relies on.
    assert search_key("دانش بنیان") == "دانش بنیان"
    assert search_key("دانش بنیان") != search_key("دانشبنیان")


def test_all_persian_letters_keep_distinct_keys() -> None:
    keys = {search_key(letter) for letter in PERSIAN_LETTERS}
    assert len(keys) == len(PERSIAN_LETTERS) == 32


def test_to_persian_digits_converts_a_jalali_date() -> None:
    assert to_persian_digits("1404/09/24") == "۱۴۰۴/۰۹/۲۴"


def test_to_ascii_digits_converts_both_scripts_and_nothing_else() -> None:
    assert to_ascii_digits("کد ۱۲۳ و ٤٥٦ ي") == "کد 123 و 456 ي"


def test_persian_digits_round_trip_through_ascii() -> None:
    assert to_ascii_digits(to_persian_digits("1404/09/24")) == "1404/09/24"
    assert to_persian_digits(to_ascii_digits("۱۴۰۴/۰۹/۲۴")) == "۱۴۰۴/۰۹/۲۴"


# --- properties -----------------------------------------------------------------------------------


@given(st.text())
def test_search_key_is_idempotent_on_any_text(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key


@given(persian_soup)
def test_search_key_is_idempotent_on_persian_and_arabic_text(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key
    assert compact_key(key) == compact_key(text)


@given(
    word=persian_words.filter(lambda w: len(w) >= 2),
    inserts=st.lists(
        st.tuples(st.integers(min_value=1), st.sampled_from(INVISIBLES + HARAKAT + BIDI_MARKS)),
        min_size=1,
        max_size=8,
    ),
)
def test_marks_inserted_between_letters_never_change_the_key(
    word: str, inserts: list[tuple[int, str]]
) -> None:
    letters = list(word)
    for position, mark in inserts:
        # Appended to one of the first len-1 letters: strictly between two letters of the word.
        letters[position % (len(word) - 1)] += mark
    decorated = "".join(letters)
    assert decorated != word
    assert search_key(decorated) == search_key(word) == word


@given(
    word=persian_words,
    data=st.data(),
)
def test_words_differing_in_one_letter_keep_different_keys(word: str, data: st.DataObject) -> None:
    # "Nothing else collapses": the spec unifies no two letters of the Persian alphabet.
    index = data.draw(st.integers(min_value=0, max_value=len(word) - 1))
    other_letter = data.draw(st.sampled_from(PERSIAN_LETTERS))
    assume(other_letter != word[index])
    other = word[:index] + other_letter + word[index + 1 :]
    assert search_key(word) != search_key(other)
    assert compact_key(word) != compact_key(other)


@given(st.text(alphabet="0123456789", min_size=1), st.text(alphabet="0123456789", min_size=1))
def test_distinct_digit_strings_keep_distinct_keys(a: str, b: str) -> None:
    assume(a != b)
    assert search_key(a) != search_key(b)


@given(st.text(alphabet="0123456789", min_size=1))
def test_digits_in_any_script_give_the_ascii_key(digits: str) -> None:
    persian = to_persian_digits(digits)
    assert persian != digits
    assert search_key(persian) == digits
    assert search_key(digits.translate(str.maketrans("0123456789", ARABIC_INDIC_DIGITS))) == digits


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_text_round_trips_through_persian_digits(text: str) -> None:
    assert to_ascii_digits(to_persian_digits(text)) == text
