"""The simulator's table definitions: columns with their type, whether they may be
set on create and on update, system-required, length limit, lookup targets and
choice labels. Read-only = neither create nor update (reference §5 legend)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """Dataverse ``AttributeType`` names."""

    STRING = "String"
    MEMO = "Memo"
    INTEGER = "Integer"
    BIGINT = "BigInt"
    DECIMAL = "Decimal"
    MONEY = "Money"
    BOOLEAN = "Boolean"
    DATETIME = "DateTime"
    PICKLIST = "Picklist"
    STATE = "State"
    STATUS = "Status"
    LOOKUP = "Lookup"
    CUSTOMER = "Customer"
    OWNER = "Owner"
    UNIQUEIDENTIFIER = "Uniqueidentifier"


LOOKUP_KINDS = frozenset({Kind.LOOKUP, Kind.CUSTOMER, Kind.OWNER})
CHOICE_KINDS = frozenset({Kind.PICKLIST, Kind.STATE, Kind.STATUS})
INTEGER_KINDS = frozenset({Kind.INTEGER, Kind.BIGINT}) | CHOICE_KINDS
NUMBER_KINDS = frozenset({Kind.DECIMAL, Kind.MONEY})
EDM_TYPES = {
    Kind.STRING: "Edm.String",
    Kind.MEMO: "Edm.String",
    Kind.INTEGER: "Edm.Int32",
    Kind.BIGINT: "Edm.Int64",
    Kind.DECIMAL: "Edm.Decimal",
    Kind.MONEY: "Edm.Decimal",
    Kind.BOOLEAN: "Edm.Boolean",
    Kind.DATETIME: "Edm.DateTimeOffset",
    Kind.PICKLIST: "Edm.Int32",
    Kind.STATE: "Edm.Int32",
    Kind.STATUS: "Edm.Int32",
    Kind.UNIQUEIDENTIFIER: "Edm.Guid",
}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    create: bool = True
    update: bool = True
    required: bool = False
    max_length: int | None = None
    targets: tuple[str, ...] = ()
    schema_name: str | None = None
    options: dict[int, str] | None = None
    status_states: dict[int, int] | None = None
    date_only: bool = False
    custom: bool = False

    @property
    def is_lookup(self) -> bool:
        return self.kind in LOOKUP_KINDS

    @property
    def read_only(self) -> bool:
        return not (self.create or self.update)

    def navigation(self, target: str) -> str:
        """The single-valued navigation property that binds this lookup to `target`."""
        if self.kind is Kind.CUSTOMER:
            return f"{self.name}_{target}"
        return self.schema_name or self.name

    def edm_type(self) -> str:
        if self.kind is Kind.DATETIME and self.date_only:
            return "Edm.Date"
        return EDM_TYPES.get(self.kind, "Edm.Guid")


@dataclass(frozen=True, slots=True)
class ManyToMany:
    """An N:N relationship: `nav` on this entity, rows of `other` through `table`."""

    nav: str
    other: str
    table: str


@dataclass(slots=True)
class EntityMeta:
    logical_name: str
    entity_set: str
    primary_id: str
    primary_name: str
    ownership: str = "OrganizationOwned"
    columns: dict[str, Column] = field(default_factory=dict)
    one_to_many: dict[str, tuple[str, str]] = field(default_factory=dict)
    many_to_many: dict[str, ManyToMany] = field(default_factory=dict)
    custom: bool = False
    schema_name: str | None = None

    def column(self, name: str) -> Column | None:
        return self.columns.get(name)

    def lookups(self) -> list[Column]:
        return [column for column in self.columns.values() if column.is_lookup]

    def navigation_properties(self) -> dict[str, tuple[Column, str]]:
        """Navigation property name → (lookup column, target entity)."""
        found: dict[str, tuple[Column, str]] = {}
        for column in self.lookups():
            for target in column.targets:
                found[column.navigation(target)] = (column, target)
        return found

    @property
    def has_state(self) -> bool:
        return "statecode" in self.columns


# Builders for table definitions (the catalog and ImportSolution use them).

ACTIVE_INACTIVE = {0: "Active", 1: "Inactive"}
STATUS_ACTIVE_INACTIVE = ({1: "Active", 2: "Inactive"}, {1: 0, 2: 1})


def text(name: str, max_length: int = 4000, *, required: bool = False, update: bool = True) -> Column:
    return Column(name, Kind.STRING, max_length=max_length, required=required, update=update)


def memo(name: str, max_length: int = 2000) -> Column:
    return Column(name, Kind.MEMO, max_length=max_length)


def col(
    name: str,
    kind: Kind,
    *,
    create: bool = True,
    update: bool = True,
    required: bool = False,
    options: dict[int, str] | None = None,
    date_only: bool = False,
) -> Column:
    return Column(
        name, kind, create=create, update=update, required=required, options=options, date_only=date_only
    )


def lookup(
    name: str, *targets: str, required: bool = False, create: bool = True, update: bool = True
) -> Column:
    return Column(name, Kind.LOOKUP, targets=targets, required=required, create=create, update=update)


def read_only(
    name: str,
    kind: Kind,
    *,
    targets: tuple[str, ...] = (),
    max_length: int | None = None,
    options: dict[int, str] | None = None,
) -> Column:
    return Column(
        name, kind, create=False, update=False, targets=targets, max_length=max_length, options=options
    )


def state(options: dict[int, str] = ACTIVE_INACTIVE) -> Column:
    """statecode: never on create (reference: IsValidForCreate False on every table here)."""
    return Column("statecode", Kind.STATE, create=False, required=True, options=options)


def status(options: tuple[dict[int, str], dict[int, int]] = STATUS_ACTIVE_INACTIVE) -> Column:
    labels, states = options
    return Column("statuscode", Kind.STATUS, options=labels, status_states=states)


def address(prefix: str) -> list[Column]:
    return [
        text(f"{prefix}line1", 250),
        text(f"{prefix}line2", 250),
        text(f"{prefix}line3", 250),
        text(f"{prefix}city", 80),
        text(f"{prefix}postalcode", 20),
        text(f"{prefix}country", 80),
        text(f"{prefix}county", 50),
        text(f"{prefix}stateorprovince", 50),
    ]


def system_columns(name: str, ownership: str) -> list[Column]:
    columns = [
        col(f"{name}id", Kind.UNIQUEIDENTIFIER, update=False),
        read_only("createdon", Kind.DATETIME),
        read_only("modifiedon", Kind.DATETIME),
        read_only("createdby", Kind.LOOKUP, targets=("systemuser",)),
        read_only("modifiedby", Kind.LOOKUP, targets=("systemuser",)),
        read_only("versionnumber", Kind.BIGINT),
        col("overriddencreatedon", Kind.DATETIME, update=False),
        col("importsequencenumber", Kind.INTEGER, update=False),
    ]
    if ownership == "UserOwned":
        columns += [
            Column("ownerid", Kind.OWNER, targets=("systemuser", "team")),
            read_only("owningbusinessunit", Kind.LOOKUP, targets=("businessunit",)),
        ]
    return columns


def entity(
    name: str,
    entity_set: str,
    primary_name: str,
    columns: Iterable[Column],
    *,
    ownership: str = "OrganizationOwned",
    one_to_many: dict[str, tuple[str, str]] | None = None,
    many_to_many: Iterable[ManyToMany] = (),
    custom: bool = False,
) -> EntityMeta:
    meta = EntityMeta(name, entity_set, f"{name}id", primary_name, ownership=ownership, custom=custom)
    for column in [*system_columns(name, ownership), *columns]:
        meta.columns[column.name] = column
    meta.one_to_many = dict(one_to_many or {})
    meta.many_to_many = {relation.nav: relation for relation in many_to_many}
    return meta
