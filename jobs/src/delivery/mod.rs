//! Delivery of messages to people: failure notices and rendered reports.
//!
//! A [`Message`] (an [`Email`]'s headers and text, plus optional HTML, inline PNG images and
//! attachments) is rendered deterministically and sent by a [`Delivery`]: the embedded default
//! [`Outbox`] (a folder of `.eml` files) or [`Smtp`] (a real server, with retries of transient
//! failures). Every address is validated before anything is sent, and [`Sent`] reports the
//! `Message-ID`, the recipients and a SHA-256 of every attachment for the ledger.

mod message;
mod outbox;
mod smtp;

pub use message::{Attachment, Email, InlineImage, Message, Rendered};
pub use outbox::Outbox;
pub use smtp::{Retry, Smtp, SmtpSettings, SmtpTls};

use crate::error::{JobError, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where messages go.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// `.eml` files in a folder (the embedded default).
    Outbox(Outbox),
    /// An SMTP server.
    Smtp(Smtp),
}

impl From<Outbox> for Delivery {
    fn from(outbox: Outbox) -> Self {
        Delivery::Outbox(outbox)
    }
}

impl From<Smtp> for Delivery {
    fn from(smtp: Smtp) -> Self {
        Delivery::Smtp(smtp)
    }
}

impl Delivery {
    /// Validates and sends one message.
    ///
    /// # Errors
    /// [`JobError::Delivery`] (see [`Smtp::send`]; `transient` tells whether a retry may
    /// succeed), or [`JobError::Io`] when the outbox cannot be written.
    pub async fn send(&self, message: &Message) -> Result<Sent> {
        match self {
            Delivery::Outbox(outbox) => {
                let (outbox, message) = (outbox.clone(), message.clone());
                tokio::task::spawn_blocking(move || outbox.send_message(&message))
                    .await
                    .map_err(|e| JobError::Delivery {
                        reason: format!("writing to the outbox stopped: {e}"),
                        transient: false,
                    })?
            }
            Delivery::Smtp(smtp) => smtp.send(message).await,
        }
    }

    /// What the transport is, for logs and the ledger, e.g. `smtp mail.example.com:587 (starttls)`.
    pub fn describe(&self) -> String {
        match self {
            Delivery::Outbox(outbox) => format!("outbox {}", outbox.dir().display()),
            Delivery::Smtp(smtp) => smtp.describe(),
        }
    }
}

/// What was delivered, for the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// `Message-ID` with angle brackets, e.g. `<run-id.report@greenops>`.
    pub message_id: String,
    /// The transport, as [`Delivery::describe`] puts it.
    pub transport: String,
    /// Envelope recipients (plain addresses, in order).
    pub recipients: Vec<String>,
    /// SHA-256 (hex) of the whole message as sent.
    pub sha256: String,
    /// Every attachment (inline images excluded), in order.
    pub attachments: Vec<SentAttachment>,
    /// Attempts it took (1 unless transient failures were retried).
    pub attempts: u32,
    /// The SMTP server's final reply, e.g. `250 2.0.0 queued as 1234`.
    pub server_reply: Option<String>,
    /// The `.eml` file written by an [`Outbox`].
    pub file: Option<PathBuf>,
}

/// An attachment as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentAttachment {
    /// File name.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 (hex) of the content.
    pub sha256: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[tokio::test]
    async fn the_outbox_delivers_through_the_common_interface() {
        let dir = tempfile::tempdir().unwrap();
        let delivery = Delivery::from(Outbox::new(dir.path()));
        assert_eq!(
            delivery.describe(),
            format!("outbox {}", dir.path().display())
        );
        let email = Email {
            from: "greenops@example.com".into(),
            to: vec!["a@example.com".into()],
            subject: "s".into(),
            body: "b".into(),
            date: DateTime::parse_from_rfc3339("2026-11-02T07:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        };
        let sent = delivery.send(&Message::from(email)).await.unwrap();
        assert_eq!(sent.transport, delivery.describe());
        assert_eq!(sent.attempts, 1);
        assert!(sent.file.unwrap().starts_with(dir.path()));
    }
}
