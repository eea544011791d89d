"""Option values of Financials fields."""

from enum import StrEnum


class ContactType(StrEnum):
    PERSON = "PERSON"
    COMPANY = "COMPANY"


class ItemType(StrEnum):
    INVENTORY = "INVENTORY"
    SERVICE = "SERVICE"


class SalesType(StrEnum):
    """Who a sales price is for."""

    CUSTOMER = "CUSTOMER"
    CUSTOMER_PRICE_GROUP = "CUSTOMER_PRICE_GROUP"
    ALL_CUSTOMERS = "ALL_CUSTOMERS"


class UnitGroupSource(StrEnum):
    ITEM = "ITEM"
    RESOURCE = "RESOURCE"


class EntryType(StrEnum):
    """Item ledger entry types; the sign of the quantity must fit the type."""

    PURCHASE = "PURCHASE"
    SALE = "SALE"
    POSITIVE_ADJMT = "POSITIVE_ADJMT"
    NEGATIVE_ADJMT = "NEGATIVE_ADJMT"
    TRANSFER = "TRANSFER"


class SalesOrderStatus(StrEnum):
    OPEN = "OPEN"
    RELEASED = "RELEASED"


class SalesLineType(StrEnum):
    ITEM = "ITEM"
    RESOURCE = "RESOURCE"
