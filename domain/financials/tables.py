"""The Financials tables of DOMAIN.md, declared once as data.

Validation, the store, the sync engine's field catalogue and the GraphQL
types all read these declarations, so a field is named and typed in one place.
A reference holds the business key of another table (``salesperson_code`` →
``salesperson.code``), as in Business Central; blank means "none".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum, StrEnum

from domain.financials.enums import (
    ContactType,
    EntryType,
    ItemType,
    SalesLineType,
    SalesOrderStatus,
    SalesType,
    UnitGroupSource,
)


class Kind(Enum):
    TEXT = "text"
    CODE = "code"  # upper-cased identifier, as BC's Code type
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    ENUM = "enum"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column of a Financials table."""

    name: str
    kind: Kind
    max_length: int | None = None
    required: bool = False
    ref: str | None = None
    ref_by: tuple[str, Mapping[str, str]] | None = None  # (discriminator field, value → table)
    minimum: Decimal | None = None
    exclusive_minimum: bool = False
    enum: type[StrEnum] | None = None
    default: object = None
    searchable: bool = False
    read_only: bool = False
    doc: str = ""

    def ref_table(self, values: Mapping[str, object]) -> str | None:
        """The table this field refers to for a record with these values."""
        if self.ref is not None:
            return self.ref
        if self.ref_by is not None:
            discriminator, tables = self.ref_by
            return tables.get(str(values.get(discriminator)))
        return None

    @property
    def is_reference(self) -> bool:
        return self.ref is not None or self.ref_by is not None


@dataclass(frozen=True, slots=True)
class ChildSpec:
    """A list of child records written with their parent (item units, order lines)."""

    name: str  # field name on the parent, e.g. "units_of_measure"
    table: str
    parent_field: str  # the child's field holding the parent's key


@dataclass(frozen=True)
class TableSpec:
    """One Financials table: its business key, fields and children.

    `label` is the record type's name in the API, `plural`/`single` its query
    names. Tables keyed by id (`by_id`) are read and deleted by id; their
    business key is still unique and an upsert matches on it."""

    name: str
    label: str
    plural: str
    single: str
    key: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    children: tuple[ChildSpec, ...] = ()
    parent: str | None = None
    writable: bool = True
    deletable: bool = True
    by_id: bool = False
    doc: str = ""
    _by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})
        missing = [k for k in self.key if k not in self._by_name]
        if missing:
            raise ValueError(f"{self.name}: key fields {missing} are not declared")

    def field(self, name: str) -> FieldSpec:
        return self._by_name[name]

    def has_field(self, name: str) -> bool:
        return name in self._by_name

    @property
    def key_field(self) -> str:
        """The single business-key field of a table with a one-field key."""
        if len(self.key) != 1:
            raise ValueError(f"{self.name} has a composite key {self.key}")
        return self.key[0]

    def key_of(self, values: Mapping[str, object]) -> str:
        """The business key as one string (composite parts joined by '|')."""
        return "|".join("" if values.get(k) is None else str(values.get(k)) for k in self.key)


def text(
    name: str,
    length: int,
    *,
    required: bool = False,
    searchable: bool = False,
    read_only: bool = False,
    doc: str = "",
) -> FieldSpec:
    return FieldSpec(
        name,
        Kind.TEXT,
        max_length=length,
        required=required,
        searchable=searchable,
        read_only=read_only,
        doc=doc,
    )


def code(
    name: str,
    length: int = 20,
    *,
    required: bool = False,
    ref: str | None = None,
    ref_by: tuple[str, Mapping[str, str]] | None = None,
    searchable: bool = False,
    read_only: bool = False,
    doc: str = "",
) -> FieldSpec:
    return FieldSpec(
        name,
        Kind.CODE,
        max_length=length,
        required=required,
        ref=ref,
        ref_by=ref_by,
        searchable=searchable,
        read_only=read_only,
        doc=doc,
    )


def amount(
    name: str,
    *,
    positive: bool = False,
    required: bool = False,
    default: Decimal | None = None,
    doc: str = "",
) -> FieldSpec:
    """A non-negative decimal (money or quantity); `positive` excludes zero."""
    return FieldSpec(
        name,
        Kind.DECIMAL,
        minimum=Decimal(0),
        exclusive_minimum=positive,
        required=required,
        default=default,
        doc=doc,
    )


def flag(name: str, *, doc: str = "") -> FieldSpec:
    return FieldSpec(name, Kind.BOOLEAN, default=False, doc=doc)


def day(name: str, *, required: bool = False, doc: str = "") -> FieldSpec:
    return FieldSpec(name, Kind.DATE, required=required, doc=doc)


def choice(
    name: str,
    enum: type[StrEnum],
    *,
    required: bool = False,
    default: StrEnum | None = None,
    read_only: bool = False,
) -> FieldSpec:
    return FieldSpec(name, Kind.ENUM, enum=enum, required=required, default=default, read_only=read_only)


def _code_table(name: str, label: str, plural: str, single: str, length: int, doc: str) -> TableSpec:
    return TableSpec(
        name,
        label,
        plural,
        single,
        ("code",),
        (code("code", length, required=True, searchable=True), text("description", 100, searchable=True)),
        doc=doc,
    )


_ADDRESS = (
    text("address", 100),
    text("address_2", 50),
    code("post_code", 20),
    text("city", 30),
    code("country_code", 10),
    text("county", 30),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "currency",
        "Currency",
        "currencies",
        "currency",
        ("code",),
        (
            code("code", 10, required=True, searchable=True, doc="ISO 4217 code, e.g. EUR"),
            text("description", 30, searchable=True),
            text("symbol", 10),
            amount(
                "exchange_rate",
                positive=True,
                default=Decimal(1),
                doc="Local currency (LCY) per one unit of this currency",
            ),
            flag("is_local", doc="The local currency (LCY); marking one unmarks the others"),
        ),
        doc="A currency; exactly one is the local currency.",
    ),
    TableSpec(
        "unit_of_measure",
        "UnitOfMeasure",
        "unitsOfMeasure",
        "unitOfMeasure",
        ("code",),
        (code("code", 10, required=True, searchable=True), text("description", 50, searchable=True)),
    ),
    TableSpec(
        "salesperson",
        "Salesperson",
        "salespeople",
        "salesperson",
        ("code",),
        (
            code("code", 20, required=True, searchable=True),
            text("name", 50, searchable=True),
            text("email", 80, searchable=True),
            text("phone", 30),
            text("job_title", 30),
        ),
    ),
    _code_table("payment_terms", "PaymentTerms", "paymentTerms", "paymentTerm", 10, "Payment terms."),
    _code_table(
        "shipment_method",
        "ShipmentMethod",
        "shipmentMethods",
        "shipmentMethod",
        10,
        "Shipment method (freight terms).",
    ),
    _code_table("shipping_agent", "ShippingAgent", "shippingAgents", "shippingAgent", 10, "Shipping agent."),
    _code_table(
        "customer_price_group",
        "CustomerPriceGroup",
        "customerPriceGroups",
        "customerPriceGroup",
        10,
        "A group of customers sharing sales prices.",
    ),
    TableSpec(
        "location",
        "Location",
        "locations",
        "location",
        ("code",),
        (code("code", 10, required=True, searchable=True), text("name", 100, searchable=True)),
    ),
    TableSpec(
        "customer",
        "Customer",
        "customers",
        "customer",
        ("no",),
        (
            code("no", 20, required=True, searchable=True),
            text("name", 100, required=True, searchable=True),
            text("contact", 100),
            *_ADDRESS,
            text("phone", 30),
            text("email", 80, searchable=True),
            text("fax", 30),
            text("home_page", 80),
            code("salesperson_code", 20, ref="salesperson"),
            code("currency_code", 10, ref="currency", doc="Blank: the local currency"),
            amount("credit_limit", default=Decimal(0), doc="Credit limit in LCY"),
            code("customer_price_group", 10, ref="customer_price_group"),
            code("payment_terms_code", 10, ref="payment_terms"),
            code("shipment_method_code", 10, ref="shipment_method"),
            code("shipping_agent_code", 10, ref="shipping_agent"),
            code("primary_contact_no", 20, ref="contact"),
            flag("blocked"),
        ),
    ),
    TableSpec(
        "contact",
        "Contact",
        "contacts",
        "contact",
        ("no",),
        (
            code("no", 20, required=True, searchable=True),
            choice("type", ContactType, default=ContactType.PERSON),
            code("company_no", 20, ref="customer", doc="The customer this person works for"),
            text("first_name", 30, searchable=True),
            text("middle_name", 30),
            text("last_name", 30, searchable=True),
            text("email", 80, searchable=True),
            text("phone", 30),
            text("mobile_phone", 30),
            text("fax", 30),
            text("home_page", 80),
            text("job_title", 30),
            *_ADDRESS,
            code("salesperson_code", 20, ref="salesperson"),
            code("currency_code", 10, ref="currency"),
        ),
    ),
    TableSpec(
        "item",
        "Item",
        "items",
        "item",
        ("no",),
        (
            code("no", 20, required=True, searchable=True),
            text("description", 100, required=True, searchable=True),
            choice("type", ItemType, default=ItemType.INVENTORY),
            code("base_unit_of_measure", 10, required=True, ref="unit_of_measure"),
            amount("unit_price", default=Decimal(0), doc="Price in LCY per base unit"),
            amount("unit_cost", default=Decimal(0)),
            code("vendor_no", 20),
            text("vendor_item_no", 50),
            amount("gross_weight", default=Decimal(0)),
            amount("unit_volume", default=Decimal(0)),
            flag("blocked"),
        ),
        children=(ChildSpec("units_of_measure", "item_unit_of_measure", "item_no"),),
    ),
    TableSpec(
        "item_unit_of_measure",
        "ItemUnitOfMeasure",
        "itemUnitsOfMeasure",
        "itemUnitOfMeasure",
        ("item_no", "code"),
        (
            code("item_no", 20, required=True, ref="item", read_only=True),
            code("code", 10, required=True, ref="unit_of_measure"),
            amount("qty_per_unit", positive=True, required=True, doc="Base units in one of this unit"),
        ),
        parent="item",
    ),
    TableSpec(
        "resource",
        "Resource",
        "resources",
        "resource",
        ("no",),
        (
            code("no", 20, required=True, searchable=True),
            text("name", 100, required=True, searchable=True),
            code("base_unit_of_measure", 10, required=True, ref="unit_of_measure"),
            amount("unit_price", default=Decimal(0)),
            amount("unit_cost", default=Decimal(0)),
            code("vendor_no", 20),
            flag("blocked"),
        ),
        children=(ChildSpec("units_of_measure", "resource_unit_of_measure", "resource_no"),),
    ),
    TableSpec(
        "resource_unit_of_measure",
        "ResourceUnitOfMeasure",
        "resourceUnitsOfMeasure",
        "resourceUnitOfMeasure",
        ("resource_no", "code"),
        (
            code("resource_no", 20, required=True, ref="resource", read_only=True),
            code("code", 10, required=True, ref="unit_of_measure"),
            amount("qty_per_unit", positive=True, required=True),
        ),
        parent="resource",
    ),
    TableSpec(
        "unit_group",
        "UnitGroup",
        "unitGroups",
        "unitGroup",
        ("code",),
        (
            code("code", 30, required=True, searchable=True, read_only=True),
            choice("source_type", UnitGroupSource, required=True, read_only=True),
            code("source_no", 20, required=True, searchable=True, read_only=True),
            text("description", 100, read_only=True),
            code("base_unit_of_measure", 10, read_only=True, doc="The item's or resource's base unit"),
        ),
        writable=False,
        deletable=False,
        doc="One per item and per resource, kept by Couplet (BC's Unit Group): the ERP side of "
        "the UNIT GROUP mapping to CRM unit groups.",
    ),
    TableSpec(
        "sales_price",
        "SalesPrice",
        "salesPrices",
        "salesPrice",
        (
            "item_no",
            "resource_no",
            "sales_type",
            "sales_code",
            "currency_code",
            "starting_date",
            "unit_of_measure",
            "minimum_quantity",
        ),
        (
            code("item_no", 20, ref="item"),
            code("resource_no", 20, ref="resource"),
            choice("sales_type", SalesType, required=True),
            code(
                "sales_code",
                20,
                ref_by=(
                    "sales_type",
                    {
                        SalesType.CUSTOMER: "customer",
                        SalesType.CUSTOMER_PRICE_GROUP: "customer_price_group",
                    },
                ),
            ),
            code("currency_code", 10, ref="currency", doc="Blank: the local currency"),
            day("starting_date"),
            day("ending_date"),
            code("unit_of_measure", 10, ref="unit_of_measure", doc="Blank: the base unit"),
            amount("minimum_quantity", default=Decimal(0)),
            amount("unit_price", required=True),
        ),
        by_id=True,
        doc="A sales price for an item or resource, for one customer, a price group or all customers.",
    ),
    TableSpec(
        "item_ledger_entry",
        "ItemLedgerEntry",
        "itemLedgerEntries",
        "itemLedgerEntry",
        ("entry_no",),
        (
            FieldSpec("entry_no", Kind.INTEGER, read_only=True),
            code("item_no", 20, required=True, ref="item", searchable=True),
            code("location_code", 10, ref="location"),
            day("posting_date", required=True),
            choice("entry_type", EntryType, required=True),
            FieldSpec("quantity", Kind.DECIMAL, required=True, doc="In the item's base unit"),
            text("document_no", 20),
        ),
        writable=False,
        deletable=False,
        doc="A stock move; append-only, posted by postItemJournal. Inventory is their sum.",
    ),
    TableSpec(
        "sales_order",
        "SalesOrder",
        "salesOrders",
        "salesOrder",
        ("no",),
        (
            code("no", 20, required=True, searchable=True),
            code("sell_to_customer_no", 20, required=True, ref="customer", searchable=True),
            code("currency_code", 10, ref="currency", doc="Default: the customer's currency"),
            day("order_date", doc="Default: today"),
            day("requested_delivery_date"),
            choice("status", SalesOrderStatus, default=SalesOrderStatus.OPEN),
            text("your_reference", 35, searchable=True, doc="The CRM order number"),
            text("external_document_no", 35, searchable=True),
        ),
        children=(ChildSpec("lines", "sales_line", "document_no"),),
    ),
    TableSpec(
        "sales_line",
        "SalesLine",
        "salesLines",
        "salesLine",
        ("document_no", "line_no"),
        (
            code("document_no", 20, required=True, ref="sales_order", read_only=True),
            FieldSpec("line_no", Kind.INTEGER, doc="Default: 10000 after the previous line"),
            choice("type", SalesLineType, required=True),
            code(
                "no",
                20,
                required=True,
                ref_by=(
                    "type",
                    {
                        SalesLineType.ITEM: "item",
                        SalesLineType.RESOURCE: "resource",
                    },
                ),
            ),
            text("description", 100, doc="Default: the item's description or resource's name"),
            code("unit_of_measure", 10, ref="unit_of_measure", doc="Default: the base unit"),
            amount("quantity", required=True),
            amount("unit_price", doc="Default: the item's or resource's unit price"),
            amount("line_discount", default=Decimal(0), doc="Line discount amount"),
            amount("quantity_shipped", default=Decimal(0)),
            code("location_code", 10, ref="location"),
        ),
        parent="sales_order",
    ),
)

TABLES_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}


def table(name: str) -> TableSpec:
    """The spec of a Financials table by its name."""
    try:
        return TABLES_BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown Financials table {name!r}") from None


def referencing_fields(target: str) -> list[tuple[TableSpec, FieldSpec]]:
    """Every (table, field) that may hold a business key of `target`."""
    found = []
    for spec in TABLES:
        for f in spec.fields:
            if f.ref == target or (f.ref_by is not None and target in f.ref_by[1].values()):
                found.append((spec, f))
    return found
