//! The `reports` section of `orchestration.yaml`: templates, the digest's budget and who
//! receives each report.
//!
//! ```yaml
//! reports:
//!   templates: config/templates     # a copy of templates/ to edit; default: built in
//!   budget: 45000                    # monthly, billing currency (daily digest)
//!   recipients:
//!     daily-digest: [finops@example.com]
//!     esg-monthly: [sustainability@example.com]
//!     sox-monthly: [controller@example.com]
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole `reports` section.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// Folder of templates overriding the built-in ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<PathBuf>,
    /// Monthly budget in the billing currency, for the daily digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    /// Recipients per report name (`daily-digest`, `esg-monthly`, `sox-monthly`).
    #[serde(default)]
    pub recipients: BTreeMap<String, Vec<String>>,
    /// Sender (default: `notifications.from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// SMTP server; without it reports go to the outbox folder (`notifications.outbox`) as
    /// `.eml` files. Credentials are named by environment variable (`username_env`,
    /// `password_env`), never written here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp: Option<jobs::delivery::SmtpSettings>,
}

impl ReportSettings {
    /// Problems a loader cannot see: unknown report names, a missing template folder, a
    /// negative budget. Each names its key.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(dir) = &self.templates
            && let Err(e) = reports::Renderer::from_dir(dir)
        {
            out.push(format!("reports.templates: {e}"));
        }
        if let Some(b) = self.budget
            && !(b.is_finite() && b >= 0.0)
        {
            out.push(format!("reports.budget must be a number ≥ 0 (got {b})"));
        }
        for (name, addresses) in &self.recipients {
            if let Err(e) = name.parse::<reports::ReportKind>() {
                out.push(format!("reports.recipients: {e}"));
            }
            for address in addresses {
                if !super::dag::looks_like_email(address) {
                    out.push(format!(
                        "reports.recipients.{name}: `{address}` is not an email address"
                    ));
                }
            }
        }
        out
    }
}

impl ReportSettings {
    /// Where reports go: the `smtp` server when set, else `.eml` files in `outbox`.
    pub fn delivery(&self, outbox: &Path) -> jobs::delivery::Delivery {
        match &self.smtp {
            Some(settings) => jobs::delivery::Smtp::new(settings.clone()).into(),
            None => jobs::delivery::Outbox::new(outbox).into(),
        }
    }
}
