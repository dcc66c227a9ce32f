"""Azure cost exports: the BilledCost rule of an *actual* (or FocusCost) row, in plain Python.

billed_and_currency(row) -> (cost text, currency) for a csv.DictReader row (BOM already removed
by utf-8-sig). Header names are matched ignoring case, and a localised name such as
"Kosten (CostInBillingCurrency)" counts as the English name in its parentheses.

Cost, first column present: CostInBillingCurrency (EA/MCA) / Cost (older EA) / PreTaxCost (PAYG);
FocusCost files: BilledCost.
Currency, first column present: BillingCurrencyCode (EA) / BillingCurrency (MCA, FocusCost) /
Currency (PAYG).
"""

COST = ("billedcost", "costinbillingcurrency", "cost", "pretaxcost")
CURRENCY = ("billingcurrencycode", "billingcurrency", "currency")


def english(name):
    name = name.strip()
    if name.endswith(")") and "(" in name:
        inner = name[name.rindex("(") + 1 : -1].strip()
        if inner:
            name = inner
    return name.lower()


def billed_and_currency(row):
    by_key = {english(k): v for k, v in row.items() if k is not None}
    cost = next((by_key[k] for k in COST if k in by_key), None)
    currency = next((by_key[k] for k in CURRENCY if k in by_key), None)
    return cost, (currency or "").strip()
