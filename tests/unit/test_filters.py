"""The mapping filter language: an OData $filter subset, parsed and evaluated."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from domain.crm import Lookup
from domain.filters import FilterError, fields_of, matches, parse

ACCOUNT = {
    "name": "Adatum Corporation",
    "statecode": 0,
    "creditlimit": 5000,
    "parentaccountid": None,
    "modifiedon": datetime(2026, 11, 1, tzinfo=UTC),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("statecode eq 0", True),
        ("statecode ne 0", False),
        ("name eq 'ADATUM CORPORATION'", True),
        ("contains(name, 'datum')", True),
        ("startswith(name, 'Trey') or endswith(name, 'Corporation')", True),
        ("not (creditlimit gt 1000)", False),
        ("creditlimit ge 5000 and creditlimit le 5000", True),
        ("parentaccountid eq null", True),
        ("modifiedon gt 2026-10-31T23:59:59Z", True),
        ("modifiedon lt 2026-11-01", False),
    ],
)
def test_a_filter_decides_whether_a_row_passes(text: str, expected: bool) -> None:
    assert matches(parse(text), ACCOUNT) is expected


def test_quotes_in_text_are_doubled() -> None:
    assert matches(parse("name eq 'Margie''s Travel'"), {"name": "Margie's Travel"})


def test_a_lookup_compares_by_its_row_id_under_either_name() -> None:
    owner = UUID("8c8d4f51-a72b-e511-80d9-3863bb349780")
    row = {"ownerid": Lookup("systemuser", owner)}
    assert matches(parse(f"_ownerid_value eq {owner}"), row)
    assert matches(parse(f"ownerid eq {owner}"), row)


def test_comparing_a_blank_value_by_order_is_false_not_an_error() -> None:
    assert not matches(parse("creditlimit gt 10"), {"creditlimit": None})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("statecode = 0", "unexpected '= 0' at position 10"),
        ("statecode eq", "the filter ends too early"),
        ("eq 0", "expected an operator (eq, ne, gt, ge, lt, le) after 'eq', found '0'"),
        ("contains(name, 3)", "contains() needs a text value"),
        ("(statecode eq 0", "the filter ends too early"),
        ("", "the filter is empty"),
    ],
)
def test_a_bad_filter_says_why(text: str, reason: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse(text)
    assert str(caught.value) == reason


def test_the_fields_a_filter_names_are_known() -> None:
    assert fields_of(parse("blocked eq false and (type eq 'PERSON' or not contains(name, 'x'))")) == {
        "blocked",
        "type",
        "name",
    }
