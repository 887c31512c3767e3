"""Company search on the stored search document (DOMAIN.md §8).

The document holds the *compact* keys of a company's name, identifiers, products and activity
(no spaces), and a query is split into words, each compacted the same way and required as a
substring. So `دانش بنیان` (two words, both substrings of `دانشبنیان`), `دانشبنیان` and
`دانش‌بنیان` all find a product written any of those ways.

Substring matching is served by an index on each database: an FTS5 table with the trigram
tokenizer on SQLite (kept in sync by triggers, see migration 0003) and a pg_trgm GIN index on
PostgreSQL, which serves `LIKE '%…%'` directly.
"""

from __future__ import annotations

import unicodedata
from typing import TypeVar

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from tashil.core.text import compact_key, search_key
from tashil.registry.models import Company

FTS_TABLE = "registry_company_fts"
# The trigram tokenizer indexes three-character sequences; shorter words cannot use it.
TRIGRAM = 3


def _trim_punctuation(word: str) -> str:
    # Names are pasted in «» or quotes, and FTS habits add `*` or `(`: marks around a word are not
    # part of it. Marks inside a word (1403-555, آ.ب.ت) are kept, as the document keeps them.
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] in "PS":
        end -= 1
    return word[start:end]


def query_terms(query: str) -> list[str]:
    """The words of a query as compact keys, without duplicates, longest first."""
    words = {compact_key(_trim_punctuation(word)) for word in search_key(query).split(" ")}
    return sorted((word for word in words if word), key=len, reverse=True)


def _fts_phrase(term: str) -> str:
    # An FTS5 string: double quotes inside are doubled; inside quotes nothing is an operator.
    return '"' + term.replace('"', '""') + '"'


# The caller's queryset class (CompanyQuerySet and its methods) survives the search.
CompanyQS = TypeVar("CompanyQS", bound=QuerySet[Company])


def search_companies(queryset: CompanyQS, query: str) -> CompanyQS:
    terms = query_terms(query)
    if not terms:
        return queryset
    long_terms = [term for term in terms if len(term) >= TRIGRAM]
    short_terms = [term for term in terms if len(term) < TRIGRAM]
    if connection.vendor == "sqlite" and long_terms:
        match = " AND ".join(_fts_phrase(term) for term in long_terms)
        queryset = queryset.filter(
            # The table name is a constant and the query travels as a parameter.
            pk__in=RawSQL(  # noqa: S611
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                (match,),
            )
        )
    else:
        short_terms = terms
    for term in short_terms:
        # PostgreSQL: LIKE '%term%' on the trigram-indexed column. SQLite: words too short for
        # the trigram table narrow what the FTS match (or the other filters) already selected.
        queryset = queryset.filter(search_document__contains=term)
    return queryset
