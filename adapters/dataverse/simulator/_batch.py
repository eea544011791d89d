"""``$batch`` (reference §2.11): up to 1000 requests, run in order; change sets are
atomic and may refer to earlier parts by ``$<Content-ID>``; GET is not allowed in
a change set. Without ``Prefer: odata.continue-on-error`` processing stops at the
first failure and the batch answers 400 with the responses so far (the failing
change set reported by its error alone); with it the batch answers 200 and every
part has its response."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from adapters.dataverse._multipart import (
    HttpMessage,
    Part,
    boundary_of,
    encode_http,
    encode_multipart,
    parse_http,
    parse_multipart,
)
from adapters.dataverse.simulator._errors import DataverseFault, bad_request
from adapters.dataverse.simulator._messages import API_PREFIX, ApiRequest, ApiResponse, fault_response
from adapters.dataverse.simulator._org import Organization

MAX_REQUESTS = 1000
_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    412: "Precondition Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
}

Dispatch = Callable[[ApiRequest], ApiResponse]


class _ChangeSetFailed(Exception):
    def __init__(self, response: ApiResponse, content_id: str | None) -> None:
        self.response = response
        self.content_id = content_id


def run_batch(org: Organization, request: ApiRequest, dispatch: Dispatch) -> ApiResponse:
    boundary = boundary_of(request.header("content-type"))
    if boundary is None:
        raise bad_request("A $batch request needs a multipart/mixed body with a boundary.")
    parts = parse_multipart(request.body, boundary)
    total = sum(len(_changeset_parts(part) or [part]) for part in parts)
    if total > MAX_REQUESTS:
        raise bad_request(f"The number of requests in a batch exceeds the limit of {MAX_REQUESTS}.")
    keep_going = request.prefer.continue_on_error
    answers: list[Part] = []
    failed = False
    for part in parts:
        inner = _changeset_parts(part)
        if inner is not None:
            answer, ok = _changeset(org, request, inner, dispatch)
        else:
            response = dispatch(_inner_request(request, part, {}))
            answer, ok = _http_part(response), response.status < 400
        answers.append(answer)
        if not ok:
            failed = True
            if not keep_going:
                break
    reply = f"batchresponse_{uuid.uuid4()}"
    status = 400 if failed and not keep_going else 200
    return ApiResponse(
        status,
        {"OData-Version": "4.0", "Content-Type": f"multipart/mixed; boundary={reply}"},
        encode_multipart(answers, reply),
    )


def _changeset_parts(part: Part) -> list[Part] | None:
    nested = boundary_of(part.headers.get("content-type"))
    return None if nested is None else parse_multipart(part.body, nested)


def _changeset(
    org: Organization, request: ApiRequest, parts: list[Part], dispatch: Dispatch
) -> tuple[Part, bool]:
    references: dict[str, str] = {}
    answers: list[Part] = []
    try:
        with org.unit_of_work():
            for part in parts:
                content_id = part.headers.get("content-id")
                inner = _inner_request(request, part, references)
                if inner.method == "GET":
                    raise _ChangeSetFailed(
                        fault_response(bad_request("GET is not allowed in a change set.")), content_id
                    )
                response = dispatch(inner)
                if response.status >= 400:
                    raise _ChangeSetFailed(response, content_id)
                if content_id:
                    location = response.headers.get("OData-EntityId")
                    if location:
                        references[content_id] = location
                answers.append(_http_part(response, content_id))
    except _ChangeSetFailed as failure:
        return _http_part(failure.response, failure.content_id), False
    except DataverseFault as fault:
        return _http_part(fault_response(fault)), False
    boundary = f"changesetresponse_{uuid.uuid4()}"
    return Part(
        {"Content-Type": f"multipart/mixed; boundary={boundary}"}, encode_multipart(answers, boundary)
    ), True


def _inner_request(outer: ApiRequest, part: Part, references: dict[str, str]) -> ApiRequest:
    message = parse_http(part.body)
    method, _, rest = message.start_line.partition(" ")
    target = rest.rsplit(" ", 1)[0].strip()
    target = _resolve(target, references)
    split = urlsplit(target)
    path = split.path
    if API_PREFIX in path:
        path = path.split(API_PREFIX, 1)[1]
    elif path.startswith("/"):
        raise bad_request(f"The batch part URL '{target}' is not under {API_PREFIX}.")
    if path.startswith("$batch"):
        raise bad_request("Nested batches are not allowed.")
    body = message.body
    for reference, location in references.items():
        body = body.replace(f'"${reference}"'.encode(), f'"{location}"'.encode())
    for unresolved in re.findall(rb'@odata\.bind"\s*:\s*"(\$\d+)', body):
        raise bad_request(
            f"Content-ID Reference: '{unresolved.decode()}' does not exist in the batch context."
        )
    headers = {**{k: v for k, v in outer.headers.items() if k == "authorization"}, **message.headers}
    return ApiRequest(
        method.upper(), path, dict(parse_qsl(split.query)), headers, body, outer.base_url, outer.user_id
    )


def _resolve(target: str, references: dict[str, str]) -> str:
    match = re.match(r"^\$(\d+)(.*)$", target)
    if match is None:
        return target
    location = references.get(match.group(1))
    if location is None:
        raise bad_request(f"Content-ID Reference: '${match.group(1)}' does not exist in the batch context.")
    return location + match.group(2)


def _http_part(response: ApiResponse, content_id: str | None = None) -> Part:
    headers = {"Content-Type": "application/http", "Content-Transfer-Encoding": "binary"}
    if content_id:
        headers["Content-ID"] = content_id
    reason = _REASONS.get(response.status, "")
    message = HttpMessage(
        f"HTTP/1.1 {response.status} {reason}".rstrip(), dict(response.headers), response.body
    )
    return Part(headers, encode_http(message))
