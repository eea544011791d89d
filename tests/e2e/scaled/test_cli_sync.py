"""`couplet sync full` again, with arq workers and Redis events behind the API."""

from tests.e2e.test_cli_sync import *  # noqa: F403
