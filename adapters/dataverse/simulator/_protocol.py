"""Small protocol pieces: the ``Prefer`` header, ETags, paging cookies."""

from __future__ import annotations

import base64
import fnmatch
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from adapters.dataverse.simulator._errors import query_error

MAX_PAGE_SIZE = 5000
_COOKIE = re.compile(r'pagingcookie="([^"]*)"')


@dataclass(frozen=True, slots=True)
class Prefer:
    """What a request's ``Prefer`` header asked for."""

    max_page_size: int | None = None
    representation: bool = False
    continue_on_error: bool = False
    track_changes: bool = False
    annotations: tuple[str, ...] = field(default_factory=tuple)

    def wants(self, annotation: str) -> bool:
        return any(fnmatch.fnmatchcase(annotation, pattern) for pattern in self.annotations)

    def applied(self) -> list[str]:
        applied = []
        if self.max_page_size is not None:
            applied.append(f"odata.maxpagesize={self.max_page_size}")
        if self.representation:
            applied.append("return=representation")
        if self.annotations:
            applied.append(f'odata.include-annotations="{",".join(self.annotations)}"')
        return applied


def parse_prefer(values: list[str]) -> Prefer:
    max_page_size: int | None = None
    representation = continue_on_error = track_changes = False
    annotations: list[str] = []
    for header in values:
        for item in _split_preferences(header):
            name, _, value = item.partition("=")
            name = name.strip().lower()
            value = value.strip().strip('"')
            if name == "odata.maxpagesize":
                try:
                    max_page_size = int(value)
                except ValueError:
                    raise query_error(f"The Prefer value '{item}' is not valid.") from None
                if not 0 < max_page_size <= MAX_PAGE_SIZE:
                    raise query_error(f"odata.maxpagesize must be between 1 and {MAX_PAGE_SIZE}.")
            elif name == "return" and value == "representation":
                representation = True
            elif name == "odata.continue-on-error":
                continue_on_error = True
            elif name == "odata.track-changes":
                track_changes = True
            elif name == "odata.include-annotations":
                annotations.extend(part.strip() for part in value.split(",") if part.strip())
    return Prefer(max_page_size, representation, continue_on_error, track_changes, tuple(annotations))


def _split_preferences(header: str) -> list[str]:
    items: list[str] = []
    current: list[str] = []
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


def etag(version: int) -> str:
    return f'W/"{version}"'


def etag_matches(header: str, version: int) -> bool:
    """``If-Match`` semantics: ``*`` or any listed ETag equal to the row's (weak compare)."""
    candidates = [part.strip() for part in header.split(",")]
    return any(tag == "*" or tag.removeprefix("W/") == f'"{version}"' for tag in candidates)


def paging_cookie(page_number: int, last_key: list[Any]) -> str:
    """A ``$skiptoken`` shaped like Dataverse's: ``<cookie pagenumber=… pagingcookie=… />``;
    the paging cookie carries the last row's sort values (keyset paging, so rows that
    change between pages are neither skipped nor repeated)."""
    encoded = base64.urlsafe_b64encode(json.dumps(last_key).encode()).decode()
    inner = quote(f'<cookie page="{page_number - 1}"><key last="{encoded}" /></cookie>', safe="")
    return f'<cookie pagenumber="{page_number}" pagingcookie="{inner}" istracking="False" />'


def read_paging_cookie(token: str) -> tuple[int, list[Any]]:
    try:
        page_number = int(re.search(r'pagenumber="(\d+)"', token).group(1))  # type: ignore[union-attr]
        inner = unquote(_COOKIE.search(token).group(1))  # type: ignore[union-attr]
        encoded = re.search(r'last="([^"]+)"', inner).group(1)  # type: ignore[union-attr]
        last_key = json.loads(base64.urlsafe_b64decode(encoded))
    except (AttributeError, ValueError) as exc:
        raise query_error("The $skiptoken is not valid.") from exc
    return page_number, list(last_key)
