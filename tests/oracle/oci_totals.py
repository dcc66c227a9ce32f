"""OCI cost report rule for the source-totals oracle (imported by source_totals.py).

BilledCost is `cost/myCost` (not `cost/myCostOverage`, which focus_converters maps by mistake);
the currency is `cost/currencyCode`. Values are returned as text so the caller sums them with
Decimal (E-notation such as `2.323760000E-9` included).
"""


def billed_and_currency(row):
    return row["cost/myCost"], row["cost/currencyCode"]
