"""The subscription tests, with arq workers and Redis pub/sub."""

from tests.e2e.test_subscriptions import *  # noqa: F403


def test_these_tests_run_on_arq_and_redis(container: Services) -> None:  # noqa: F405
    from adapters.events.redis import RedisEventBus
    from adapters.queue.arq import ArqJobQueue

    assert isinstance(container.queue, ArqJobQueue)
    assert isinstance(container.events, RedisEventBus)
