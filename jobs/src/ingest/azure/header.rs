//! Azure cost export headers: which schema a file has, and which of its columns holds each field.
//!
//! Columns are found by name, never by position. A header name is reduced to a *key* before
//! matching: a localised name such as `Kosten (CostInBillingCurrency)` or
//! `Abonnement-GUID (SubscriptionGuid)` stands for the English name in its trailing parentheses;
//! the key is that name in lower case, so `CostInBillingCurrency`, `costInBillingCurrency` and
//! `COSTINBILLINGCURRENCY` agree. A UTF-8 BOM before the first name is ignored. Two columns with the
//! same key make the file ambiguous and are refused.
//!
//! Schemas, recognised in this order:
//! * **FocusCost**: `BilledCost`, `EffectiveCost`, `ChargePeriodStart` and `BillingCurrency` —
//!   mapped by the FOCUS adapter.
//! * **pay-as-you-go usage** (legacy): `PreTaxCost`, or `SubscriptionGuid` with `UsageDateTime`.
//! * **MCA** (Microsoft Customer Agreement) cost details: a cost column plus any column only MCA
//!   writes: `billingCurrency` (EA says `BillingCurrencyCode`), `previousInvoiceId`, `costInUsd`,
//!   `paygCostInBillingCurrency`, `exchangeRatePricingToBilling`, `servicePeriodStartDate`.
//! * **EA** (Enterprise Agreement) cost details: `CostInBillingCurrency` (or the older `Cost`)
//!   with `Date`.

use crate::error::{JobError, Result};
use std::collections::HashMap;

/// The schema family of an Azure cost file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// Enterprise Agreement cost details (PascalCase).
    Ea,
    /// Microsoft Customer Agreement cost details (camelCase).
    Mca,
    /// Legacy pay-as-you-go usage details.
    Payg,
    /// FOCUS columns (`FocusCost` export).
    Focus,
}

impl Schema {
    /// The `x_SourceKind` prefix.
    pub fn source_kind(self) -> &'static str {
        match self {
            Schema::Ea => "azure-ea",
            Schema::Mca => "azure-mca",
            Schema::Payg => "azure-payg",
            Schema::Focus => "azure-focus",
        }
    }
}

/// A resolved header: the schema, and key → column name as written in the file.
#[derive(Debug, Clone)]
pub struct AzureColumns {
    /// Schema family.
    pub schema: Schema,
    by_key: HashMap<String, String>,
}

/// Columns only MCA cost details have.
const MCA_ONLY: &[&str] = &[
    "billingcurrency",
    "previousinvoiceid",
    "costinusd",
    "paygcostinbillingcurrency",
    "exchangeratepricingtobilling",
    "serviceperiodstartdate",
];

impl AzureColumns {
    /// Resolves `header` of `file` (for messages).
    ///
    /// # Errors
    /// [`JobError::BadFile`] for duplicate columns or a header that is no Azure cost schema.
    pub fn resolve(file: &str, header: &[String]) -> Result<Self> {
        let bad = |reason: String| JobError::BadFile {
            file: file.to_string(),
            reason,
        };
        let mut by_key: HashMap<String, String> = HashMap::new();
        for name in header {
            let k = key(name);
            if k.is_empty() {
                continue;
            }
            if let Some(first) = by_key.get(&k) {
                return Err(bad(format!(
                    "duplicate column: {first:?} and {name:?} both name {k:?}; the header is ambiguous"
                )));
            }
            by_key.insert(k, name.clone());
        }
        let has = |k: &str| by_key.contains_key(k);
        let schema = if has("billedcost")
            && has("effectivecost")
            && has("chargeperiodstart")
            && has("billingcurrency")
        {
            Schema::Focus
        } else if has("pretaxcost") || (has("subscriptionguid") && has("usagedatetime")) {
            Schema::Payg
        } else if (has("costinbillingcurrency") || has("cost")) && has("date") {
            if MCA_ONLY.iter().any(|k| has(k)) {
                Schema::Mca
            } else {
                Schema::Ea
            }
        } else {
            let hint = match header {
                [only] if only.contains(';') => {
                    " (the header is one column containing ';': the file seems to be \
                     delimited by ';', Azure exports are comma-separated)"
                }
                _ => "",
            };
            return Err(bad(format!(
                "not a recognisable Azure cost export header: no EA/MCA cost column \
                 (CostInBillingCurrency, Cost) with Date, no pay-as-you-go PreTaxCost, no FocusCost \
                 columns{hint} (header starts {:?})",
                header.iter().take(6).collect::<Vec<_>>()
            )));
        };
        Ok(Self { schema, by_key })
    }

    /// The file's column for the first of `keys` (lower-case English names) it has.
    pub fn get(&self, keys: &[&str]) -> Option<&str> {
        keys.iter()
            .find_map(|k| self.by_key.get(*k))
            .map(String::as_str)
    }
}

/// The matching key of a header name: the English name in trailing parentheses if any, lower
/// case, without a BOM or surrounding spaces.
pub fn key(name: &str) -> String {
    let name = name.trim_start_matches('\u{feff}').trim();
    let english = name
        .strip_suffix(')')
        .and_then(|n| n.rfind('(').map(|i| &n[i + 1..]))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .unwrap_or(name);
    english.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_take_the_english_name() {
        assert_eq!(
            key("Kosten (CostInBillingCurrency)"),
            "costinbillingcurrency"
        );
        assert_eq!(
            key("Abonnement-GUID (SubscriptionGuid)"),
            "subscriptionguid"
        );
        assert_eq!(key("\u{feff}SubscriptionGuid"), "subscriptionguid");
        assert_eq!(key(" costInBillingCurrency "), "costinbillingcurrency");
        assert_eq!(key("odd ()"), "odd ()");
    }

    #[test]
    fn schemas_are_recognised() {
        let s = |v: &[&str]| AzureColumns::resolve("f", &h(v)).map(|c| c.schema);
        assert_eq!(
            s(&["Date", "CostInBillingCurrency", "BillingCurrencyCode"]).ok(),
            Some(Schema::Ea)
        );
        assert_eq!(
            s(&["date", "costInBillingCurrency", "billingCurrency"]).ok(),
            Some(Schema::Mca)
        );
        assert_eq!(
            s(&["SubscriptionGuid", "UsageDateTime", "PreTaxCost"]).ok(),
            Some(Schema::Payg)
        );
        assert_eq!(
            s(&[
                "BilledCost",
                "EffectiveCost",
                "ChargePeriodStart",
                "BillingCurrency"
            ])
            .ok(),
            Some(Schema::Focus)
        );
        assert_eq!(
            s(&["Datum (Date)", "Kosten (CostInBillingCurrency)"]).ok(),
            Some(Schema::Ea)
        );
        assert!(s(&["city", "temperature"]).is_err());
    }

    #[test]
    fn duplicates_and_semicolons_are_refused() {
        let e = AzureColumns::resolve("f.csv", &h(&["Date", "Cost", "cost"])).unwrap_err();
        assert!(e.to_string().contains("duplicate column"), "{e}");
        let e = AzureColumns::resolve("f.csv", &h(&["Date;Cost;Currency"])).unwrap_err();
        assert!(e.to_string().contains("delimited by ';'"), "{e}");
    }
}
