"""Attribute values: lookups rendered as @odata.bind, read back from _x_value; exact
decimals; aware UTC date-times; OData literals escaped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

import pytest

from adapters.dataverse import _json
from adapters.dataverse._schema import EntityRegistry
from adapters.dataverse._values import decode_row, encode_attributes
from domain.crm import CrmValidationError, Lookup, odata_literal

REGISTRY = EntityRegistry()
ADATUM = UUID("7f6c5e8a-1b2c-4d3e-9f00-0a1b2c3d4e5f")
ANN = UUID("0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6")
SETS = {"account": "accounts", "contact": "contacts", "systemuser": "systemusers", "team": "teams"}


def encode(entity: str, attributes: dict[str, object]) -> dict[str, object]:
    spec = REGISTRY.get(entity)
    assert spec is not None
    return encode_attributes(spec, attributes, SETS.__getitem__)  # type: ignore[arg-type]


def test_a_lookup_is_written_through_its_navigation_property() -> None:
    assert encode("account", {"parentaccountid": Lookup("account", ADATUM)}) == {
        "parentaccountid@odata.bind": f"/accounts({ADATUM})"
    }


CUSTOMERS = [("account", "customerid_account", "accounts"), ("contact", "customerid_contact", "contacts")]


@pytest.mark.parametrize(("target", "navigation", "entity_set"), CUSTOMERS)
def test_a_customer_lookup_uses_the_navigation_property_of_its_target(
    target: str, navigation: str, entity_set: str
) -> None:
    assert encode("salesorder", {"customerid": Lookup(target, ADATUM)}) == {
        f"{navigation}@odata.bind": f"/{entity_set}({ADATUM})"
    }


def test_an_owner_lookup_binds_ownerid_to_a_user_or_a_team() -> None:
    assert encode("account", {"ownerid": Lookup("team", ANN)}) == {"ownerid@odata.bind": f"/teams({ANN})"}


def test_none_clears_a_lookup_through_its_navigation_property() -> None:
    assert encode("contact", {"parentcustomerid": None}) == {"parentcustomerid_account@odata.bind": None}


def test_a_lookup_to_an_entity_it_cannot_point_at_is_refused_before_sending() -> None:
    with pytest.raises(CrmValidationError, match=r"account\.parentaccountid cannot refer to a contact"):
        encode("account", {"parentaccountid": Lookup("contact", ANN)})


def test_plain_values_are_sent_as_json_with_exact_decimals_and_utc_seconds() -> None:
    body = encode(
        "account",
        {
            "name": "Adatum Corporation",
            "creditlimit": Decimal("12345.67"),
            "creditonhold": False,
            "paymenttermscode": 2,
            "overriddencreatedon": datetime(2026, 1, 2, 4, 5, 6, 789, tzinfo=timezone(timedelta(hours=1))),
        },
    )
    assert _json.dumps(body) == (
        b'{"name":"Adatum Corporation","creditlimit":12345.67,"creditonhold":false,'
        b'"paymenttermscode":2,"overriddencreatedon":"2026-01-02T03:05:06Z"}'
    )


def test_a_date_only_column_is_sent_as_a_date() -> None:
    spec = REGISTRY.get("pricelevel")
    assert spec is not None
    body = encode_attributes(spec, {"begindate": datetime(2026, 3, 1, tzinfo=UTC)}, SETS.__getitem__)
    assert body == {"begindate": "2026-03-01"}


def test_a_row_reads_lookups_under_their_own_names_with_the_annotated_entity() -> None:
    spec = REGISTRY.get("salesorder")
    assert spec is not None
    payload = _json.loads(
        '{"@odata.etag": "W/\\"71004878\\"", "salesorderid": "' + str(ANN) + '",'
        '"_customerid_value": "' + str(ADATUM) + '",'
        '"_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",'
        '"_pricelevelid_value": null, "totalamount": 1250, "discountpercentage": 2.5,'
        '"modifiedon": "2026-11-20T08:15:00Z", "_modifiedby_value": "' + str(ANN) + '", "name": "SO-1001"}'
    )
    row = decode_row(spec, payload)
    assert row.id == ANN
    assert row.etag == 'W/"71004878"'
    assert row.attributes["customerid"] == Lookup("account", ADATUM)
    assert row.attributes["pricelevelid"] is None
    assert row.attributes["totalamount"] == Decimal("1250")
    assert isinstance(row.attributes["totalamount"], Decimal)
    assert row.attributes["discountpercentage"] == Decimal("2.5")
    assert row.modified_on == datetime(2026, 11, 20, 8, 15, tzinfo=UTC)
    assert row.modified_by == ANN
    assert row.attributes["name"] == "SO-1001"


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("O'Bryan", "'O''Bryan'"),
        ("Adatum & Sons", "'Adatum & Sons'"),
        (ADATUM, str(ADATUM)),
        (Lookup("account", ADATUM), str(ADATUM)),
        (datetime(2026, 11, 23, 9, 30, 15, 500_000, tzinfo=UTC), "2026-11-23T09:30:15Z"),
        (True, "true"),
        (None, "null"),
        (42, "42"),
        (Decimal("19.90"), "19.90"),
        (Decimal("1E+3"), "1000"),
    ],
)
def test_filter_literals_are_escaped_and_typed(value: object, literal: str) -> None:
    assert odata_literal(value) == literal  # type: ignore[arg-type]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        odata_literal(datetime(2026, 1, 1))  # naive on purpose
