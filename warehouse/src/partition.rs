//! Partition keys of the cost table and their hive-style folder names.

use crate::error::{Result, WarehouseError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The unit of replacement in the cost table: one provider's billing account for one billing month.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartitionKey {
    /// Provider slug: `aws`, `azure`, `gcp`, `oci`, or a slug of the FOCUS ProviderName.
    pub provider: String,
    /// Billing account id as the provider writes it.
    pub billing_account: String,
    /// Billing period, `YYYY-MM`.
    pub billing_period: String,
}

impl PartitionKey {
    /// Builds a key, checking the billing period's shape.
    ///
    /// # Errors
    /// [`WarehouseError::InvalidPartition`] for empty values or a period that is not `YYYY-MM`.
    pub fn new(provider: &str, billing_account: &str, billing_period: &str) -> Result<Self> {
        let bad = |column: &str, value: &str, reason: &str| WarehouseError::InvalidPartition {
            column: column.into(),
            value: value.into(),
            reason: reason.into(),
        };
        if provider.is_empty() {
            return Err(bad("provider", provider, "empty"));
        }
        if billing_account.is_empty() {
            return Err(bad("billing_account", billing_account, "empty"));
        }
        if !is_billing_period(billing_period) {
            return Err(bad("billing_period", billing_period, "expected YYYY-MM"));
        }
        Ok(Self {
            provider: provider.into(),
            billing_account: billing_account.into(),
            billing_period: billing_period.into(),
        })
    }

    /// The folder of this partition relative to the table folder:
    /// `provider=…/billing_account=…/billing_period=YYYY-MM`.
    pub fn relative_dir(&self) -> String {
        format!(
            "provider={}/billing_account={}/billing_period={}",
            encode_value(&self.provider),
            encode_value(&self.billing_account),
            encode_value(&self.billing_period)
        )
    }
}

impl fmt::Display for PartitionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.provider, self.billing_account, self.billing_period
        )
    }
}

/// Whether `s` looks like `YYYY-MM` with a month 01–12.
pub fn is_billing_period(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(s[5..].parse::<u8>(), Ok(1..=12))
}

/// The folder-name form of a partition value. Values made only of `[A-Za-z0-9._-]` are used as
/// they are; anything else has each run of other characters replaced by `_` and `_x` + a short hash of
/// the original appended (`/providers/x` → `providers_x_x1a2b3c4d`), so names stay readable, safe
/// in every store and tool, and distinct. The exact value is in the manifest and in the data.
pub fn encode_value(value: &str) -> String {
    if !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 9);
    for ch in value.chars() {
        if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-') {
            out.push(ch);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let digest = crate::staging::sha256_hex(value.as_bytes());
    format!("{}_x{}", out.trim_matches('_'), &digest[..8])
}

/// An inclusive range filter on partitions, used by scans and exports.
#[derive(Debug, Clone, Default)]
pub struct PartitionFilter {
    /// Only these providers (empty = all).
    pub providers: Vec<String>,
    /// Only these billing accounts (empty = all).
    pub billing_accounts: Vec<String>,
    /// First billing period, `YYYY-MM`, inclusive.
    pub from_period: Option<String>,
    /// Last billing period, `YYYY-MM`, inclusive.
    pub to_period: Option<String>,
}

impl PartitionFilter {
    /// Whether `key` passes the filter.
    pub fn matches(&self, key: &PartitionKey) -> bool {
        (self.providers.is_empty() || self.providers.contains(&key.provider))
            && (self.billing_accounts.is_empty()
                || self.billing_accounts.contains(&key.billing_account))
            && self
                .from_period
                .as_deref()
                .is_none_or(|f| key.billing_period.as_str() >= f)
            && self
                .to_period
                .as_deref()
                .is_none_or(|t| key.billing_period.as_str() <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_safe_and_distinct() {
        let key = PartitionKey::new("azure", "/providers/Billing/1234:5678", "2024-09").unwrap();
        let dir = key.relative_dir();
        assert!(
            dir.starts_with("provider=azure/billing_account=providers_Billing_1234_5678_x"),
            "{dir}"
        );
        let other = PartitionKey::new("azure", "providers_Billing_1234_5678", "2024-09").unwrap();
        assert_ne!(other.relative_dir(), dir);
        assert_eq!(encode_value("123456789012"), "123456789012");
    }

    #[test]
    fn rejects_bad_periods() {
        assert!(PartitionKey::new("aws", "1", "2024-13").is_err());
        assert!(PartitionKey::new("aws", "1", "202409").is_err());
        assert!(PartitionKey::new("aws", "", "2024-09").is_err());
    }

    #[test]
    fn filter_is_inclusive() {
        let f = PartitionFilter {
            from_period: Some("2024-02".into()),
            to_period: Some("2024-03".into()),
            ..Default::default()
        };
        let k = |p: &str| PartitionKey::new("aws", "1", p).unwrap();
        assert!(!f.matches(&k("2024-01")));
        assert!(f.matches(&k("2024-02")));
        assert!(f.matches(&k("2024-03")));
        assert!(!f.matches(&k("2024-04")));
    }
}
