"""ORM models; importing this package registers every table on `Base.metadata`."""

from adapters.db.models.auth import ApiKeyRow
from adapters.db.models.availability import ItemInventory  # noqa: F401
from adapters.db.models.financials import (
    Contact,
    Currency,
    Customer,
    CustomerPriceGroup,
    Item,
    ItemLedgerEntry,
    ItemUnitOfMeasure,
    Location,
    PaymentTerms,
    Resource,
    ResourceUnitOfMeasure,
    SalesLine,
    SalesOrder,
    Salesperson,
    SalesPrice,
    ShipmentMethod,
    ShippingAgent,
    Tombstone,
    UnitGroup,
    UnitOfMeasure,
)
from adapters.db.models.integration import (
    ConnectionRow,
    CouplingRow,
    DeletedCounterpartRow,
    FieldMappingRow,
    FullSyncLineRow,
    JobLaneRow,
    JobRecordRow,
    ParkedRecordRow,
    SettingRow,
    SyncJobErrorRow,
    SyncJobRow,
    SyncOutcomeRow,
    TableMappingRow,
)

FINANCIALS_MODELS = {
    m.__tablename__: m
    for m in (
        Currency,
        UnitOfMeasure,
        Salesperson,
        PaymentTerms,
        ShipmentMethod,
        ShippingAgent,
        CustomerPriceGroup,
        Location,
        Customer,
        Contact,
        Item,
        ItemUnitOfMeasure,
        Resource,
        ResourceUnitOfMeasure,
        UnitGroup,
        SalesPrice,
        ItemLedgerEntry,
        SalesOrder,
        SalesLine,
    )
}

__all__ = [
    "FINANCIALS_MODELS",
    "ApiKeyRow",
    "ConnectionRow",
    "CouplingRow",
    "DeletedCounterpartRow",
    "FieldMappingRow",
    "FullSyncLineRow",
    "JobLaneRow",
    "JobRecordRow",
    "ParkedRecordRow",
    "SettingRow",
    "SyncJobErrorRow",
    "SyncJobRow",
    "SyncOutcomeRow",
    "TableMappingRow",
    "Tombstone",
]
