"""What the client knows about entities: entity set, primary key, lookups and the
columns whose JSON form needs a type to decode (dates, GUIDs, money).

The standard Sales entities are listed here (reference §5). Anything else - a
solution's custom entity, a custom lookup on a standard one - is learned from the
table definitions (``EntityDefinitions``) the first time it is needed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

SYSTEM_DATETIMES = frozenset({"createdon", "modifiedon", "overriddencreatedon"})
SYSTEM_LOOKUPS = ("createdby", "modifiedby")


@dataclass(frozen=True, slots=True)
class LookupSpec:
    """A lookup column: the entities it may point at and, per target, the
    single-valued navigation property used to bind it (``customerid_account``)."""

    navigation: Mapping[str, str]

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self.navigation)


@dataclass(frozen=True, slots=True)
class EntitySpec:
    logical_name: str
    entity_set: str
    primary_id: str
    lookups: Mapping[str, LookupSpec] = field(default_factory=dict)
    datetimes: frozenset[str] = SYSTEM_DATETIMES
    dates: frozenset[str] = frozenset()
    guids: frozenset[str] = frozenset()
    decimals: frozenset[str] = frozenset()
    complete: bool = False
    """True when built from the table definitions, so no column is unknown."""

    def typed(self, name: str) -> bool:
        return name in self.lookups or name in self.datetimes or name in self.dates or name in self.guids


def _lookup(attribute: str, *targets: str) -> tuple[str, LookupSpec]:
    return attribute, LookupSpec(dict.fromkeys(targets, attribute))


def _customer(attribute: str) -> tuple[str, LookupSpec]:
    return attribute, LookupSpec({t: f"{attribute}_{t}" for t in ("account", "contact")})


def _spec(
    name: str,
    entity_set: str,
    lookups: Iterable[tuple[str, LookupSpec]] = (),
    *,
    owned: bool = False,
    dates: Iterable[str] = (),
    datetimes: Iterable[str] = (),
    guids: Iterable[str] = (),
    decimals: Iterable[str] = (),
) -> EntitySpec:
    all_lookups = dict(lookups)
    all_lookups.update(_lookup(name, "systemuser") for name in SYSTEM_LOOKUPS)
    if owned:
        all_lookups["ownerid"] = LookupSpec({"systemuser": "ownerid", "team": "ownerid"})
    return EntitySpec(
        logical_name=name,
        entity_set=entity_set,
        primary_id=f"{name}id",
        lookups=all_lookups,
        datetimes=SYSTEM_DATETIMES | frozenset(datetimes),
        dates=frozenset(dates),
        guids=frozenset(guids),
        decimals=frozenset(decimals),
    )


_CURRENCY = _lookup("transactioncurrencyid", "transactioncurrency")
_MONEY_BASE = ("exchangerate",)

STANDARD_ENTITIES: tuple[EntitySpec, ...] = (
    _spec(
        "account",
        "accounts",
        [_lookup("parentaccountid", "account"), _lookup("primarycontactid", "contact"), _CURRENCY],
        owned=True,
        decimals=("creditlimit", "creditlimit_base", "revenue", "revenue_base", *_MONEY_BASE),
    ),
    _spec(
        "contact",
        "contacts",
        [_customer("parentcustomerid"), _CURRENCY],
        owned=True,
        decimals=_MONEY_BASE,
    ),
    _spec(
        "systemuser",
        "systemusers",
        [_lookup("businessunitid", "businessunit")],
        guids=("applicationid", "azureactivedirectoryobjectid"),
    ),
    _spec("role", "roles", [_lookup("businessunitid", "businessunit")]),
    _spec("businessunit", "businessunits", [_lookup("parentbusinessunitid", "businessunit")]),
    _spec("team", "teams", [_lookup("businessunitid", "businessunit")]),
    _spec("transactioncurrency", "transactioncurrencies", decimals=("exchangerate",)),
    _spec("uomschedule", "uomschedules"),
    _spec(
        "uom",
        "uoms",
        [_lookup("uomscheduleid", "uomschedule"), _lookup("baseuom", "uom")],
        decimals=("quantity",),
    ),
    _spec(
        "product",
        "products",
        [
            _lookup("defaultuomscheduleid", "uomschedule"),
            _lookup("defaultuomid", "uom"),
            _lookup("pricelevelid", "pricelevel"),
            _lookup("parentproductid", "product"),
            _CURRENCY,
        ],
        decimals=(
            "price",
            "currentcost",
            "standardcost",
            "quantityonhand",
            "stockweight",
            "stockvolume",
            *_MONEY_BASE,
        ),
    ),
    _spec("pricelevel", "pricelevels", [_CURRENCY], dates=("begindate", "enddate")),
    _spec(
        "productpricelevel",
        "productpricelevels",
        [
            _lookup("pricelevelid", "pricelevel"),
            _lookup("productid", "product"),
            _lookup("uomid", "uom"),
            _lookup("uomscheduleid", "uomschedule"),
            _CURRENCY,
        ],
        decimals=("amount", "percentage", "roundingoptionamount", *_MONEY_BASE),
    ),
    _spec(
        "salesorder",
        "salesorders",
        [
            _customer("customerid"),
            _lookup("pricelevelid", "pricelevel"),
            _lookup("opportunityid", "opportunity"),
            _lookup("quoteid", "quote"),
            _CURRENCY,
        ],
        owned=True,
        datetimes=("requestdeliveryby", "datefulfilled", "submitdate"),
        decimals=(
            "totalamount",
            "totallineitemamount",
            "totaltax",
            "totaldiscountamount",
            "totalamountlessfreight",
            "totallineitemdiscountamount",
            "discountamount",
            "discountpercentage",
            "freightamount",
            *_MONEY_BASE,
        ),
    ),
    _spec(
        "salesorderdetail",
        "salesorderdetails",
        [
            _lookup("salesorderid", "salesorder"),
            _lookup("productid", "product"),
            _lookup("uomid", "uom"),
            _CURRENCY,
        ],
        owned=True,
        decimals=(
            "quantity",
            "priceperunit",
            "manualdiscountamount",
            "tax",
            "baseamount",
            "extendedamount",
            "volumediscountamount",
            "quantityshipped",
            "quantitybackordered",
            "quantitycancelled",
            *_MONEY_BASE,
        ),
    ),
    _spec("opportunity", "opportunities", [_customer("customerid"), _CURRENCY], owned=True),
    _spec("quote", "quotes", [_customer("customerid"), _CURRENCY], owned=True),
    _spec("invoice", "invoices", [_customer("customerid"), _CURRENCY], owned=True),
    _spec("solution", "solutions", datetimes=("installedon",)),
)

_TYPE_SETS = {
    "DateTime": "datetimes",
    "Uniqueidentifier": "guids",
    "Money": "decimals",
    "Decimal": "decimals",
    "Double": "decimals",
}


def spec_from_definition(definition: Mapping[str, Any], known: EntitySpec | None = None) -> EntitySpec:
    """An `EntitySpec` from an ``EntityDefinitions`` answer with its ``Attributes`` and
    ``ManyToOneRelationships`` expanded (merged over what was `known`)."""
    name = str(definition["LogicalName"])
    sets: dict[str, set[str]] = {"datetimes": set(), "dates": set(), "guids": set(), "decimals": set()}
    primary_id = str(definition["PrimaryIdAttribute"])
    for attribute in definition.get("Attributes") or ():
        kind = _TYPE_SETS.get(str(attribute.get("AttributeType")))
        column = str(attribute["LogicalName"])
        if kind == "datetimes" and attribute.get("Format") == "DateOnly":
            kind = "dates"
        if kind and column != primary_id:
            sets[kind].add(column)
    navigation: dict[str, dict[str, str]] = {}
    for relationship in definition.get("ManyToOneRelationships") or ():
        column = str(relationship["ReferencingAttribute"])
        target = str(relationship["ReferencedEntity"])
        navigation.setdefault(column, {})[target] = str(
            relationship["ReferencingEntityNavigationPropertyName"]
        )
    lookups = dict(known.lookups) if known else {}
    lookups.update({column: LookupSpec(navs) for column, navs in navigation.items()})
    base = known or EntitySpec(name, str(definition["EntitySetName"]), primary_id)
    return replace(
        base,
        entity_set=str(definition.get("EntitySetName") or base.entity_set),
        primary_id=primary_id,
        lookups=lookups,
        datetimes=base.datetimes | sets["datetimes"],
        dates=base.dates | sets["dates"],
        guids=base.guids | sets["guids"],
        decimals=base.decimals | sets["decimals"],
        complete=True,
    )


class EntityRegistry:
    """Logical name → `EntitySpec`, starting with the standard entities."""

    def __init__(self, specs: Iterable[EntitySpec] = STANDARD_ENTITIES) -> None:
        self._specs = {spec.logical_name: spec for spec in specs}
        self._standard = dict(self._specs)

    def get(self, logical_name: str) -> EntitySpec | None:
        return self._specs.get(logical_name)

    def add(self, spec: EntitySpec) -> None:
        self._specs[spec.logical_name] = spec

    def forget_learned(self) -> None:
        """Drop what was learned from table definitions (a solution import may change it)."""
        self._specs = dict(self._standard)

    def by_entity_set(self, entity_set: str) -> EntitySpec | None:
        return next((s for s in self._specs.values() if s.entity_set == entity_set), None)
