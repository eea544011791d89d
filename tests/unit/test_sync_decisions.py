"""One record's pass, field by field: write, merge, or conflict."""

from __future__ import annotations

from decimal import Decimal

from domain.sync.decisions import Winner, decide

SNAPSHOT = {"name": "Adatum", "telephone1": "+45 1111", "creditlimit": "5000"}
SHARED = {"name", "telephone1"}


def test_a_pair_never_synced_writes_every_value_that_differs() -> None:
    decision = decide(
        {"name": "Adatum", "telephone1": "+45 1111"},
        {"name": "Adatum", "telephone1": None},
        None,
        SHARED,
        Winner.NOBODY,
    )
    assert decision.write == {"telephone1": "+45 1111"}


def test_an_unchanged_source_writes_nothing() -> None:
    decision = decide({"name": "Adatum", "telephone1": "+45 1111"}, None, SNAPSHOT, SHARED, Winner.NOBODY)
    assert decision.unchanged


def test_a_source_change_is_written() -> None:
    decision = decide({"name": "Adatum Corp"}, {"name": "Adatum"}, SNAPSHOT, SHARED, Winner.NOBODY)
    assert decision.write == {"name": "Adatum Corp"}
    assert decision.snapshot["name"] == "Adatum Corp"


def test_different_fields_changed_on_each_side_merge() -> None:
    source = {"name": "Adatum Corp", "telephone1": "+45 1111"}
    destination = {"name": "Adatum", "telephone1": "+45 2222"}
    decision = decide(source, destination, SNAPSHOT, SHARED, Winner.NOBODY)
    assert decision.write == {"name": "Adatum Corp"}
    assert decision.other_side == {"telephone1"}
    assert decision.snapshot["telephone1"] == "+45 1111"  # left for the other pass to bring back


def test_the_same_field_changed_on_both_sides_is_a_conflict_keeping_both_values() -> None:
    decision = decide(
        {"name": "Adatum Corp"}, {"name": "Adatum Inc"}, SNAPSHOT, SHARED, Winner.NOBODY, "erp", "crm"
    )
    assert decision.write == {}
    assert decision.conflicts == {"name": {"erp": "Adatum Corp", "crm": "Adatum Inc", "lastSynced": "Adatum"}}


def test_a_conflict_goes_to_the_configured_winner() -> None:
    source_wins = decide({"name": "Adatum Corp"}, {"name": "Adatum Inc"}, SNAPSHOT, SHARED, Winner.SOURCE)
    destination_wins = decide(
        {"name": "Adatum Corp"}, {"name": "Adatum Inc"}, SNAPSHOT, SHARED, Winner.DESTINATION
    )
    assert source_wins.write == {"name": "Adatum Corp"}
    assert destination_wins.write == {}
    assert destination_wins.other_side == {"name"}


def test_both_sides_changed_to_the_same_value_is_no_conflict() -> None:
    decision = decide({"name": "Adatum Corp"}, {"name": "Adatum Corp"}, SNAPSHOT, SHARED, Winner.NOBODY)
    assert decision.unchanged
    assert decision.snapshot["name"] == "Adatum Corp"


def test_a_one_way_field_is_enforced_on_the_destination() -> None:
    decision = decide(
        {"creditlimit": Decimal("5000.00")}, {"creditlimit": Decimal(9999)}, SNAPSHOT, SHARED, Winner.NOBODY
    )
    assert decision.write == {"creditlimit": Decimal("5000.00")}


def test_decimals_compare_by_value_and_blank_text_equals_none() -> None:
    decision = decide(
        {"creditlimit": Decimal("5000.000"), "telephone1": ""},
        {"creditlimit": 5000, "telephone1": None},
        None,
        SHARED,
        Winner.NOBODY,
    )
    assert decision.unchanged
