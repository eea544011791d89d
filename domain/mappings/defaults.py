"""The default table mappings (DOMAIN.md; field mappings after BC ref §2's
modern set), seeded on enable and by `resetTableMappings`. Every value here is
editable data afterwards.

Dataverse facts used: `customertypecode` 3 = Customer; product `producttypecode`
1 = Sales Inventory, 3 = Services; productpricelevel `pricingmethodcode`
1 = Currency Amount; account/contact `statecode` 0 = Active; salesorder
`statecode` 1 = Submitted. `{lcy}` in a key template is the local currency's code.
"""

from __future__ import annotations

from domain.mappings.model import (
    DeletionConflictResolution,
    FieldMapping,
    SyncDirection,
    TableMapping,
    Transform,
)

TO, FROM, BOTH = SyncDirection.TO_CRM, SyncDirection.FROM_CRM, SyncDirection.BIDIRECTIONAL
LCY = "{lcy}"  # a blank currency code is the local currency
ERP_NUMBER = "couplet_erpnumber"  # added to account and product by Couplet's solution


def f(
    erp: str | None,
    crm: str | None,
    direction: SyncDirection = BOTH,
    *,
    use_for_matching: bool = False,
    match_priority: int = 0,
    enabled: bool = True,
    transform: Transform | None = None,
) -> FieldMapping:
    return FieldMapping(
        erp,
        crm,
        direction,
        transform=transform,
        use_for_matching=use_for_matching,
        match_priority=match_priority,
        enabled=enabled,
    )


def lookup(
    erp: str,
    crm: str,
    direction: SyncDirection,
    mapping: str,
    template: str | None = None,
    *,
    blank_means: str | None = None,
    not_null: bool = False,
    clear_on_failed_lookup: bool = False,
    use_for_matching: bool = False,
) -> FieldMapping:
    return FieldMapping(
        erp,
        crm,
        direction,
        transform=Transform.lookup(mapping, template, blank_means),
        not_null=not_null,
        clear_on_failed_lookup=clear_on_failed_lookup,
        use_for_matching=use_for_matching,
    )


def const(crm: str, value: object) -> FieldMapping:
    return FieldMapping(None, crm, TO, constant=value)


def option_mapping(name: str, table: str, attribute: str) -> TableMapping:
    return TableMapping(
        name,
        table,
        "account",
        TO,
        crm_option_attribute=attribute,
        interval_minutes=30,
        fields=(f("code", "label", TO, use_for_matching=True),),
    )


ADDRESS = (
    f("address", "address1_line1"),
    f("address_2", "address1_line2"),
    f("post_code", "address1_postalcode"),
    f("city", "address1_city"),
    f("country_code", "address1_country"),
    f("county", "address1_stateorprovince"),
)

DEFAULT_MAPPINGS: tuple[TableMapping, ...] = (
    TableMapping(
        "SALESPEOPLE",
        "salesperson",
        "systemuser",
        FROM,
        number_series="SP",
        crm_filter="isdisabled eq false and islicensed eq true and isintegrationuser eq false",
        fields=(
            f("email", "internalemailaddress", FROM, use_for_matching=True),
            f("name", "fullname", FROM, use_for_matching=True, match_priority=1),
            f("phone", "mobilephone", FROM),
            f("job_title", "jobtitle", BOTH, enabled=False),
        ),
    ),
    TableMapping(
        "CURRENCY",
        "currency",
        "transactioncurrency",
        TO,
        sync_after_coupling=True,
        create_if_no_match=True,
        fields=(
            f("code", "isocurrencycode", TO, use_for_matching=True),
            f("symbol", "currencysymbol", TO),
            f("description", "currencyname", TO),
            f("exchange_rate", "exchangerate", TO, transform=Transform.named("reciprocal")),
            const("currencyprecision", 2),
        ),
    ),
    option_mapping("PAYMENT TERMS", "payment_terms", "paymenttermscode"),
    option_mapping("SHIPMENT METHOD", "shipment_method", "address1_freighttermscode"),
    option_mapping("SHIPPING AGENT", "shipping_agent", "address1_shippingmethodcode"),
    TableMapping(
        "UNIT GROUP",
        "unit_group",
        "uomschedule",
        TO,
        sync_after_coupling=True,
        create_if_no_match=True,
        fields=(
            f("code", "name", TO, use_for_matching=True),
            f("base_unit_of_measure", "baseuomname", TO),  # Dataverse creates the base unit with the group
        ),
    ),
    TableMapping(
        "ITEM UOM",
        "item_unit_of_measure",
        "uom",
        TO,
        depends_on=("UNIT GROUP",),
        fields=(
            f("code", "name", TO, use_for_matching=True),
            f("qty_per_unit", "quantity", TO),
            lookup("item_no", "uomscheduleid", TO, "UNIT GROUP", "ITEM-{value}", use_for_matching=True),
        ),
    ),
    TableMapping(
        "RESOURCE UOM",
        "resource_unit_of_measure",
        "uom",
        TO,
        depends_on=("UNIT GROUP",),
        fields=(
            f("code", "name", TO, use_for_matching=True),
            f("qty_per_unit", "quantity", TO),
            lookup(
                "resource_no", "uomscheduleid", TO, "UNIT GROUP", "RESOURCE-{value}", use_for_matching=True
            ),
        ),
    ),
    TableMapping(
        "CUSTOMER",
        "customer",
        "account",
        BOTH,
        number_series="C",
        depends_on=("SALESPEOPLE", "CURRENCY", "PAYMENT TERMS", "SHIPMENT METHOD", "SHIPPING AGENT"),
        erp_filter="blocked eq false",
        crm_filter="statecode eq 0 and customertypecode eq 3",
        fields=(
            lookup("salesperson_code", "ownerid", TO, "SALESPEOPLE", not_null=True),
            f("name", "name", use_for_matching=True),
            f("contact", "address1_primarycontactname"),
            *ADDRESS,
            lookup("currency_code", "transactioncurrencyid", BOTH, "CURRENCY", blank_means=LCY),
            f("email", "emailaddress1"),
            f("fax", "fax"),
            f("home_page", "websiteurl"),
            f("phone", "telephone1"),
            f(
                "shipment_method_code",
                "address1_freighttermscode",
                transform=Transform.option("SHIPMENT METHOD"),
            ),
            f(
                "shipping_agent_code",
                "address1_shippingmethodcode",
                transform=Transform.option("SHIPPING AGENT"),
            ),
            f("payment_terms_code", "paymenttermscode", transform=Transform.option("PAYMENT TERMS")),
            f("credit_limit", "creditlimit", TO),
            lookup("primary_contact_no", "primarycontactid", BOTH, "CONTACT", clear_on_failed_lookup=True),
            const("customertypecode", 3),
            f("no", "accountnumber", TO, enabled=False),
            f("no", ERP_NUMBER, TO, enabled=False),
        ),
    ),
    TableMapping(
        "CONTACT",
        "contact",
        "contact",
        BOTH,
        depends_on=("CUSTOMER",),
        number_series="CT",
        erp_filter="type eq 'PERSON' and company_no ne null",
        crm_filter="_parentcustomerid_value ne null and statecode eq 0",
        fields=(
            lookup("salesperson_code", "ownerid", TO, "SALESPEOPLE", not_null=True),
            lookup("company_no", "parentcustomerid", BOTH, "CUSTOMER"),
            f("first_name", "firstname", use_for_matching=True),
            f("middle_name", "middlename"),
            f("last_name", "lastname", use_for_matching=True),
            f("email", "emailaddress1", use_for_matching=True, match_priority=1),
            *ADDRESS,
            lookup("currency_code", "transactioncurrencyid", BOTH, "CURRENCY", blank_means=LCY),
            f("fax", "fax"),
            f("home_page", "websiteurl"),
            f("mobile_phone", "mobilephone"),
            f("phone", "telephone1"),
            f("job_title", "jobtitle"),
            FieldMapping("type", None, FROM, constant="PERSON"),
        ),
    ),
    TableMapping(
        "ITEM-PRODUCT",
        "item",
        "product",
        BOTH,
        depends_on=("ITEM UOM",),
        number_series="I",
        erp_filter="blocked eq false",
        crm_filter="producttypecode eq 1 and statecode ne 1",
        interval_minutes=30,
        fields=(
            f("no", "productnumber", TO, use_for_matching=True),
            f("description", "name"),
            f("unit_price", "price", TO),
            f("unit_cost", "standardcost", TO),
            f("unit_cost", "currentcost", TO),
            f("unit_volume", "stockvolume", TO),
            f("gross_weight", "stockweight", TO),
            f("vendor_no", "vendorid", TO),
            f("vendor_item_no", "vendorpartnumber", TO),
            lookup("no", "defaultuomscheduleid", TO, "UNIT GROUP", "ITEM-{value}"),
            lookup("base_unit_of_measure", "defaultuomid", TO, "ITEM UOM", "{no}|{value}"),
            lookup("no", "transactioncurrencyid", TO, "CURRENCY", "{lcy}"),
            const("producttypecode", 1),
            const("quantitydecimal", 2),
            f("no", ERP_NUMBER, TO, enabled=False),
        ),
    ),
    TableMapping(
        "RESOURCE-PRODUCT",
        "resource",
        "product",
        BOTH,
        depends_on=("RESOURCE UOM",),
        number_series="R",
        erp_filter="blocked eq false",
        crm_filter="producttypecode eq 3 and statecode ne 1",
        interval_minutes=30,
        fields=(
            f("no", "productnumber", TO, use_for_matching=True),
            f("name", "name"),
            f("unit_price", "price", TO),
            f("unit_cost", "standardcost", TO),
            f("unit_cost", "currentcost", TO),
            f("vendor_no", "vendorid", TO),
            lookup("no", "defaultuomscheduleid", TO, "UNIT GROUP", "RESOURCE-{value}"),
            lookup("base_unit_of_measure", "defaultuomid", TO, "RESOURCE UOM", "{no}|{value}"),
            lookup("no", "transactioncurrencyid", TO, "CURRENCY", "{lcy}"),
            const("producttypecode", 3),
            const("quantitydecimal", 2),
            f("no", ERP_NUMBER, TO, enabled=False),
        ),
    ),
    TableMapping(
        "CUSTPRCGRP-PRICE",
        "customer_price_group",
        "pricelevel",
        TO,
        depends_on=("CURRENCY", "ITEM-PRODUCT"),
        interval_minutes=30,
        fields=(
            f("code", "name", TO, use_for_matching=True),
            f("description", "description", TO),
            lookup("code", "transactioncurrencyid", TO, "CURRENCY", "{lcy}"),
        ),
    ),
    TableMapping(
        "SALESPRC-PRODPRICE",
        "sales_price",
        "productpricelevel",
        TO,
        only_coupled=False,
        depends_on=("CUSTPRCGRP-PRICE", "ITEM-PRODUCT"),
        interval_minutes=30,
        # a CRM price list has one currency (the local one, CUSTPRCGRP-PRICE) and its items take
        # it from the list, so prices in other currencies stay in the ERP, as BC's do
        erp_filter="sales_type eq 'CUSTOMER_PRICE_GROUP' and item_no ne null and minimum_quantity eq 0 "
        "and currency_code eq null",
        fields=(
            lookup("sales_code", "pricelevelid", TO, "CUSTPRCGRP-PRICE"),
            lookup("item_no", "productid", TO, "ITEM-PRODUCT"),
            lookup("unit_of_measure", "uomid", TO, "ITEM UOM", "{item_no}|{value}"),
            const("pricingmethodcode", 1),
            f("unit_price", "amount", TO),
        ),
    ),
    TableMapping(
        "SALESORDER-ORDER",
        "sales_order",
        "salesorder",
        FROM,
        enabled=False,
        # DOMAIN.md marks it only-coupled, but then a submitted order would never arrive on its
        # own: every submitted order is created in the ERP by the mapping's sync (BC's "Auto
        # Create Sales Orders"), once, with its lines
        only_coupled=False,
        depends_on=("CUSTOMER", "ITEM-PRODUCT", "RESOURCE-PRODUCT"),
        crm_filter="statecode eq 1",
        number_series="SO",
        fields=(
            f("your_reference", "ordernumber", FROM),
            f("external_document_no", "name", FROM),
            lookup("sell_to_customer_no", "customerid", FROM, "CUSTOMER"),
            lookup("currency_code", "transactioncurrencyid", FROM, "CURRENCY", blank_means=LCY),
            f("requested_delivery_date", "requestdeliveryby", FROM),
            f("no", ERP_NUMBER, TO, enabled=False),
        ),
    ),
    TableMapping(
        "SOLINE-ORDERDETAIL",
        "sales_line",
        "salesorderdetail",
        FROM,
        enabled=False,
        only_coupled=False,
        parent="SALESORDER-ORDER",
        depends_on=("SALESORDER-ORDER",),
        deletion_conflict_resolution=DeletionConflictResolution.REMOVE_COUPLING,
        fields=(
            lookup("no", "productid", FROM, "ITEM-PRODUCT"),  # or RESOURCE-PRODUCT (domain/sync/documents.py)
            lookup(
                "unit_of_measure", "uomid", FROM, "ITEM UOM", "{no}|{value}", clear_on_failed_lookup=True
            ),  # a unit not coupled: the base unit
            f("quantity", "quantity", FROM),
            f("unit_price", "priceperunit", FROM),
            f("line_discount", "manualdiscountamount", FROM),
            f("quantity_shipped", "quantityshipped", BOTH),
        ),
    ),
)

DEFAULTS_BY_NAME = {m.name: m for m in DEFAULT_MAPPINGS}

__all__ = ["DEFAULTS_BY_NAME", "DEFAULT_MAPPINGS"]
