"""``$batch`` for mixed small writes (reference §2.11).

Atomic: every operation in one change set - all or nothing; the CRM stops at the
first failure and that error is raised. Not atomic: every operation is its own
part, sent with ``Prefer: odata.continue-on-error``, and each result carries its
own error. A ``$batch`` is never retried after it may have been received (it is
not idempotent in general); 429 and 503 are retried as usual."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid4

from adapters.dataverse import _json
from adapters.dataverse._core import Core
from adapters.dataverse._errors import error_type, map_error
from adapters.dataverse._multipart import (
    HttpMessage,
    Part,
    boundary_of,
    encode_http,
    encode_multipart,
    parse_http,
    parse_multipart,
)
from adapters.dataverse._odata import entity_id, row_path
from domain.crm import BatchOperation, BatchResult, Create, CrmError, Delete, Update, Upsert

MAX_OPERATIONS = 1000
_PASSTHROUGH = frozenset({400, 403, 404, 405, 409, 412})


class BatchMixin:
    _core: Core

    async def batch(self, operations: Sequence[BatchOperation], *, atomic: bool = True) -> list[BatchResult]:
        if not operations:
            return []
        if len(operations) > MAX_OPERATIONS:
            raise ValueError(f"a $batch holds at most {MAX_OPERATIONS} operations")
        messages = [await self._message(operation) for operation in operations]
        boundary = f"batch_{uuid4()}"
        headers = {"Content-Type": f"multipart/mixed; boundary={boundary}"}
        if atomic:
            parts = [_changeset(messages)]
        else:
            parts = [_http_part(message) for message in messages]
            headers["Prefer"] = "odata.continue-on-error"
        response = await self._core.requester.send(
            "POST",
            "$batch",
            content=encode_multipart(parts, boundary),
            headers=headers,
            idempotent=False,
            passthrough=_PASSTHROUGH,
        )
        response_boundary = boundary_of(response.headers.get("Content-Type"))
        if response_boundary is None:
            raise map_error(response)
        answers = _responses(parse_multipart(response.content, response_boundary))
        results = [_result(operation, answer) for operation, answer in zip(operations, answers, strict=False)]
        if atomic:
            failed = next((r.error for r in results if r.error is not None), None)
            if failed is not None:
                raise failed
        missing = CrmError("not run: the batch stopped at an earlier failure")
        results.extend(BatchResult(None, missing) for _ in operations[len(results) :])
        return results

    async def _message(self, operation: BatchOperation) -> HttpMessage:
        spec = await self._core.spec(operation.entity)
        url = self._core.config.api_url
        headers: dict[str, str] = {}
        body = b""
        if isinstance(operation, Create | Update | Upsert):
            spec, payload = await self._core.encode(spec, operation.attributes)
            headers["Content-Type"] = "application/json; type=entry"
            if isinstance(operation, Create) and operation.id is not None:
                payload[spec.primary_id] = str(operation.id)
            body = _json.dumps(payload)
        if isinstance(operation, Create):
            return HttpMessage(f"POST {url}{spec.entity_set} HTTP/1.1", headers, body)
        if isinstance(operation, Update):
            headers["If-Match"] = operation.etag or "*"
        if isinstance(operation, Delete):
            if operation.etag:
                headers["If-Match"] = operation.etag
            return HttpMessage(f"DELETE {url}{row_path(spec, operation.id)} HTTP/1.1", headers)
        return HttpMessage(f"PATCH {url}{row_path(spec, operation.id)} HTTP/1.1", headers, body)


def _http_part(message: HttpMessage, content_id: int | None = None) -> Part:
    headers = {"Content-Type": "application/http", "Content-Transfer-Encoding": "binary"}
    if content_id is not None:
        headers["Content-ID"] = str(content_id)
    return Part(headers, encode_http(message))


def _changeset(messages: list[HttpMessage]) -> Part:
    boundary = f"changeset_{uuid4()}"
    parts = [_http_part(message, index) for index, message in enumerate(messages, start=1)]
    return Part({"Content-Type": f"multipart/mixed; boundary={boundary}"}, encode_multipart(parts, boundary))


def _responses(parts: list[Part]) -> list[HttpMessage]:
    answers: list[HttpMessage] = []
    for part in parts:
        nested = boundary_of(part.headers.get("content-type"))
        if nested is not None:
            answers.extend(_responses(parse_multipart(part.body, nested)))
        else:
            answers.append(parse_http(part.body))
    return answers


def _result(operation: BatchOperation, answer: HttpMessage) -> BatchResult:
    status = int(answer.start_line.split(" ")[1])
    known_id: UUID | None = operation.id
    if status < 400:
        return BatchResult(entity_id(answer.headers.get("odata-entityid")) or known_id)
    code, message = "", answer.start_line
    try:
        error = _json.loads(answer.body or b"{}").get("error") or {}
        code, message = str(error.get("code") or ""), str(error.get("message") or message)
    except ValueError:
        pass
    return BatchResult(known_id, error_type(status, code)(message, status=status, code=code))
