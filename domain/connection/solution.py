"""Couplet's CRM solution: the names setup relies on. The package itself
(``solution.xml`` + ``customizations.xml``) is built by `adapters.dataverse.solution`.

What it adds to Dataverse (BC installs the same kinds of things, DV ref §6):

* ``couplet_erpnumber`` (text) on account, product and salesorder: the ERP's
  number of the coupled record, so CRM users (and plugins) see it;
* the organisation-owned table ``couplet_connection`` (BC's ``nav_connection``):
  one row telling CRM plugins where Couplet's availability endpoint is and the
  AVAILABILITY key to call it with;
* three security roles: Couplet Integration Administrator and Couplet Integration
  User (given to the integration user by the import) and Couplet Product
  Availability User (for salespeople: it is the role that may read
  ``couplet_connection``, hence the key)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from domain.mappings.defaults import ERP_NUMBER
from domain.mappings.ports import MappingStore

UNIQUE_NAME = "CoupletIntegration"
FRIENDLY_NAME = "Couplet Integration"
VERSION = "1.0.0.0"
PUBLISHER_PREFIX = "couplet"

ERP_NUMBER_ENTITIES = ("account", "product", "salesorder")

CONNECTION_ENTITY = "couplet_connection"
CONNECTION_ROW_ID = UUID("5c0f7b1e-2d4a-4c3b-9e61-c0c0a1e7d001")  # the one row, upserted
CONNECTION_NAME = "couplet_name"
CONNECTION_SERVICE_URL = "couplet_serviceurl"
CONNECTION_AVAILABILITY_URL = "couplet_availabilityurl"
CONNECTION_ACCESS_KEY = "couplet_accesskey"

INTEGRATION_ADMINISTRATOR = "Couplet Integration Administrator"
INTEGRATION_USER = "Couplet Integration User"
AVAILABILITY_USER = "Couplet Product Availability User"
INTEGRATION_ROLES = (INTEGRATION_ADMINISTRATOR, INTEGRATION_USER)


async def enable_erp_number_fields(store: MappingStore) -> None:
    """Switch on the ERP-number field mappings, which write a column only Couplet's
    solution creates (they are off in the defaults for that reason)."""
    for mapping in await store.all():
        fields = tuple(
            replace(f, enabled=True) if f.crm_attribute == ERP_NUMBER and not f.enabled else f
            for f in mapping.fields
        )
        if fields != mapping.fields:
            await store.save(replace(mapping, fields=fields))
