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

use super::config::LoadedConfig;
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
        for name in self.recipients.keys() {
            if let Err(e) = name.parse::<reports::ReportKind>() {
                out.push(format!("reports.recipients: {e}"));
            }
        }
        out
    }
}

/// The `reports` section of the config at `path`, or the defaults when there is no file.
///
/// # Errors
/// A config file that exists but does not load.
pub fn load_or_default(path: &Path) -> anyhow::Result<ReportSettings> {
    if !path.exists() {
        return Ok(ReportSettings::default());
    }
    Ok(LoadedConfig::load(path)?.config.reports)
}
