"""Google Cloud billing export rule for source_totals.py: BilledCost = cost + sum(credits.amount).

Rows are CSV rows (BigQuery query results): `credits` holds JSON or the Python repr of a list of
dicts. Amounts are taken from their source text (ast source segments / json with Decimal), so the
sum is exact — no float arithmetic anywhere.
"""
import ast
import json
from decimal import Decimal


def _amount_texts_from_repr(text):
    tree = ast.parse(text, mode="eval").body
    if not isinstance(tree, ast.List):
        raise ValueError(f"credits are not a list: {text!r}")
    for element in tree.elts:
        if not isinstance(element, ast.Dict):
            raise ValueError(f"a credit is not a dict: {text!r}")
        for key, value in zip(element.keys, element.values):
            if isinstance(key, ast.Constant) and key.value == "amount":
                if isinstance(value, ast.Constant) and value.value is None:
                    continue
                yield ast.get_source_segment(text, value).replace(" ", "")


def credit_amounts(text):
    """Exact Decimal amounts of a credits cell."""
    text = (text or "").strip()
    if not text:
        return []
    try:
        credits = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError:
        return [Decimal(t) for t in _amount_texts_from_repr(text)]
    return [Decimal(str(c["amount"])) for c in credits if c.get("amount") is not None]


def billed_and_currency(row):
    cost = (row.get("cost") or "").strip()
    total = Decimal(cost) if cost else Decimal(0)
    total += sum(credit_amounts(row.get("credits")), Decimal(0))
    return format(total, "f"), row["currency"]
