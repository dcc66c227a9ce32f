//! What can go wrong while rendering.

use std::path::PathBuf;

/// A report that could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A template file is missing from a template folder.
    #[error(
        "template folder {dir}: {file} is missing (a folder overriding the templates must hold all of {expected})"
    )]
    MissingTemplate {
        /// The folder.
        dir: PathBuf,
        /// The missing file.
        file: String,
        /// Every file a folder must hold.
        expected: String,
    },
    /// A template does not parse or refers to something the report does not have.
    #[error("template {template}: {reason}")]
    Template {
        /// Template name.
        template: String,
        /// The full tera error chain (names the variable and line).
        reason: String,
    },
    /// Reading a template folder failed.
    #[error("{path}: {source}")]
    Io {
        /// File or folder.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A chart could not be drawn.
    #[error("chart {chart}: {reason}")]
    Chart {
        /// File name of the chart.
        chart: String,
        /// Cause.
        reason: String,
    },
}

impl ReportError {
    /// A tera error with its whole chain of causes (tera puts the useful part in the source).
    pub(crate) fn template(template: &str, e: &tera::Error) -> Self {
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            reason.push_str(": ");
            reason.push_str(&s.to_string());
            source = s.source();
        }
        ReportError::Template {
            template: template.to_string(),
            reason,
        }
    }
}
