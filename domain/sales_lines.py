"""What a CRM sales line names: an item or resource (`Asset`) with its units, found
by ERP number or by the CRM product it is coupled to (`Catalog`), and the
per-line problems (`LineError`) that leave the other lines answered."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.errors import ErrorCode

MAX_LINES = 500
QUANTITY_PLACES = Decimal("0.00001")


class AssetKind(StrEnum):
    ITEM = "ITEM"
    RESOURCE = "RESOURCE"


@dataclass(frozen=True, slots=True)
class Asset:
    """An item or resource as a sales line sees it: units are code → base units per unit."""

    kind: AssetKind
    no: str
    base_unit: str
    unit_price: Decimal
    blocked: bool
    units: Mapping[str, Decimal]
    crm_product_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class LineError:
    """Why one line could not be answered; `field` is the line input's camelCase field."""

    code: ErrorCode
    field: str | None
    message: str


@dataclass(frozen=True, slots=True)
class AssetQuery:
    """Everything a request names, so a store can fetch it in one go."""

    item_nos: frozenset[str] = frozenset()
    resource_nos: frozenset[str] = frozenset()
    product_ids: frozenset[UUID] = frozenset()
    location_codes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Catalog:
    """The assets and locations a request named, as the store found them.

    `products` holds CRM product ids coupled through ITEM-PRODUCT or RESOURCE-PRODUCT."""

    items: Mapping[str, Asset] = field(default_factory=dict)
    resources: Mapping[str, Asset] = field(default_factory=dict)
    products: Mapping[UUID, Asset] = field(default_factory=dict)
    locations: frozenset[str] = frozenset()

    def resolve(
        self,
        *,
        item_no: str | None,
        resource_no: str | None = None,
        crm_product_id: UUID | None,
        items_only: bool = False,
    ) -> Asset | LineError:
        """The asset a line names by number or CRM product id (both may be given if they agree)."""
        if item_no is not None and resource_no is not None:
            return LineError(ErrorCode.INVALID_VALUE, "resourceNo", "name an item or a resource, not both")
        by_no: Asset | None = None
        if item_no is not None:
            by_no = self.items.get(item_no)
            if by_no is None:
                return LineError(ErrorCode.UNKNOWN_REFERENCE, "itemNo", f"there is no item {item_no}")
        elif resource_no is not None:
            by_no = self.resources.get(resource_no)
            if by_no is None:
                return LineError(
                    ErrorCode.UNKNOWN_REFERENCE, "resourceNo", f"there is no resource {resource_no}"
                )
        if crm_product_id is None:
            if by_no is None:
                named = "itemNo or crmProductId" if items_only else "itemNo, resourceNo or crmProductId"
                return LineError(ErrorCode.REQUIRED, "itemNo", f"the line names nothing: give {named}")
            return by_no
        by_product = self.products.get(crm_product_id)
        if by_product is None or (items_only and by_product.kind is not AssetKind.ITEM):
            what = "an item" if items_only else "an item or resource"
            return LineError(
                ErrorCode.NOT_COUPLED,
                "crmProductId",
                f"CRM product {crm_product_id} is not coupled to {what}",
            )
        if by_no is not None and (by_no.kind, by_no.no) != (by_product.kind, by_product.no):
            return LineError(
                ErrorCode.INVALID_VALUE,
                "crmProductId",
                f"CRM product {crm_product_id} is coupled to {by_product.kind.lower()} {by_product.no}, "
                f"not {by_no.kind.lower()} {by_no.no}",
            )
        return by_product


def unit_of(asset: Asset, unit: str | None) -> tuple[str, Decimal] | LineError:
    """The line's unit (default the base unit) and its base units per unit."""
    code = unit or asset.base_unit
    per_unit = asset.units.get(code)
    if per_unit is None:
        return LineError(
            ErrorCode.UNKNOWN_REFERENCE,
            "unitOfMeasure",
            f"{code} is not a unit of {asset.kind.lower()} {asset.no}",
        )
    return code, per_unit


def trim(value: Decimal) -> Decimal:
    """Without trailing zeros or exponent (32.00000 → 32), as every stored Decimal reads."""
    trimmed = value.normalize()
    return trimmed.quantize(Decimal(1)) if trimmed.as_tuple().exponent > 0 else trimmed  # type: ignore[operator]


def code(value: str | None) -> str | None:
    """A code as the ERP stores it: trimmed, upper-cased, blank is none."""
    if value is None:
        return None
    value = value.strip().upper()
    return value or None


class RequestRefused(Exception):
    """The request as a whole cannot be answered (unknown customer, too many lines, …)."""

    def __init__(self, field: str | None, reason: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason
        self.message = message


def check_line_count(count: int, field: str) -> None:
    if count > MAX_LINES:
        raise RequestRefused(field, ErrorCode.INVALID_VALUE, f"at most {MAX_LINES} lines per request")


def check_quantities(quantities: list[Decimal | None], field: str) -> None:
    for i, quantity in enumerate(quantities):
        if quantity is not None and not quantity.is_finite():
            raise RequestRefused(
                f"{field}.{i}.quantity", ErrorCode.INVALID_VALUE, "quantity must be a number"
            )
