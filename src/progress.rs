//! Progress bars on stderr (hidden when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// A spinner counting rows, with the current phase as its message.
pub struct RowProgress {
    bar: ProgressBar,
}

impl RowProgress {
    /// A new spinner.
    pub fn new() -> Self {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg:<18} {human_pos:>12} rows  {per_sec:>14}  {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Self { bar }
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl jobs::ingest::Progress for RowProgress {
    fn start(&self, files: usize, bytes: u64) {
        self.bar.println(format!(
            "Reading {files} file(s), {}",
            indicatif::HumanBytes(bytes)
        ));
    }

    fn rows(&self, rows: u64) {
        self.bar.inc(rows);
    }

    fn phase(&self, name: &str) {
        self.bar.set_message(name.to_string());
    }
}
