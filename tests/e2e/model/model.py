"""The model of what both sides should hold: users' writes, field by field, with
the moment each was made, and what the test learned about couplings as they
appeared. Plain dicts; the invariants compare Couplet and the CRM against it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# (ERP field, CRM attribute) pairs every sync keeps equal in both directions
SHARED: dict[str, tuple[tuple[str, str], ...]] = {
    "CUSTOMER": (("name", "name"), ("city", "address1_city"), ("phone", "telephone1")),
    "CONTACT": (("last_name", "lastname"), ("email", "emailaddress1")),
    "ITEM-PRODUCT": (("description", "name"),),
}
ERP_TABLE = {"CUSTOMER": "customer", "CONTACT": "contact", "ITEM-PRODUCT": "item"}
CRM_ENTITY = {"CUSTOMER": "account", "CONTACT": "contact", "ITEM-PRODUCT": "product"}
CRM_KEY = {"account": "accountid", "contact": "contactid", "product": "productid"}
DEFAULT_POLICY = {
    "onlyCoupled": True,
    "updateConflictResolution": "NONE",
    "deletionConflictResolution": "NONE",
}
WINNER_OF = {"SEND_TO_CRM": "erp", "GET_FROM_CRM": "crm"}


def same(a: object, b: object) -> bool:
    """Equal as synced values: blank is None, numbers by value."""
    a = None if a == "" else a
    b = None if b == "" else b
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal):
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


@dataclass
class Write:
    seq: int
    value: object


@dataclass
class Record:
    """One record on one side, as the test's users made it."""

    writes: dict[str, Write] = field(default_factory=dict)
    deleted_at: int | None = None
    by_user: bool = False  # made by a user (not by Couplet)


@dataclass
class Pair:
    """A coupling as the test first saw it."""

    erp_id: uuid.UUID
    crm_id: uuid.UUID
    seen_at: int


@dataclass
class Model:
    seq: int = 0
    erp: dict[str, dict[uuid.UUID, Record]] = field(default_factory=dict)  # by mapping, ERP id
    crm: dict[str, dict[uuid.UUID, Record]] = field(default_factory=dict)  # by mapping, CRM id
    erp_no: dict[str, dict[uuid.UUID, str]] = field(default_factory=dict)  # the key each ERP id has
    numbers: dict[tuple[str, str], uuid.UUID] = field(default_factory=dict)  # (table, no) → the id it named
    pairs: dict[str, dict[uuid.UUID, Pair]] = field(default_factory=dict)  # by mapping, ERP id
    made_for: dict[str, dict[uuid.UUID, set[uuid.UUID]]] = field(
        default_factory=dict
    )  # CRM rows Couplet made per ERP id
    erp_made_for: dict[str, dict[uuid.UUID, set[uuid.UUID]]] = field(default_factory=dict)
    deleted_pairs: dict[str, dict[uuid.UUID, int]] = field(
        default_factory=dict
    )  # CRM id → when its ERP record went
    policies: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    next_number: int = 100
    names: int = 0

    def tick(self) -> int:
        self.seq += 1
        return self.seq

    def fresh_number(self, prefix: str) -> str:
        self.next_number += 1
        return f"{prefix}{self.next_number:05d}"

    def fresh_name(self, stem: str) -> str:
        self.names += 1
        return f"{stem} {self.names}"

    def wrote(
        self, side: str, mapping: str, record_id: uuid.UUID, values: dict[str, object], *, created: bool
    ) -> None:
        book = (self.erp if side == "erp" else self.crm).setdefault(mapping, {})
        record = book.setdefault(record_id, Record(by_user=created))
        at = self.tick()
        for name, value in values.items():
            record.writes[name] = Write(at, value)

    def policy(self, mapping: str, since: int, key: str) -> set[str]:
        """Every value `key` had on `mapping` at some moment from `since` on."""
        current: dict[str, Any] = dict(DEFAULT_POLICY)
        values: set[str] = set()
        for at, changes in self.policies.get(mapping, []):
            if at > since and not values:
                values.add(str(current.get(key)))
            current = {**current, **changes}
            if at > since:
                values.add(str(current.get(key)))
        values.add(str(current.get(key)))
        return values

    def ever(self, mapping: str, since: int, key: str, value: object) -> bool:
        return str(value) in self.policy(mapping, since, key)
