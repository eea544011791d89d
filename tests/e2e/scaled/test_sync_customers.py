"""The customer sync tests, with arq workers and Redis events."""

from tests.e2e.test_sync_customers import *  # noqa: F403
