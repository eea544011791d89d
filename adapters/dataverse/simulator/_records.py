"""Create, update, upsert and delete with Dataverse's semantics (reference §2.4-2.6,
§2.9, §5): system columns maintained, ``W/"<versionnumber>"`` ETags with a
database-wide counter, ``If-Match`` / ``If-None-Match``, state and status kept
consistent, required columns, and on delete the order lines cascade while other
lookups to the row are cleared (Dataverse's default "remove link")."""

from __future__ import annotations

import uuid
from typing import Any

from adapters.dataverse.simulator import _rules
from adapters.dataverse.simulator._errors import (
    CONCURRENCY,
    DUPLICATE,
    REQUIRED,
    DataverseFault,
    bad_request,
    not_found,
)
from adapters.dataverse.simulator._input import parse_body
from adapters.dataverse.simulator._metadata import Column, EntityMeta
from adapters.dataverse.simulator._org import Change, Organization
from adapters.dataverse.simulator._protocol import etag_matches
from adapters.dataverse.simulator._store import quote

CONCURRENCY_MESSAGE = "The version of the existing record doesn't match the RowVersion property provided."
DUPLICATE_MESSAGE = "A record with matching key values already exists."


class Records:
    def __init__(self, org: Organization) -> None:
        self.org = org

    def create(
        self, meta: EntityMeta, body: dict[str, Any], user_id: str, *, row_id: str | None = None
    ) -> str:
        values = parse_body(self.org, meta, body, creating=True)
        row_id = (values.pop(meta.primary_id, None) or row_id or str(uuid.uuid4())).lower()
        if self.org.store.get(meta, row_id) is not None:
            raise DataverseFault(412, DUPLICATE, DUPLICATE_MESSAGE)
        return self.insert(meta, row_id, values, user_id)

    def insert(self, meta: EntityMeta, row_id: str, values: dict[str, Any], user_id: str) -> str:
        """Insert already-parsed values, adding the system columns and defaults."""
        now = self.org.now_text()
        row: dict[str, Any] = dict.fromkeys(_storage_names(meta))
        row.update(values)
        row[meta.primary_id] = row_id
        row["createdon"] = values.get("overriddencreatedon") or now
        row["modifiedon"] = now
        row["createdby"] = row["modifiedby"] = user_id
        row["createdby__type"] = row["modifiedby__type"] = "systemuser"
        if meta.ownership == "UserOwned":
            if row.get("ownerid") is None:
                row["ownerid"], row["ownerid__type"] = user_id, "systemuser"
            row["owningbusinessunit"] = self.org.setting("businessunitid")
            row["owningbusinessunit__type"] = "businessunit"
        if meta.has_state:
            row["statecode"] = _rules.initial_state(meta)
        _rules.before_create(self.org, meta, row)
        _settle_status(meta, row, changed=row)
        _require(meta, row)
        row["versionnumber"] = self.org.next_version()
        self.org.store.insert(meta.logical_name, row)
        _rules.after_create(self.org, self, meta, row, user_id)
        self.org.emit(
            Change("Create", meta.logical_name, row_id, user_id, self.org.clock(), _image(meta, row))
        )
        return row_id

    def update(
        self,
        meta: EntityMeta,
        row_id: str,
        body: dict[str, Any],
        user_id: str,
        *,
        if_match: str | None = None,
    ) -> None:
        row = self._existing(meta, row_id, if_match)
        self.apply(meta, row, parse_body(self.org, meta, body, creating=False), user_id)

    def apply(self, meta: EntityMeta, row: dict[str, Any], values: dict[str, Any], user_id: str) -> None:
        changed = dict(values)
        _rules.before_update(self.org, meta, row, changed)
        merged = {**row, **changed}
        _settle_status(meta, merged, changed=changed)
        changed.update({k: merged[k] for k in ("statecode", "statuscode") if k in merged and meta.has_state})
        _require(meta, merged)
        changed["modifiedon"] = self.org.now_text()
        changed["modifiedby"], changed["modifiedby__type"] = user_id, "systemuser"
        changed["versionnumber"] = self.org.next_version()
        self.org.store.update(meta, row[meta.primary_id], changed)
        self.org.emit(
            Change(
                "Update",
                meta.logical_name,
                row[meta.primary_id],
                user_id,
                self.org.clock(),
                _image(meta, merged),
            )
        )

    def upsert(
        self,
        meta: EntityMeta,
        row_id: str,
        body: dict[str, Any],
        user_id: str,
        *,
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> bool:
        """PATCH semantics: update, or create when missing; True when it created."""
        exists = self.org.store.get(meta, row_id) is not None
        if exists and if_none_match is not None:
            raise DataverseFault(412, DUPLICATE, DUPLICATE_MESSAGE)
        if exists:
            self.update(meta, row_id, body, user_id, if_match=if_match)
            return False
        if if_match is not None:
            raise not_found(meta.logical_name, row_id)
        key = body.get(meta.primary_id)
        if key is not None and str(key).lower() != row_id:
            raise bad_request(f"The key in the body does not match the key in the URL ({row_id}).")
        self.create(meta, {k: v for k, v in body.items() if k != meta.primary_id}, user_id, row_id=row_id)
        return True

    def delete(self, meta: EntityMeta, row_id: str, user_id: str, *, if_match: str | None = None) -> None:
        row = self._existing(meta, row_id, if_match)
        for child_entity, child_column in meta.one_to_many.values():
            child = self.org.entities[child_entity]
            for child_row in self._referencing(child, child_column, row_id):
                self.delete(child, child_row[child.primary_id], user_id)
        self._remove_links(meta.logical_name, row_id, user_id)
        for relation in meta.many_to_many.values():
            self.org.store.execute(
                f"DELETE FROM {quote(relation.table)} WHERE {quote(meta.primary_id)} = ?", [row_id]
            )
        self.org.store.delete(meta, row_id)
        self.org.emit(
            Change("Delete", meta.logical_name, row_id, user_id, self.org.clock(), _image(meta, row))
        )

    def _existing(self, meta: EntityMeta, row_id: str, if_match: str | None) -> dict[str, Any]:
        row = self.org.store.get(meta, row_id)
        if row is None:
            raise not_found(meta.logical_name, row_id)
        if if_match is not None and not etag_matches(if_match, int(row["versionnumber"])):
            raise DataverseFault(412, CONCURRENCY, CONCURRENCY_MESSAGE)
        return row

    def _referencing(self, meta: EntityMeta, column: str, row_id: str) -> list[dict[str, Any]]:
        return self.org.store.select(
            f"SELECT * FROM {quote(meta.logical_name)} WHERE {quote(column)} = ?", [row_id]
        )

    def _remove_links(self, entity: str, row_id: str, user_id: str) -> None:
        for other in self.org.entities.values():
            for column in other.lookups():
                if entity not in column.targets or column.name in ("createdby", "modifiedby", "ownerid"):
                    continue
                for row in self._referencing(other, column.name, row_id):
                    self.apply(other, row, {column.name: None, f"{column.name}__type": None}, user_id)


def _storage_names(meta: EntityMeta) -> list[str]:
    names: list[str] = []
    for column in meta.columns.values():
        names.append(column.name)
        if column.is_lookup:
            names.append(f"{column.name}__type")
    return names


def _settle_status(meta: EntityMeta, row: dict[str, Any], *, changed: dict[str, Any]) -> None:
    """Keep statecode and statuscode consistent: a new state without a status gets the
    state's default status; a status alone moves the row to the status's state."""
    status_column: Column | None = meta.column("statuscode")
    if status_column is None or status_column.status_states is None:
        return
    states = status_column.status_states
    if "statuscode" in changed and changed["statuscode"] is not None:
        state = states[int(changed["statuscode"])]
        if "statecode" in changed and changed["statecode"] is not None and changed["statecode"] != state:
            raise bad_request(
                f"{changed['statuscode']} is not a valid status code for state code "
                f"{meta.logical_name}State.{changed['statecode']}."
            )
        row["statecode"] = state
    elif "statecode" in changed or row.get("statuscode") is None:
        row["statuscode"] = _rules.default_status(meta, int(row.get("statecode") or 0))


def _require(meta: EntityMeta, row: dict[str, Any]) -> None:
    for column in meta.columns.values():
        if column.required and row.get(column.name) is None:
            raise DataverseFault(
                400,
                REQUIRED,
                f"Required field missing: '{column.name}' of '{meta.logical_name}' cannot be null.",
            )


def _image(meta: EntityMeta, row: dict[str, Any]) -> dict[str, Any]:
    """The minimal post image a webhook carries: the key and the primary name."""
    image = {meta.primary_id: row.get(meta.primary_id)}
    if meta.primary_name in meta.columns:
        image[meta.primary_name] = row.get(meta.primary_name)
    return image
