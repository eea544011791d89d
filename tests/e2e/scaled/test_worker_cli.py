"""`couplet worker`: refuses to start without Redis; `--check` answers for the
workers of its prefix."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from adapters.settings import Settings
from api.bootstrap import Services
from api.cli.worker import _healthy
from tests.support.queues import redis_url, unique_prefix

ROOT = Path(__file__).parents[3]


async def couplet(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COUPLET_")}
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", "from api.cli.main import app; app()", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_worker_without_redis_says_so_and_exits_2() -> None:
    result = await couplet("worker")
    assert result.returncode == 2
    assert "COUPLET_REDIS_URL" in result.stderr


async def test_check_succeeds_only_while_a_worker_of_the_prefix_is_alive(container: Services) -> None:
    alive = await couplet(
        "worker",
        "--check",
        COUPLET_REDIS_URL=redis_url(),
        COUPLET_REDIS_PREFIX=container.settings.redis_prefix,
    )
    assert alive.returncode == 0
    nobody = Settings(redis_url=redis_url(), redis_prefix=unique_prefix())
    assert not await _healthy(nobody)
