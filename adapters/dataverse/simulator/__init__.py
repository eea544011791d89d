"""A local simulator of the Dataverse Web API (Dynamics 365 Sales), faithful to
``shared/reference/dataverse-web-api.md``: an ASGI app serving the Web API at
``/api/data/v9.2/`` and a client-credentials token endpoint at
``/<tenant>/oauth2/v2.0/token``, stored in SQLite, with service protection limits,
fault injection and webhooks. See the README section "Dataverse client and simulator"."""

from adapters.dataverse.simulator._faults import Faults
from adapters.dataverse.simulator._limits import ServiceProtection
from adapters.dataverse.simulator._simulator import (
    DEFAULT_TENANT,
    DataverseSimulator,
    SimulatorStats,
    create_app,
)
from adapters.dataverse.simulator._solutions import plural
from adapters.dataverse.simulator._webhooks import Delivery

__all__ = [
    "DEFAULT_TENANT",
    "DataverseSimulator",
    "Delivery",
    "Faults",
    "ServiceProtection",
    "SimulatorStats",
    "create_app",
    "plural",
]
