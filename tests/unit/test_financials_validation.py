"""Normalization of Financials input, field by field (no I/O)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ErrorCode
from domain.financials.tables import table
from domain.financials.validation import normalize, with_defaults

CUSTOMER = table("customer")
ITEM = table("item")


def test_codes_are_trimmed_and_upper_cased_and_blank_means_none() -> None:
    clean, errors = normalize(CUSTOMER, {"no": " c100 ", "salesperson_code": "", "name": "Adatum"})
    assert errors == []
    assert clean == {"no": "C100", "salesperson_code": None, "name": "Adatum"}


def test_an_unknown_field_is_refused_by_name() -> None:
    _, errors = normalize(CUSTOMER, {"no": "C1", "nmae": "Adatum"})
    assert [(e.field, e.code) for e in errors] == [("nmae", ErrorCode.INVALID_VALUE)]


def test_an_enum_value_must_be_one_of_its_options() -> None:
    _, errors = normalize(ITEM, {"type": "GADGET"})
    assert errors[0].message == "type must be one of INVENTORY, SERVICE"


@given(st.decimals(min_value=0, max_value=10**14, places=5, allow_nan=False, allow_infinity=False))
def test_any_non_negative_amount_with_five_places_is_kept_exactly(value: Decimal) -> None:
    clean, errors = normalize(ITEM, {"unit_price": value})
    assert errors == []
    assert clean["unit_price"] == value


@given(
    st.decimals(min_value=Decimal("0.000001"), max_value=1, places=6).filter(
        lambda d: d != d.quantize(Decimal("0.00001"))
    )
)
def test_an_amount_with_more_than_five_places_is_refused_not_rounded(value: Decimal) -> None:
    _, errors = normalize(ITEM, {"unit_price": value})
    assert [e.code for e in errors] == [ErrorCode.INVALID_VALUE]


def test_trailing_zeros_beyond_five_places_are_harmless() -> None:
    clean, errors = normalize(ITEM, {"unit_price": Decimal("12.5000000")})
    assert errors == []
    assert clean["unit_price"] == Decimal("12.5")


def test_defaults_fill_what_was_not_given() -> None:
    values = with_defaults(ITEM, {"no": "1000"})
    assert (values["type"], values["blocked"], values["unit_price"]) == ("INVENTORY", False, Decimal(0))
