"""Which mappings a change touches, so a change syncs within seconds instead of
waiting for the schedule (DOMAIN.md "Schedules")."""

from __future__ import annotations

from collections.abc import Iterable

from domain.financials.tables import table
from domain.mappings.model import SyncDirection, TableMapping


def affected_by_erp_change(table_name: str, mappings: Iterable[TableMapping]) -> list[str]:
    """Enabled mappings that send this ERP table (or its parent's) to the CRM."""
    spec = table(table_name)
    names = {table_name} | ({spec.parent} if spec.parent else set())
    return [
        m.name
        for m in mappings
        if m.enabled and m.erp_table in names and m.direction.covers(SyncDirection.TO_CRM)
    ]


def affected_by_crm_change(entity: str, mappings: Iterable[TableMapping]) -> list[str]:
    """Enabled mappings that bring this CRM entity into the ERP."""
    return [
        m.name
        for m in mappings
        if m.enabled
        and m.crm_entity == entity
        and not m.is_option_mapping
        and m.direction.covers(SyncDirection.FROM_CRM)
    ]
