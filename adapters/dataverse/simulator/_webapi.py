"""Entity-set endpoints: collections, single rows, bulk messages, navigation
collections and ``$ref`` associations. Each call runs in one unit of work."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from adapters.dataverse.simulator._errors import (
    DUPLICATE,
    NOT_SUPPORTED,
    DataverseFault,
    bad_request,
    not_found,
    query_error,
)
from adapters.dataverse.simulator._messages import ApiRequest, ApiResponse, Segment, json_response, no_content
from adapters.dataverse.simulator._metadata import EntityMeta
from adapters.dataverse.simulator._org import Organization
from adapters.dataverse.simulator._protocol import Prefer, etag, paging_cookie
from adapters.dataverse.simulator._query import Expand, parse_options, parse_select, run
from adapters.dataverse.simulator._records import Records
from adapters.dataverse.simulator._serialize import returned_columns, row_json
from adapters.dataverse.simulator._store import quote

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_BULK = (
    "Microsoft.Dynamics.CRM.CreateMultiple",
    "Microsoft.Dynamics.CRM.UpdateMultiple",
    "Microsoft.Dynamics.CRM.UpsertMultiple",
)


def row_key(meta: EntityMeta, key: str | None) -> str:
    if key is None or not _GUID.match(key):
        raise bad_request(
            f"The key '{key}' of {meta.entity_set} is not a GUID (alternate keys are not simulated)."
        )
    return key.lower()


class EntitySets:
    def __init__(self, org: Organization, records: Records) -> None:
        self.org = org
        self.records = records

    def handle(self, request: ApiRequest, meta: EntityMeta, segments: list[Segment]) -> ApiResponse:
        first, rest = segments[0], segments[1:]
        method = request.method
        if first.key is None and not rest:
            if method == "GET":
                return self.query(request, meta)
            if method == "POST":
                return self.create(request, meta)
        if first.key is None and len(rest) == 1 and rest[0].name in _BULK and method == "POST":
            return self.bulk(request, meta, rest[0].name.rsplit(".", 1)[1])
        if first.key is not None and not rest:
            row_id = row_key(meta, first.key)
            if method == "GET":
                return self.retrieve(request, meta, row_id)
            if method == "PATCH":
                return self.patch(request, meta, row_id)
            if method == "DELETE":
                self.records.delete(meta, row_id, request.user_id, if_match=request.header("if-match"))
                return no_content()
        if first.key is not None and rest and rest[0].name in meta.many_to_many | meta.one_to_many:
            return self.related(request, meta, row_key(meta, first.key), rest)
        raise DataverseFault(405, NOT_SUPPORTED, f"{method} is not supported on '{request.path}'.")

    # single rows

    def create(self, request: ApiRequest, meta: EntityMeta) -> ApiResponse:
        body = _object(request.json())
        row_id = self.records.create(meta, body, request.user_id)
        return self._written(request, meta, row_id, created=True)

    def patch(self, request: ApiRequest, meta: EntityMeta, row_id: str) -> ApiResponse:
        created = self.records.upsert(
            meta,
            row_id,
            _object(request.json()),
            request.user_id,
            if_match=request.header("if-match"),
            if_none_match=request.header("if-none-match"),
        )
        return self._written(request, meta, row_id, created=created)

    def _written(self, request: ApiRequest, meta: EntityMeta, row_id: str, *, created: bool) -> ApiResponse:
        location = f"{request.api_url}{meta.entity_set}({row_id})"
        prefer = request.prefer
        if not prefer.representation:
            return no_content({"OData-EntityId": location})
        row = self.org.store.get(meta, row_id) or {}
        payload = {"@odata.context": f"{request.api_url}$metadata#{meta.entity_set}/$entity"}
        payload.update(self.row(meta, row, parse_select(meta, request.query.get("$select")), prefer, []))
        headers = {"Preference-Applied": "return=representation", "ETag": etag(int(row["versionnumber"]))}
        return json_response(201 if created else 200, payload, headers)

    def retrieve(self, request: ApiRequest, meta: EntityMeta, row_id: str) -> ApiResponse:
        options = parse_options(meta, request.query)
        row = self.org.store.get(meta, row_id)
        if row is None:
            raise not_found(meta.logical_name, row_id)
        prefer = request.prefer
        current = etag(int(row["versionnumber"]))
        if request.header("if-none-match") == current and not options.expand and not prefer.annotations:
            return ApiResponse(304, {"ETag": current})
        select = request.query.get("$select")
        context = f"{request.api_url}$metadata#{meta.entity_set}({select or ''})/$entity"
        payload = {"@odata.context": context, **self.row(meta, row, options.select, prefer, options.expand)}
        return json_response(200, payload, {"ETag": current})

    # collections

    def query(self, request: ApiRequest, meta: EntityMeta) -> ApiResponse:
        prefer = request.prefer
        options = parse_options(meta, request.query)
        if prefer.track_changes:
            raise query_error(
                "Change tracking (odata.track-changes) is not simulated; query on modifiedon instead."
            )
        page = run(self.org, meta, options, prefer.max_page_size)
        select = request.query.get("$select")
        payload: dict[str, Any] = {
            "@odata.context": f"{request.api_url}$metadata#{meta.entity_set}({select or ''})"
        }
        if page.count is not None:
            payload["@odata.count"] = page.count
        payload["value"] = [self.row(meta, row, options.select, prefer, options.expand) for row in page.rows]
        if page.last_key is not None:
            query = {k: v for k, v in request.query.items() if k != "$skiptoken"}
            query["$skiptoken"] = paging_cookie(options.page_number + 1, page.last_key)
            payload["@odata.nextLink"] = (
                f"{request.api_url}{meta.entity_set}?{urlencode(query, quote_via=url_quote, safe='$,()')}"
            )
        applied = prefer.applied()
        return json_response(200, payload, {"Preference-Applied": ",".join(applied)} if applied else None)

    def row(
        self, meta: EntityMeta, row: dict[str, Any], select: Any, prefer: Prefer, expands: list[Expand]
    ) -> dict[str, Any]:
        body = row_json(
            meta,
            row,
            returned_columns(meta, select),
            prefer,
            labels=self.org.label,
            names=self.org.primary_name,
        )
        for expand in expands:
            body[expand.nav] = self._expanded(meta, row, expand, prefer)
        return body

    def _expanded(self, meta: EntityMeta, row: dict[str, Any], expand: Expand, prefer: Prefer) -> Any:
        row_id = row[meta.primary_id]
        if expand.nav in meta.many_to_many:
            relation = meta.many_to_many[expand.nav]
            other = self.org.entities[relation.other]
            rows = self.org.store.select(
                f"SELECT o.* FROM {quote(other.logical_name)} o JOIN {quote(relation.table)} j "
                f"ON j.{quote(other.primary_id)} = o.{quote(other.primary_id)} "
                f"WHERE j.{quote(meta.primary_id)} = ?",
                [row_id],
            )
        elif expand.nav in meta.one_to_many:
            child_entity, column = meta.one_to_many[expand.nav]
            other = self.org.entities[child_entity]
            rows = self.org.store.select(
                f"SELECT * FROM {quote(child_entity)} WHERE {quote(column)} = ?", [row_id]
            )
        else:
            lookup, target = meta.navigation_properties()[expand.nav]
            other = self.org.entities[target]
            if row.get(lookup.name) is None or row.get(f"{lookup.name}__type") != target:
                return None
            found = self.org.store.get(other, row[lookup.name])
            return None if found is None else self.row(other, found, _names(other, expand.select), prefer, [])
        return [self.row(other, item, _names(other, expand.select), prefer, []) for item in rows]

    def related(self, request: ApiRequest, meta: EntityMeta, row_id: str, rest: list[Segment]) -> ApiResponse:
        if self.org.store.get(meta, row_id) is None:
            raise not_found(meta.logical_name, row_id)
        nav = rest[0].name
        if len(rest) == 1 and request.method == "GET":
            row = {meta.primary_id: row_id}
            expand = Expand(
                nav, request.query.get("$select", "").split(",") if request.query.get("$select") else None
            )
            return json_response(200, {"value": self._expanded(meta, row, expand, request.prefer)})
        relation = meta.many_to_many.get(nav)
        if relation is None or rest[-1].name != "$ref":
            raise DataverseFault(
                405, NOT_SUPPORTED, f"{request.method} is not supported on '{request.path}'."
            )
        return self._reference(request, meta, row_id, relation.table, relation.other, rest)

    def _reference(
        self,
        request: ApiRequest,
        meta: EntityMeta,
        row_id: str,
        table: str,
        other_name: str,
        rest: list[Segment],
    ) -> ApiResponse:
        other = self.org.entities[other_name]
        if request.method == "POST" and len(rest) == 2:
            target = str(_object(request.json()).get("@odata.id") or "")
            match = re.search(r"([A-Za-z_]+)\(([0-9a-fA-F-]{36})\)$", target)
            if match is None or match.group(1) != other.entity_set:
                raise bad_request(f"'@odata.id' must identify a row of {other.entity_set}.")
            other_id = match.group(2).lower()
            if self.org.store.get(other, other_id) is None:
                raise not_found(other.logical_name, other_id)
            self.associate(meta, row_id, other, other_id, table)
            return no_content()
        if request.method == "DELETE" and len(rest) == 3 and rest[1].key is not None:
            other_id = row_key(other, rest[1].key)
            self.org.store.execute(
                f"DELETE FROM {quote(table)} "
                f"WHERE {quote(meta.primary_id)} = ? AND {quote(other.primary_id)} = ?",
                [row_id, other_id],
            )
            return no_content()
        raise DataverseFault(405, NOT_SUPPORTED, f"{request.method} is not supported on '{request.path}'.")

    def associate(self, meta: EntityMeta, row_id: str, other: EntityMeta, other_id: str, table: str) -> None:
        exists = self.org.store.scalar(
            f"SELECT 1 FROM {quote(table)} "
            f"WHERE {quote(meta.primary_id)} = ? AND {quote(other.primary_id)} = ?",
            [row_id, other_id],
        )
        if exists is not None:
            raise DataverseFault(412, DUPLICATE, "Cannot insert duplicate key.")
        self.org.store.execute(
            f"INSERT INTO {quote(table)} ({quote(meta.primary_id)}, {quote(other.primary_id)}) VALUES (?, ?)",
            [row_id, other_id],
        )

    # bulk messages

    def bulk(self, request: ApiRequest, meta: EntityMeta, message: str) -> ApiResponse:
        """All targets in one transaction (standard tables roll back on any error)."""
        targets = _object(request.json()).get("Targets")
        if not isinstance(targets, list) or not targets:
            raise bad_request(f"{message} needs a non-empty 'Targets' collection.")
        ids: list[str] = []
        for target in targets:
            target = _object(target)
            declared = target.get("@odata.type")
            if declared is not None and declared != f"Microsoft.Dynamics.CRM.{meta.logical_name}":
                raise bad_request(f"Target type '{declared}' does not match {meta.entity_set}.")
            ids.append(self._bulk_one(request, meta, message, target))
        if message == "UpdateMultiple":
            return no_content()
        context = f"{request.api_url}$metadata#Microsoft.Dynamics.CRM.{message}Response"
        return json_response(200, {"@odata.context": context, "Ids": ids})

    def _bulk_one(self, request: ApiRequest, meta: EntityMeta, message: str, target: dict[str, Any]) -> str:
        if message == "CreateMultiple":
            return self.records.create(meta, target, request.user_id)
        key = target.get(meta.primary_id)
        reference = re.search(r"\(([0-9a-fA-F-]{36})\)$", str(target.get("@odata.id") or ""))
        row_id = row_key(meta, str(key) if key else reference.group(1) if reference else None)
        body = {k: v for k, v in target.items() if k != meta.primary_id}
        if message == "UpdateMultiple":
            self.records.update(meta, row_id, body, request.user_id)
        else:
            self.records.upsert(meta, row_id, body, request.user_id)
        return row_id


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request("The request body must be a JSON object.")
    return value


def _names(meta: EntityMeta, names: list[str] | None) -> Any:
    return parse_select(meta, ",".join(names)) if names else None
