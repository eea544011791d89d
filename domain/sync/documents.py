"""Documents that come from the CRM with their lines: a sales order submitted in
Dynamics 365 Sales becomes an ERP sales order (DOMAIN.md: SALESORDER-ORDER with
its child mapping SOLINE-ORDERDETAIL; BC ref §8.1).

The header is an ordinary record of the parent mapping. When the CRM → ERP pass
creates it, the lines are read from the CRM (one query per 25 orders of a page,
in `sequencenumber` order), translated through the child mapping's field
mappings, and written in the same savepoint as the header, so an order is
created whole or not at all. Per line:

- the product is looked up among ITEM-PRODUCT couplings, then RESOURCE-PRODUCT
  ones (a service product becomes a resource line); an uncoupled product is a
  DEPENDENCY failure of the order, which is parked and created as soon as the
  product is coupled;
- a write-in product (no product on the line) cannot become an ERP line: the
  order fails with a PERMANENT error naming the line;
- the unit comes from the line's CRM unit through ITEM UOM couplings, else the
  item's base unit; quantity, price per unit and manual discount are copied;
  a blank value leaves the ERP default (the item's unit price, no discount).

An order already coupled is updated like any record (its header fields); its
lines are not rewritten: Dynamics keeps submitted orders read-only, and the ERP
order may have moved on (shipped quantities, released status).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from uuid import UUID

from domain.crm import CrmRow, CrmRows, Lookup
from domain.financials.tables import TableSpec, table
from domain.mappings.model import SyncDirection, TableMapping, Transform, TransformKind
from domain.sync.fields import Translations, Unresolved, crm_to_erp, translations_to_erp
from domain.uow import UnitOfWork

PARENT_LINK = {"salesorderdetail": "salesorderid"}  # a line entity's lookup to its document
ITEM_MAPPING, RESOURCE_MAPPING = "ITEM-PRODUCT", "RESOURCE-PRODUCT"
PRODUCT_FIELD = "no"
IDS_PER_QUERY = 25


def child_mappings(mapping: TableMapping, mappings: Mapping[str, TableMapping]) -> list[TableMapping]:
    """The enabled line mappings of a document mapping."""
    return [
        m for m in mappings.values() if m.parent == mapping.name and m.enabled and m.crm_entity in PARENT_LINK
    ]


async def read_lines(crm: CrmRows, child: TableMapping, parents: Sequence[UUID]) -> dict[UUID, list[CrmRow]]:
    """The CRM lines of these documents, by document, in line order."""
    link = PARENT_LINK[child.crm_entity]
    select = {f.crm_attribute for f in child.fields if f.enabled and f.crm_attribute}
    select |= {link, "sequencenumber", "lineitemnumber", "productdescription"}
    lines: dict[UUID, list[CrmRow]] = defaultdict(list)
    for start in range(0, len(parents), IDS_PER_QUERY):
        chunk = parents[start : start + IDS_PER_QUERY]
        condition = " or ".join(f"_{link}_value eq {parent}" for parent in chunk)
        async for page in crm.query(
            child.crm_entity,
            filter=condition,
            select=sorted(select),
            orderby=["sequencenumber", "lineitemnumber"],
        ):
            for row in page:
                parent = row.get(link)
                if isinstance(parent, Lookup):
                    lines[parent.id].append(row)
    return lines


@dataclass
class LineTranslations:
    """Lookups of a page's lines, resolved once: as items, and as resources."""

    child: TableMapping
    as_items: Translations
    as_resources: Translations
    resource_child: TableMapping


async def translate_lines(
    uow: UnitOfWork,
    child: TableMapping,
    mappings: Mapping[str, TableMapping],
    rows: Sequence[CrmRow],
    lcy: str | None,
) -> LineTranslations:
    resource_child = replace(
        child,
        fields=tuple(
            replace(f, transform=Transform.lookup(RESOURCE_MAPPING))
            if _is_product_field(f.erp_field, f.transform)
            else f
            for f in child.fields
        ),
    )
    return LineTranslations(
        child,
        await translations_to_erp(uow, child, mappings, rows, lcy),
        await translations_to_erp(uow, resource_child, mappings, rows, lcy),
        resource_child,
    )


@dataclass(frozen=True, slots=True)
class DocumentLines:
    lines: list[dict[str, object]]
    missing: list[Unresolved]
    refused: str | None = None  # why the document cannot be created at all


def document_lines(
    rows: Sequence[CrmRow], translations: LineTranslations, mappings: Mapping[str, TableMapping]
) -> DocumentLines:
    """The ERP lines of one document's CRM lines, or what stops them."""
    spec = table(translations.child.erp_table)
    lines: list[dict[str, object]] = []
    missing: list[Unresolved] = []
    for position, row in enumerate(rows, start=1):
        product = row.get("productid")
        if product is None:
            described = row.get("productdescription") or "no description"
            return DocumentLines(
                [],
                [],
                f"line {position} is a write-in product ({described}); "
                "only products coupled to items or resources can become ERP lines",
            )
        values, problems = _line(row, translations.child, translations.as_items, mappings, spec)
        line_type = "ITEM"
        if problems and any(p.mapping == ITEM_MAPPING for p in problems):
            as_resource, resource_problems = _line(
                row, translations.resource_child, translations.as_resources, mappings, spec
            )
            if not any(p.mapping == RESOURCE_MAPPING for p in resource_problems):
                values, problems, line_type = as_resource, resource_problems, "RESOURCE"
        if problems:
            missing += problems
            continue
        values["type"] = line_type
        lines.append(values)
    return DocumentLines(lines, missing)


def _line(
    row: CrmRow,
    child: TableMapping,
    tables: Translations,
    mappings: Mapping[str, TableMapping],
    spec: TableSpec,
) -> tuple[dict[str, object], list[Unresolved]]:
    values: dict[str, object] = {}
    problems: list[Unresolved] = []
    for fm in child.fields_for(SyncDirection.FROM_CRM):
        if fm.erp_field is None or fm.erp_field == "document_no":
            continue
        raw = row.get(fm.crm_attribute) if fm.crm_attribute else None
        value = crm_to_erp(fm, raw, mappings, tables, spec)
        if isinstance(value, Unresolved):
            if fm.clear_on_failed_lookup:
                continue
            problems.append(value)
            continue
        if value is not None:
            values[fm.erp_field] = value
    return values, problems


def _is_product_field(erp_field: str | None, transform: Transform | None) -> bool:
    return (
        erp_field == PRODUCT_FIELD
        and transform is not None
        and transform.kind is TransformKind.LOOKUP
        and transform.mapping == ITEM_MAPPING
    )
