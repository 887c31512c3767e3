"""The one check of a move against a workflow table, shared by cases and resolutions."""

from __future__ import annotations

import pytest

from tashil.core.workflow import make_move, refusal

REFER = make_move("refer", "secretariat")
REJECT = make_move("reject", "secretariat", reason=True)


def test_a_move_the_table_has_for_this_actor_is_allowed() -> None:
    assert refusal(REFER, action="refer", kinds={"secretariat"}, reason="") is None


@pytest.mark.parametrize(
    ("found", "action", "kinds", "reason", "code"),
    [
        (None, "refer", {"secretariat"}, "", "invalid_transition"),
        (REFER, "reopen", {"secretariat"}, "", "invalid_transition"),  # same target, other name
        (REFER, "refer", {"company"}, "", "not_allowed"),
        (REFER, "refer", set(), "", "not_allowed"),
        (REJECT, "reject", {"secretariat"}, "  \n", "reason_required"),
    ],
)
def test_a_move_is_refused_with_the_first_rule_it_breaks(
    found, action: str, kinds: set[str], reason: str, code: str
) -> None:
    assert refusal(found, action=action, kinds=kinds, reason=reason) == code


def test_a_reason_satisfies_a_move_that_needs_one() -> None:
    assert refusal(REJECT, action="reject", kinds={"secretariat"}, reason="خارج از حوزه") is None


def test_compare_and_set_writes_only_while_the_row_holds_what_was_read(db) -> None:
    from tashil.accounts.models import User
    from tashil.core.workflow import compare_and_set

    row = User.objects.create(username="dabir", first_name="علی")
    stale = User.objects.get(pk=row.pk)
    assert compare_and_set(row, field="first_name", expected="علی", values={"first_name": "رضا"})
    assert row.first_name == "رضا"

    # The stale copy still says "علی"; the row no longer does, so nothing is written.
    assert not compare_and_set(
        stale, field="first_name", expected="علی", values={"first_name": "حسن"}
    )
    assert stale.first_name == "علی"
    assert User.objects.get(pk=row.pk).first_name == "رضا"
