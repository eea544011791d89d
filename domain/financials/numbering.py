"""Number series for records created from the CRM (BC's IncStr): the next key
after the highest one with the series' prefix, e.g. C10490 → C10491, SP0009 → SP0010."""

from __future__ import annotations

import re

_TRAILING_NUMBER = re.compile(r"(\d+)(\D*)$")
DEFAULT_WIDTH = 5


def increment(key: str) -> str:
    """The key with its rightmost number one higher, keeping its width."""
    match = _TRAILING_NUMBER.search(key)
    if match is None:
        return key + "1"
    digits = match.group(1)
    bumped = str(int(digits) + 1).zfill(len(digits))
    return key[: match.start(1)] + bumped + match.group(2)


def next_key(prefix: str, highest: str | None) -> str:
    return increment(highest) if highest is not None else prefix + "1".zfill(DEFAULT_WIDTH)
