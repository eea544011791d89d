"""Routes a Web API request to its handler inside one unit of work, and turns a
`DataverseFault` into its error response (rolling the unit back)."""

from __future__ import annotations

from adapters.dataverse.simulator._actions import Actions, require
from adapters.dataverse.simulator._batch import run_batch
from adapters.dataverse.simulator._errors import NOT_SUPPORTED, DataverseFault
from adapters.dataverse.simulator._messages import ApiRequest, ApiResponse, fault_response
from adapters.dataverse.simulator._org import Change, Organization
from adapters.dataverse.simulator._records import Records
from adapters.dataverse.simulator._webapi import EntitySets


class _Rollback(Exception):
    def __init__(self, response: ApiResponse) -> None:
        self.response = response


class Router:
    def __init__(self, org: Organization) -> None:
        self.org = org
        self.records = Records(org)
        self.actions = Actions(org, self.records)
        self.entity_sets = EntitySets(org, self.records)

    def dispatch(self, request: ApiRequest) -> tuple[ApiResponse, list[Change]]:
        """Handle `request`; the changes it committed come back for the webhooks."""
        try:
            with self.org.unit_of_work() as changes:
                response = self._route(request)
                if response.status >= 400 and request.path != "$batch":
                    raise _Rollback(response)
        except _Rollback as rollback:
            return rollback.response, []
        except DataverseFault as fault:
            return fault_response(fault), []
        return response, changes

    def handle(self, request: ApiRequest) -> ApiResponse:
        return self.dispatch(request)[0]

    def _route(self, request: ApiRequest) -> ApiResponse:
        segments = request.segments()
        method = request.method
        if not segments:
            return self.actions.service_document(request)
        head = segments[0]
        if head.name == "$batch" and method == "POST":
            return run_batch(self.org, request, self.handle)
        if head.name == "WhoAmI" and method == "GET":
            return self.actions.who_am_i(request)
        if head.name == "RetrieveVersion" and method == "GET":
            return self.actions.retrieve_version(request)
        if head.name == "EntityDefinitions" and method == "GET":
            return self.actions.definitions(request, segments)
        if head.name == "ImportSolution" and method == "POST":
            return self.actions.import_solution(request)
        if head.name == "InsertOptionValue" and method == "POST":
            return self.actions.insert_option_value(request)
        meta = self.org.by_set(head.name)
        if meta is None:
            raise DataverseFault(404, "0x80060888", f"Resource not found for the segment '{head.name}'.")
        if len(segments) > 1 and segments[-1].name == "$ref":
            require(self.org, request.user_id, "prvAssignRole")
        if method not in ("GET", "POST", "PATCH", "DELETE"):
            raise DataverseFault(405, NOT_SUPPORTED, f"{method} is not supported.")
        return self.entity_sets.handle(request, meta, segments)
