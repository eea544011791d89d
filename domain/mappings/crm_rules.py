"""Dataverse attributes that may be written when a row is created but never
changed afterwards (IsValidForUpdate false; reference §5 and §8.5). An update
leaves them out rather than fail the whole row."""

from __future__ import annotations

CREATE_ONLY: dict[str, frozenset[str]] = {
    "transactioncurrency": frozenset({"isocurrencycode"}),
    "uomschedule": frozenset({"baseuomname"}),
    "uom": frozenset({"uomscheduleid"}),
    "pricelevel": frozenset({"transactioncurrencyid"}),
    "productpricelevel": frozenset({"pricelevelid", "uomscheduleid"}),
    "salesorder": frozenset({"transactioncurrencyid"}),
    "salesorderdetail": frozenset({"salesorderid", "isproductoverridden", "producttypecode"}),
    "product": frozenset({"productstructure"}),
}


def updatable(entity: str, attributes: dict[str, object]) -> dict[str, object]:
    """The attributes an update may write."""
    fixed = CREATE_ONLY.get(entity, frozenset())
    return {name: value for name, value in attributes.items() if name not in fixed}
