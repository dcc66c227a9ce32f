//! Delivery of messages to people: failure notices now, rendered reports later.
//!
//! The embedded default is an outbox folder of `.eml` files (lettre's file transport), which any
//! mail client opens and which tests read back; SMTP arrives with the reports job.

use crate::error::{JobError, Result};
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{FileTransport, Message, Transport};
use std::path::{Path, PathBuf};

/// A plain-text email.
#[derive(Debug, Clone)]
pub struct Email {
    /// Sender.
    pub from: String,
    /// Recipients.
    pub to: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Body text.
    pub body: String,
    /// Date header (from the run's clock, not the wall clock).
    pub date: DateTime<Utc>,
}

/// Writes emails as `.eml` files into a folder.
#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    /// An outbox in `dir` (created on first send).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Outbox { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one email; returns the file written.
    ///
    /// # Errors
    /// [`JobError::Delivery`] for a bad address or an unwritable folder.
    pub fn send(&self, email: &Email) -> Result<PathBuf> {
        let bad =
            |what: &str, e: &dyn std::fmt::Display| JobError::Delivery(format!("{what}: {e}"));
        let from: Mailbox = email.from.parse().map_err(|e| bad(&email.from, &e))?;
        let mut builder = Message::builder()
            .from(from)
            .subject(email.subject.clone())
            .date(email.date.into())
            .header(ContentType::TEXT_PLAIN);
        for to in &email.to {
            builder = builder.to(to.parse().map_err(|e| bad(to, &e))?);
        }
        let message = builder
            .body(email.body.clone())
            .map_err(|e| bad("building the message", &e))?;
        std::fs::create_dir_all(&self.dir).map_err(|e| JobError::io(self.dir.display(), e))?;
        let id = FileTransport::new(&self.dir)
            .send(&message)
            .map_err(|e| bad(&self.dir.display().to_string(), &e))?;
        Ok(self.dir.join(format!("{id}.eml")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_readable_eml() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path().join("outbox"));
        let date = DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let path = outbox
            .send(&Email {
                from: "greenops@example.com".into(),
                to: vec!["oncall@example.com".into()],
                subject: "ingest_aws 2026-10 failed".into(),
                body: "details".into(),
                date,
            })
            .unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("To: oncall@example.com"), "{text}");
        assert!(
            text.contains("Subject: ingest_aws 2026-10 failed"),
            "{text}"
        );
        assert!(text.contains("Date: Fri, 27 Nov 2026 10:00:00"), "{text}");
        assert!(
            Outbox::new(dir.path())
                .send(&Email {
                    from: "nope".into(),
                    ..Email {
                        from: String::new(),
                        to: vec![],
                        subject: String::new(),
                        body: String::new(),
                        date
                    }
                })
                .is_err()
        );
    }
}
