"""The demo's CRM: a simulated Dynamics 365 Sales org with users, and accounts
that partly match the sample customers (so the full sync has both coupling and
creating to do)."""

from __future__ import annotations

import random

from adapters.dataverse.simulator import DataverseSimulator
from api.demo.sample_data import SALESPEOPLE, customer_names

SYNC_APP = ("couplet-demo", "couplet-demo-secret")
ADMIN_APP = ("couplet-demo-admin", "couplet-demo-admin-secret")  # used once, to import Couplet's solution


def seed_crm(simulator: DataverseSimulator, *, customers: int = 250) -> None:
    """Users for the salespeople (same e-mail), and accounts for about a third of
    the customers (same name), plus a few the ERP lacks."""
    if simulator.rows("account"):
        return
    rng = random.Random(7)
    for _, name, email in SALESPEOPLE:
        first, last = name.split(" ", 1)
        simulator.add_row(
            "systemuser",
            {
                "firstname": first,
                "lastname": last,
                "internalemailaddress": email,
                "domainname": email,
                "islicensed": True,
                "isdisabled": False,
                "isintegrationuser": False,
            },
        )
    names = customer_names(customers)
    for name in rng.sample(names, len(names) // 3):
        simulator.add_row("account", {"name": name, "customertypecode": 3, "telephone1": "+45 3333 0000"})
    for name in ("Northwind Logistics", "Blue Sky Airlines", "Coho Vineyard & Winery"):
        simulator.add_row("account", {"name": name, "customertypecode": 3, "address1_city": "Seattle"})


def register_apps(simulator: DataverseSimulator) -> None:
    """The integration app (a plain user: the solution's roles are assigned on import)
    and an administrator app for the one-time solution import."""
    client_id, secret = SYNC_APP
    simulator.register_app(client_id, secret, full_name="Couplet Integration", is_integration_user=True)
    admin_id, admin_secret = ADMIN_APP
    simulator.register_app(
        admin_id, admin_secret, full_name="Demo Administrator", roles=["System Administrator"]
    )
