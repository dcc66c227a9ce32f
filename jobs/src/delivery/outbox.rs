//! The embedded default transport: an outbox folder of `.eml` files (lettre's file transport),
//! which any mail client opens and which tests read back.

use super::Sent;
use super::message::{Email, Message};
use crate::error::{JobError, Result};
use lettre::FileTransport;
use lettre::Transport;
use std::path::{Path, PathBuf};

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

    /// Writes one plain-text email; returns the file written.
    ///
    /// # Errors
    /// [`JobError::Delivery`] for a bad address, [`JobError::Io`] for an unwritable folder.
    pub fn send(&self, email: &Email) -> Result<PathBuf> {
        Ok(self
            .send_message(&Message::new(email.clone()))?
            .file
            .unwrap_or_default())
    }

    /// Writes one message (any parts); every address is checked before anything is written.
    ///
    /// # Errors
    /// [`JobError::Delivery`] for an invalid message, [`JobError::Io`] for an unwritable folder.
    pub fn send_message(&self, message: &Message) -> Result<Sent> {
        let rendered = message.render()?;
        std::fs::create_dir_all(&self.dir).map_err(|e| JobError::io(self.dir.display(), e))?;
        let id = FileTransport::new(&self.dir)
            .send_raw(&rendered.envelope, &rendered.bytes)
            .map_err(|e| JobError::Delivery {
                reason: format!("cannot write to the outbox {}: {e}", self.dir.display()),
                transient: true,
            })?;
        let file = self.dir.join(format!("{id}.eml"));
        Ok(Sent {
            transport: format!("outbox {}", self.dir.display()),
            recipients: rendered.recipients(),
            message_id: rendered.message_id,
            sha256: rendered.sha256,
            attachments: rendered.attachments,
            attempts: 1,
            server_reply: None,
            file: Some(file),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn date() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn notice(from: &str) -> Email {
        Email {
            from: from.into(),
            to: vec!["oncall@example.com".into()],
            subject: "ingest_aws 2026-10 failed".into(),
            body: "details".into(),
            date: date(),
        }
    }

    #[test]
    fn writes_a_readable_eml() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path().join("outbox"));
        let path = outbox.send(&notice("greenops@example.com")).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("To: oncall@example.com"), "{text}");
        assert!(
            text.contains("Subject: ingest_aws 2026-10 failed"),
            "{text}"
        );
        assert!(text.contains("Date: Fri, 27 Nov 2026 10:00:00"), "{text}");
        assert!(text.contains("Content-Type: text/plain"), "{text}");
        assert!(text.contains("Message-ID: <"), "{text}");
        let err = Outbox::new(dir.path()).send(&notice("nope")).unwrap_err();
        assert!(err.to_string().contains("\"nope\""), "{err}");
    }

    #[test]
    fn a_rich_message_lands_in_the_outbox_with_its_checksums() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path());
        let csv = b"service,cost\ncompute,12.50\n".to_vec();
        let message = Message::new(notice("greenops@example.com"))
            .with_html("<p>costs</p>")
            .with_attachment("costs.csv", "text/csv", csv.clone())
            .with_message_id("run-1.report@greenops");
        let sent = outbox.send_message(&message).unwrap();
        assert_eq!(sent.message_id, "<run-1.report@greenops>");
        assert_eq!(sent.recipients, ["oncall@example.com"]);
        assert_eq!(
            sent.attachments[0].sha256,
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&csv))
        );
        let file = std::fs::read(sent.file.as_ref().unwrap()).unwrap();
        assert_eq!(
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&file)),
            sent.sha256,
            "the file holds exactly the rendered message"
        );
    }
}
