"""Table mappings and field mappings (DOMAIN.md "Default table mappings";
BC ref §2, §4.7). Plain data: the defaults, the store and the API all speak it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


class SyncDirection(StrEnum):
    TO_CRM = "TO_CRM"
    FROM_CRM = "FROM_CRM"
    BIDIRECTIONAL = "BIDIRECTIONAL"

    def passes(self) -> tuple[SyncDirection, ...]:
        """The one-way passes a sync in this direction runs (ERP → CRM first, as BC)."""
        if self is SyncDirection.BIDIRECTIONAL:
            return (SyncDirection.TO_CRM, SyncDirection.FROM_CRM)
        return (self,)

    def covers(self, pass_direction: SyncDirection) -> bool:
        return self is SyncDirection.BIDIRECTIONAL or self is pass_direction


class UpdateConflictResolution(StrEnum):
    NONE = "NONE"
    SEND_TO_CRM = "SEND_TO_CRM"
    GET_FROM_CRM = "GET_FROM_CRM"


class DeletionConflictResolution(StrEnum):
    NONE = "NONE"
    REMOVE_COUPLING = "REMOVE_COUPLING"
    RESTORE_RECORD = "RESTORE_RECORD"


class TransformKind(StrEnum):
    LOOKUP = "LOOKUP"  # a business key ↔ the CRM row coupled to that record, through another mapping
    OPTION = "OPTION"  # a business key ↔ the CRM option value coupled to that record
    VALUE_MAP = "VALUE_MAP"  # fixed pairs of values
    FUNCTION = "FUNCTION"  # a named conversion with an inverse (reciprocal, non_negative, …)


@dataclass(frozen=True, slots=True)
class Transform:
    """How a value crosses between the ERP and the CRM, in both directions.

    LOOKUP / OPTION name the mapping whose couplings translate the value; a
    `key_template` builds the referenced record's business key from this record's
    fields when the ERP field alone is not it (``"ITEM-{item_no}"``,
    ``"{item_no}|{value}"``; ``{value}`` is this field's value). `blank_means`
    is the key a blank ERP value stands for (``"{lcy}"``: a blank currency code is
    the local currency, as in BC), and that key reads back as blank."""

    kind: TransformKind
    mapping: str | None = None
    key_template: str | None = None
    pairs: tuple[tuple[str, object], ...] = ()
    function: str | None = None
    blank_means: str | None = None

    @classmethod
    def lookup(
        cls, mapping: str, key_template: str | None = None, blank_means: str | None = None
    ) -> Transform:
        return cls(TransformKind.LOOKUP, mapping=mapping, key_template=key_template, blank_means=blank_means)

    @classmethod
    def option(cls, mapping: str) -> Transform:
        return cls(TransformKind.OPTION, mapping=mapping)

    @classmethod
    def value_map(cls, pairs: dict[str, object]) -> Transform:
        return cls(TransformKind.VALUE_MAP, pairs=tuple(pairs.items()))

    @classmethod
    def named(cls, function: str) -> Transform:
        return cls(TransformKind.FUNCTION, function=function)


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """One ERP field ↔ one CRM attribute. A constant has no source field on its
    sending side (`erp_field` None when sent to the CRM)."""

    erp_field: str | None
    crm_attribute: str | None
    direction: SyncDirection
    constant: object = None
    transform: Transform | None = None
    clear_on_failed_lookup: bool = False
    not_null: bool = False
    enabled: bool = True
    use_for_matching: bool = False
    case_sensitive: bool = False
    match_priority: int = 0

    @property
    def is_constant(self) -> bool:
        return self.constant is not None


@dataclass(frozen=True)
class TableMapping:
    """One ERP table ↔ one CRM entity (or an option set of one)."""

    name: str
    erp_table: str
    crm_entity: str
    direction: SyncDirection
    fields: tuple[FieldMapping, ...]
    only_coupled: bool = True
    depends_on: tuple[str, ...] = ()
    erp_filter: str | None = None
    crm_filter: str | None = None
    interval_minutes: int = 5
    enabled: bool = True
    update_conflict_resolution: UpdateConflictResolution = UpdateConflictResolution.NONE
    deletion_conflict_resolution: DeletionConflictResolution = DeletionConflictResolution.NONE
    sync_after_coupling: bool = False
    create_if_no_match: bool = False
    parent: str | None = None
    number_series: str | None = None
    crm_option_attribute: str | None = None
    erp_watermark: datetime | None = field(default=None, compare=False)
    crm_watermark: datetime | None = field(default=None, compare=False)

    @property
    def is_option_mapping(self) -> bool:
        """Couples ERP records to the options of a CRM choice column, not to rows."""
        return self.crm_option_attribute is not None

    def fields_for(self, pass_direction: SyncDirection) -> tuple[FieldMapping, ...]:
        """The enabled field mappings a one-way pass writes."""
        return tuple(f for f in self.fields if f.enabled and f.direction.covers(pass_direction))

    def match_fields(self) -> tuple[FieldMapping, ...]:
        return tuple(f for f in self.fields if f.enabled and f.use_for_matching)

    def with_changes(self, **changes: object) -> TableMapping:
        return replace(self, **changes)  # type: ignore[arg-type]
