"""Which mappings the schedule syncs (DOMAIN.md "Schedules")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.mappings.model import SyncDirection, TableMapping
from domain.sync.schedule import due_mappings

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def mapping(name: str, **fields: object) -> TableMapping:
    return TableMapping(name, "customer", "account", SyncDirection.TO_CRM, (), **fields)  # type: ignore[arg-type]


def test_a_mapping_never_synced_is_due() -> None:
    assert due_mappings([mapping("CUSTOMER")], {}, NOW) == ["CUSTOMER"]


def test_a_mapping_is_due_once_its_interval_has_passed_since_its_last_sync_was_queued() -> None:
    mappings = [mapping("CUSTOMER", interval_minutes=5), mapping("CONTACT", interval_minutes=5)]
    last = {"CUSTOMER": NOW - timedelta(minutes=5), "CONTACT": NOW - timedelta(minutes=4, seconds=59)}
    assert due_mappings(mappings, last, NOW) == ["CUSTOMER"]


def test_disabled_mappings_and_child_mappings_are_never_due() -> None:
    mappings = [mapping("CUSTOMER", enabled=False), mapping("SOLINE-ORDERDETAIL", parent="SALESORDER-ORDER")]
    assert due_mappings(mappings, {}, NOW) == []
