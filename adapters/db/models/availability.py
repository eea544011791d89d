"""The stock summary availability reads instead of the ledger.

`item_inventory` holds the sum of item ledger entries per item and location
("" for entries without one). Triggers on `item_ledger_entry` keep it exact
inside the writing transaction, on SQLite and PostgreSQL alike (migration
2026_11_23_0006), so a rolled-back posting never shows."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from adapters.db.base import Base


class ItemInventory(Base):
    __tablename__ = "item_inventory"
    item_no: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    location_code: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    quantity: Mapped[Decimal]
