"""Lookup keys: which record a lookup field refers to, from the record's values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.financials.tables import table
from domain.mappings.keys import referenced_key
from domain.mappings.model import FieldMapping, SyncDirection, Transform

VALUES = st.one_of(
    st.none(), st.text(min_size=1, max_size=8), st.integers(), st.decimals(allow_nan=False, places=2)
)


def lookup(erp_field: str, template: str | None = None, blank_means: str | None = None) -> FieldMapping:
    return FieldMapping(
        erp_field, "x", SyncDirection.TO_CRM, transform=Transform.lookup("M", template, blank_means)
    )


@given(value=VALUES, lcy=st.one_of(st.none(), st.sampled_from(["DKK", "EUR"])), no=VALUES)
@pytest.mark.parametrize(
    ("template", "blank_means"), [(None, None), ("{lcy}", None), (None, "{lcy}"), ("{no}", None)]
)
def test_a_single_placeholder_key_is_the_formatted_value(
    template: str | None, blank_means: str | None, value: object, lcy: str | None, no: object
) -> None:
    values = {"currency_code": value, "no": no}
    fm = lookup("currency_code", template, blank_means)
    chosen = blank_means if value is None and blank_means else template or "{value}"
    context = {**values, "value": value, "lcy": lcy}
    name = chosen[1:-1]
    expected = None if context[name] is None else {"code": chosen.format_map(context)}
    assert referenced_key(fm, values, table("currency"), lcy) == expected


def test_a_composite_key_joins_the_template_parts() -> None:
    fm = lookup("base_unit_of_measure", "{no}|{value}")
    values = {"no": "1000", "base_unit_of_measure": "PCS", "qty": Decimal(1)}
    assert referenced_key(fm, values, table("item_unit_of_measure"), "DKK") == {
        "item_no": "1000",
        "code": "PCS",
    }
    assert referenced_key(fm, {**values, "no": None}, table("item_unit_of_measure"), "DKK") is None
