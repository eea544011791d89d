"""What a new org holds before anyone writes: the organisation and its root
business unit, the SYSTEM user, security roles, the base currency, the account
choices Couplet maps (payment terms, freight terms, shipping method, with
Dataverse's default options) and the default unit group."""

from __future__ import annotations

import uuid

from adapters.dataverse.simulator._actions import SYSTEM_ADMINISTRATOR
from adapters.dataverse.simulator._org import Organization
from adapters.dataverse.simulator._records import Records

CURRENCIES = {
    "DKK": ("Danish Krone", "kr."),
    "EUR": ("Euro", "€"),
    "USD": ("US Dollar", "$"),
    "GBP": ("British Pound", "£"),
    "SEK": ("Swedish Krona", "kr"),
    "NOK": ("Norwegian Krone", "kr"),
    "CHF": ("Swiss Franc", "CHF"),
}
ROLES = {
    SYSTEM_ADMINISTRATOR: (),
    "System Customizer": ("prvWriteAttribute",),
    "Salesperson": (),
    "Sales Manager": (),
}
ACCOUNT_OPTIONS = {
    "paymenttermscode": {1: "Net 30", 2: "2% 10, Net 30", 3: "Net 45", 4: "Net 60"},
    "address1_freighttermscode": {1: "FOB", 2: "No Charge"},
    "address1_shippingmethodcode": {
        1: "Airborne",
        2: "DHL",
        3: "FedEx",
        4: "UPS",
        5: "Postal Mail",
        6: "Full Load",
        7: "Will Call",
    },
}


def seed(org: Organization, records: Records, *, organization_name: str, base_currency: str) -> None:
    """Seed a new database once; an existing one (a file) keeps what it has."""
    if org.store.meta_get("seeded"):
        return
    store = org.store
    with org.unit_of_work():
        system_user = str(uuid.uuid4())
        business_unit = str(uuid.uuid4())
        store.meta_set("organizationid", str(uuid.uuid4()))
        store.meta_set("organizationname", organization_name)
        store.meta_set("businessunitid", business_unit)
        store.meta_set("systemuserid", system_user)
        records.insert(org.entities["businessunit"], business_unit, {"name": organization_name}, system_user)
        records.insert(
            org.entities["systemuser"],
            system_user,
            {"lastname": "SYSTEM", "fullname": "SYSTEM", "domainname": "SYSTEM", "accessmode": 1},
            system_user,
        )
        for name, privileges in ROLES.items():
            role_id = str(uuid.uuid4())
            records.insert(org.entities["role"], role_id, {"name": name}, system_user)
            for privilege in privileges:
                store.execute(
                    "INSERT INTO role_privileges (roleid, privilege) VALUES (?, ?)", [role_id, privilege]
                )
            if name == SYSTEM_ADMINISTRATOR:
                store.execute(
                    "INSERT INTO systemuserroles (roleid, systemuserid) VALUES (?, ?)", [role_id, system_user]
                )
        iso = base_currency.upper()
        currency_name, symbol = CURRENCIES.get(iso, (iso, iso))
        currency = str(uuid.uuid4())
        store.meta_set("basecurrencyid", currency)
        records.insert(
            org.entities["transactioncurrency"],
            currency,
            {
                "isocurrencycode": iso,
                "currencyname": currency_name,
                "currencysymbol": symbol,
                "currencyprecision": 2,
                "exchangerate": "1",
                "currencytype": 0,
            },
            system_user,
        )
        for attribute, options in ACCOUNT_OPTIONS.items():
            for value, label in options.items():
                store.execute(
                    "INSERT INTO options (entity, attribute, value, label) VALUES ('account', ?, ?, ?)",
                    [attribute, value, label],
                )
        records.insert(
            org.entities["uomschedule"],
            str(uuid.uuid4()),
            {"name": "Default Unit", "baseuomname": "Primary Unit"},
            system_user,
        )
        store.meta_set("seeded", "1")
