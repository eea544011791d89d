"""Transport-independent requests and responses of the Web API, so the same
handlers serve plain HTTP and the parts of a ``$batch``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from adapters.dataverse import _json
from adapters.dataverse.simulator._errors import DataverseFault, query_error
from adapters.dataverse.simulator._protocol import Prefer, parse_prefer

API_PREFIX = "/api/data/v9.2/"
JSON_TYPE = "application/json; odata.metadata=minimal"
_SEGMENT = re.compile(r"^(?P<name>[A-Za-z_$][\w.$]*)(?:\((?P<key>[^)]*)\))?$")


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    key: str | None = None


@dataclass(slots=True)
class ApiRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    base_url: str
    user_id: str = ""

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def prefer(self) -> Prefer:
        value = self.header("prefer")
        return parse_prefer([value] if value else [])

    def json(self) -> Any:
        if not self.body.strip():
            return {}
        try:
            payload = _json.loads(self.body)
        except ValueError:
            raise DataverseFault(400, "0x80048d19", "The request body is not valid JSON.") from None
        return payload

    def segments(self) -> list[Segment]:
        segments = []
        for part in self.path.strip("/").split("/") if self.path.strip("/") else []:
            match = _SEGMENT.match(part)
            if match is None:
                raise query_error(f"Resource not found for the segment '{part}'.")
            segments.append(Segment(match.group("name"), match.group("key")))
        return segments


@dataclass(slots=True)
class ApiResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> ApiResponse:
    merged = {"OData-Version": "4.0", "Content-Type": JSON_TYPE}
    merged.update(headers or {})
    return ApiResponse(status, merged, _json.dumps(payload))


def no_content(headers: dict[str, str] | None = None) -> ApiResponse:
    return ApiResponse(204, {"OData-Version": "4.0", **(headers or {})})


def fault_response(fault: DataverseFault) -> ApiResponse:
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    return json_response(fault.status, fault.body(), headers)
