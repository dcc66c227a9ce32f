//! What is delivered: the [`Email`] headers and text, and the richer [`Message`] with an HTML
//! alternative, inline PNG images and attachments, rendered into deterministic MIME bytes.

use super::SentAttachment;
use crate::error::{JobError, Result};
use chrono::{DateTime, Utc};
use lettre::Address;
use lettre::address::Envelope;
use lettre::message::header::{ContentTransferEncoding, ContentType, MessageId};
use lettre::message::{
    Attachment as MimeAttachment, Body as MimeBody, Mailbox, MultiPart, SinglePart,
};
use sha2::{Digest, Sha256};

/// A plain-text email: the headers and the text body every message has.
///
/// Send it as is (failure notices) or wrap it in a [`Message`] to add an HTML body, inline images
/// and attachments.
#[derive(Debug, Clone)]
pub struct Email {
    /// Sender, `addr@example.com` or `Name <addr@example.com>`.
    pub from: String,
    /// Recipients, same syntax as `from`.
    pub to: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Body text (the `text/plain` part).
    pub body: String,
    /// Date header (from the run's clock, not the wall clock).
    pub date: DateTime<Utc>,
}

/// A file attached to a [`Message`]: the same type a rendered report carries.
pub use reports::Attachment;

/// A PNG image shown inside the HTML body, referenced there as `<img src="cid:CONTENT_ID">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineImage {
    /// The id the HTML refers to (without `cid:` and without angle brackets), e.g. `chart-costs`.
    pub content_id: String,
    /// PNG bytes.
    pub bytes: Vec<u8>,
}

/// An [`Email`] with optional HTML, inline images, attachments and a fixed `Message-ID`.
///
/// Rendering is deterministic: MIME boundaries derive from the content, the `Date` comes from
/// [`Email::date`] and the `Message-ID` from [`Message::message_id`] (or, when unset, from the
/// content), so the same report rendered twice gives byte-identical messages.
#[derive(Debug, Clone)]
pub struct Message {
    /// Headers and the plain-text body.
    pub email: Email,
    /// HTML body, sent as a `multipart/alternative` with the text (the text stays the fallback).
    pub html: Option<String>,
    /// PNG images the HTML shows; they require [`Message::html`] to reference each of them.
    pub inline_images: Vec<InlineImage>,
    /// Attached files.
    pub attachments: Vec<Attachment>,
    /// `Message-ID`, e.g. `run-id.report@greenops` (angle brackets optional). `None` derives one
    /// from the content.
    pub message_id: Option<String>,
}

impl From<Email> for Message {
    fn from(email: Email) -> Self {
        Message::new(email)
    }
}

impl Message {
    /// A message with only the email's plain text.
    pub fn new(email: Email) -> Self {
        Message {
            email,
            html: None,
            inline_images: Vec::new(),
            attachments: Vec::new(),
            message_id: None,
        }
    }

    /// Sets the HTML body.
    pub fn with_html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    /// Adds a PNG shown in the HTML as `cid:<content_id>`.
    pub fn with_inline_png(mut self, content_id: impl Into<String>, bytes: Vec<u8>) -> Self {
        self.inline_images.push(InlineImage {
            content_id: content_id.into(),
            bytes,
        });
        self
    }

    /// Attaches a file.
    pub fn with_attachment(
        mut self,
        filename: impl Into<String>,
        content_type: impl Into<String>,
        bytes: Vec<u8>,
    ) -> Self {
        self.attachments.push(Attachment {
            filename: filename.into(),
            content_type: content_type.into(),
            bytes,
        });
        self
    }

    /// Sets the `Message-ID` (angle brackets optional), e.g. `run-id.report@greenops`.
    pub fn with_message_id(mut self, id: impl Into<String>) -> Self {
        self.message_id = Some(id.into());
        self
    }

    /// Validates every address and part and renders the MIME bytes, without sending anything.
    ///
    /// # Errors
    /// [`JobError::Delivery`] (permanent) naming the bad address, content type, content id or
    /// `Message-ID`.
    pub fn render(&self) -> Result<Rendered> {
        let email = &self.email;
        let from: Mailbox = email
            .from
            .parse()
            .map_err(|e| invalid(format!("invalid sender address {:?}: {e}", email.from)))?;
        if email.to.is_empty() {
            return Err(invalid("the message has no recipients".into()));
        }
        let mut to = Vec::with_capacity(email.to.len());
        for raw in &email.to {
            let mailbox: Mailbox = raw
                .parse()
                .map_err(|e| invalid(format!("invalid recipient address {raw:?}: {e}")))?;
            to.push(mailbox);
        }
        let digest = self.content_digest();
        let message_id = match &self.message_id {
            Some(id) => normalise_message_id(id)?,
            None => format!("<{}@{}>", &digest[..32], from.email.domain()),
        };
        let part = self.mime_body(&digest)?;

        let mut builder = lettre::Message::builder()
            .from(from.clone())
            .subject(email.subject.clone())
            .date(email.date.into())
            .header(MessageId::from(message_id.clone()));
        for mailbox in &to {
            builder = builder.to(mailbox.clone());
        }
        let built = match part {
            Body::Text => builder
                .header(ContentType::TEXT_PLAIN)
                .body(email.body.clone()),
            Body::Multi(multi) => builder.multipart(multi),
        }
        .map_err(|e| invalid(format!("cannot build the message: {e}")))?;
        let bytes = built.formatted();
        let recipients: Vec<Address> = to.into_iter().map(|m| m.email).collect();
        let envelope = Envelope::new(Some(from.email), recipients)
            .map_err(|e| invalid(format!("cannot build the envelope: {e}")))?;
        Ok(Rendered {
            sha256: hex::encode(Sha256::digest(&bytes)),
            message_id,
            attachments: self
                .attachments
                .iter()
                .map(|a| SentAttachment {
                    filename: a.filename.clone(),
                    content_type: a.content_type.clone(),
                    bytes: a.bytes.len() as u64,
                    sha256: hex::encode(Sha256::digest(&a.bytes)),
                })
                .collect(),
            envelope,
            bytes,
        })
    }

    /// The MIME tree: text, or mixed(alternative(text, related(html, images...)), attachments...).
    fn mime_body(&self, digest: &str) -> Result<Body> {
        let boundary = |kind: &str| format!("greenops-{kind}-{}", &digest[..24]);
        if !self.inline_images.is_empty() && self.html.is_none() {
            return Err(invalid(
                "inline images need an HTML body that shows them".into(),
            ));
        }
        let text = || SinglePart::plain(self.email.body.clone());
        let content = match &self.html {
            None => None,
            Some(html) => {
                let html_part = SinglePart::html(html.clone());
                let html_tree = if self.inline_images.is_empty() {
                    MultiPart::alternative()
                        .boundary(boundary("alt"))
                        .singlepart(text())
                        .singlepart(html_part)
                } else {
                    let mut related = MultiPart::related()
                        .boundary(boundary("rel"))
                        .singlepart(html_part);
                    let mut seen = std::collections::BTreeSet::new();
                    for image in &self.inline_images {
                        let id = &image.content_id;
                        if id.is_empty()
                            || !id
                                .chars()
                                .all(|c| c.is_ascii_graphic() && !"<>\"".contains(c))
                        {
                            return Err(invalid(format!(
                                "inline image content id {id:?} must be non-empty printable \
                                 ASCII without <, > or quotes"
                            )));
                        }
                        if !seen.insert(id.as_str()) {
                            return Err(invalid(format!("inline image {id:?} is given twice")));
                        }
                        if !html.contains(&format!("cid:{id}")) {
                            return Err(invalid(format!(
                                "inline image {id:?} is not referenced from the HTML body \
                                 (expected src=\"cid:{id}\")"
                            )));
                        }
                        related = related.singlepart(
                            MimeAttachment::new_inline_with_name(id.clone(), format!("{id}.png"))
                                .body(base64(&image.bytes), png()?),
                        );
                    }
                    MultiPart::alternative()
                        .boundary(boundary("alt"))
                        .singlepart(text())
                        .multipart(related)
                };
                Some(html_tree)
            }
        };
        if self.attachments.is_empty() {
            return Ok(content.map_or(Body::Text, Body::Multi));
        }
        let mut mixed = MultiPart::mixed().boundary(boundary("mix")).build();
        mixed = match content {
            Some(tree) => mixed.multipart(tree),
            None => mixed.singlepart(text()),
        };
        for a in &self.attachments {
            if a.filename.trim().is_empty() || a.filename.contains(['/', '\\', '\r', '\n']) {
                return Err(invalid(format!(
                    "attachment file name {:?} must be a plain, non-empty file name",
                    a.filename
                )));
            }
            let content_type = ContentType::parse(&a.content_type).map_err(|e| {
                invalid(format!(
                    "attachment {:?}: invalid content type {:?}: {e}",
                    a.filename, a.content_type
                ))
            })?;
            mixed = mixed.singlepart(
                MimeAttachment::new(a.filename.clone()).body(base64(&a.bytes), content_type),
            );
        }
        Ok(Body::Multi(mixed))
    }

    /// SHA-256 (hex) over every field, length-prefixed; seeds boundaries and the default id.
    fn content_digest(&self) -> String {
        let mut h = Sha256::new();
        let mut put = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        let e = &self.email;
        put(e.from.as_bytes());
        for to in &e.to {
            put(to.as_bytes());
        }
        put(e.subject.as_bytes());
        put(e.body.as_bytes());
        put(e.date.to_rfc3339().as_bytes());
        put(self.html.as_deref().unwrap_or("").as_bytes());
        for i in &self.inline_images {
            put(i.content_id.as_bytes());
            put(&i.bytes);
        }
        for a in &self.attachments {
            put(a.filename.as_bytes());
            put(a.content_type.as_bytes());
            put(&a.bytes);
        }
        put(self.message_id.as_deref().unwrap_or("").as_bytes());
        hex::encode(h.finalize())
    }
}

/// A validated message in its wire form.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The `Message-ID`, with angle brackets.
    pub message_id: String,
    /// SMTP envelope: sender and recipients.
    pub(crate) envelope: Envelope,
    /// The message as sent (RFC 5322, CRLF line ends).
    pub bytes: Vec<u8>,
    /// SHA-256 (hex) of [`Rendered::bytes`].
    pub sha256: String,
    /// One entry per attachment, in order.
    pub attachments: Vec<SentAttachment>,
}

impl Rendered {
    /// The envelope recipients as plain addresses.
    pub fn recipients(&self) -> Vec<String> {
        self.envelope.to().iter().map(ToString::to_string).collect()
    }
}

enum Body {
    Text,
    Multi(MultiPart),
}

/// Files always travel base64-encoded, so they arrive byte for byte (a 7bit CSV could have its
/// line ends rewritten on the way) and their SHA-256 holds.
fn base64(bytes: &[u8]) -> MimeBody {
    MimeBody::new_with_encoding(bytes.to_vec(), ContentTransferEncoding::Base64)
        .unwrap_or_else(MimeBody::new)
}

fn png() -> Result<ContentType> {
    ContentType::parse("image/png").map_err(|e| invalid(format!("image/png: {e}")))
}

/// A permanent delivery error about the message itself.
fn invalid(reason: String) -> JobError {
    JobError::Delivery {
        reason,
        transient: false,
    }
}

/// `id@domain` or `<id@domain>` → `<id@domain>`.
fn normalise_message_id(id: &str) -> Result<String> {
    let bare = id
        .trim()
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(id.trim());
    let valid = match bare.split_once('@') {
        Some((left, right)) => {
            !left.is_empty()
                && !right.is_empty()
                && !right.contains('@')
                && bare
                    .chars()
                    .all(|c| c.is_ascii_graphic() && !"<>\"()[],;:\\".contains(c))
        }
        None => false,
    };
    if !valid {
        return Err(invalid(format!(
            "invalid Message-ID {id:?}: expected id@domain, e.g. run-id.report@greenops"
        )));
    }
    Ok(format!("<{bare}>"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email {
            from: "greenops@example.com".into(),
            to: vec!["a@example.com".into(), "B <b@example.org>".into()],
            subject: "Costs 2026-10".into(),
            body: "Total: 1 234.50 EUR\n".into(),
            date: DateTime::parse_from_rfc3339("2026-11-02T07:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    fn report() -> Message {
        Message::new(email())
            .with_html("<p>Total</p><img src=\"cid:chart\">")
            .with_inline_png("chart", vec![0x89, b'P', b'N', b'G'])
            .with_attachment("costs.csv", "text/csv", b"a,b\n1,2\n".to_vec())
    }

    fn text(r: &Rendered) -> String {
        String::from_utf8(r.bytes.clone()).unwrap()
    }

    #[test]
    fn rendering_is_deterministic() {
        let first = report().render().unwrap();
        let again = report().render().unwrap();
        assert_eq!(first.bytes, again.bytes, "same report, same bytes");
        assert_eq!(first.sha256, again.sha256);
        assert!(
            first.message_id.ends_with("@example.com>"),
            "{}",
            first.message_id
        );
        let other = report().with_html("<p>Other</p><img src=\"cid:chart\">");
        let other = other.render().unwrap();
        assert_ne!(
            other.message_id, first.message_id,
            "the default id follows the content"
        );
        let fixed = report().with_message_id("<run-7.report@greenops>");
        let fixed = fixed.render().unwrap();
        assert_eq!(fixed.message_id, "<run-7.report@greenops>");
        assert!(text(&fixed).contains("Message-ID: <run-7.report@greenops>\r\n"));
        assert_eq!(fixed.recipients(), ["a@example.com", "b@example.org"]);
    }

    #[test]
    fn the_mime_tree_follows_the_parts_given() {
        let plain = Message::new(email()).render().unwrap();
        assert!(text(&plain).contains("Content-Type: text/plain; charset=utf-8"));
        assert!(!text(&plain).contains("multipart"));

        let html = Message::new(email())
            .with_html("<p>x</p>")
            .render()
            .unwrap();
        let t = text(&html);
        assert!(t.contains("multipart/alternative"), "{t}");
        assert!(!t.contains("multipart/mixed") && !t.contains("multipart/related"));

        let full = report().render().unwrap();
        let t = text(&full);
        let at = |needle: &str| t.find(needle).unwrap_or_else(|| panic!("{needle}: {t}"));
        assert!(at("multipart/mixed") < at("multipart/alternative"));
        assert!(at("multipart/alternative") < at("text/plain"));
        assert!(at("text/plain") < at("multipart/related"));
        assert!(at("multipart/related") < at("text/html"));
        assert!(at("text/html") < at("Content-ID: <chart>"));
        assert!(at("Content-ID: <chart>") < at("filename=\"costs.csv\""));
        assert_eq!(
            full.attachments.len(),
            1,
            "inline images are not attachments"
        );
        assert_eq!(full.attachments[0].bytes, 8);
        assert!(
            t.contains("filename=\"costs.csv\"\r\nContent-Type: text/csv\r\nContent-Transfer-Encoding: base64\r\n"),
            "{t}"
        );
        assert!(!t.replace("\r\n", "").contains('\n'), "no bare LF: {t}");
    }

    #[test]
    fn invalid_messages_are_refused_with_what_is_wrong() {
        let err = |m: Message| m.render().unwrap_err().to_string();
        let mut bad_to = email();
        bad_to.to.push("x@@y".into());
        assert!(err(Message::new(bad_to)).contains("invalid recipient address \"x@@y\""));
        let mut none = email();
        none.to.clear();
        assert!(err(Message::new(none)).contains("no recipients"));
        let mut bad_from = email();
        bad_from.from = "greenops".into();
        assert!(err(Message::new(bad_from)).contains("invalid sender address \"greenops\""));
        assert!(
            err(Message::new(email()).with_inline_png("chart", vec![1])).contains("need an HTML")
        );
        assert!(
            err(Message::new(email())
                .with_html("<p>no image</p>")
                .with_inline_png("chart", vec![1]))
            .contains("not referenced")
        );
        assert!(
            err(Message::new(email()).with_attachment("a.csv", "not a type", vec![]))
                .contains("invalid content type")
        );
        assert!(
            err(Message::new(email()).with_attachment("../a.csv", "text/csv", vec![]))
                .contains("plain, non-empty file name")
        );
        assert!(err(Message::new(email()).with_message_id("no-at-sign")).contains("Message-ID"));
        let e = Message::new(email())
            .with_message_id("a b@c")
            .render()
            .unwrap_err();
        assert!(matches!(
            e,
            JobError::Delivery {
                transient: false,
                ..
            }
        ));
    }
}
