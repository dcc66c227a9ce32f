//! SMTP delivery (lettre's async transport on tokio, TLS by rustls), with retries of transient
//! failures. Credentials come from environment variables named in the settings, read at send time:
//! they are never stored in settings, logs or errors.

use super::Sent;
use super::message::Message;
use crate::error::{JobError, Result};
use lettre::transport::smtp::Error as SmtpError;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which is required (usually port 587).
    #[serde(rename = "starttls")]
    StartTls,
    /// TLS from the first byte, "SMTPS" (usually port 465).
    #[serde(rename = "implicit")]
    Implicit,
    /// No encryption, for a trusted relay on the same host; credentials are refused.
    #[serde(rename = "none")]
    None,
}

/// Where and how to reach an SMTP server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    /// Host name (also the name the server certificate must carry).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Connection security.
    pub tls: SmtpTls,
    /// Name of the environment variable holding the user name (`None`: no authentication).
    #[serde(default)]
    pub username_env: Option<String>,
    /// Name of the environment variable holding the password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// A PEM root certificate trusted in addition to the built-in roots (self-signed servers).
    #[serde(default)]
    pub ca_certificate: Option<PathBuf>,
}

/// How often and how patiently a transient failure is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all, at least 1.
    pub attempts: u32,
    /// Wait before the second attempt; it doubles before each further one (at most a minute).
    pub backoff: Duration,
    /// Time limit for connecting and for each SMTP command.
    pub timeout: Duration,
}

impl Default for Retry {
    /// Three attempts, 2 s then 4 s apart, 30 s per command.
    fn default() -> Self {
        Retry {
            attempts: 3,
            backoff: Duration::from_secs(2),
            timeout: Duration::from_secs(30),
        }
    }
}

/// Sends messages to an SMTP server.
#[derive(Debug, Clone)]
pub struct Smtp {
    settings: SmtpSettings,
    retry: Retry,
}

impl Smtp {
    /// A sender with the default [`Retry`].
    pub fn new(settings: SmtpSettings) -> Self {
        Smtp {
            settings,
            retry: Retry::default(),
        }
    }

    /// Replaces the retry policy.
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// The settings.
    pub fn settings(&self) -> &SmtpSettings {
        &self.settings
    }

    /// `smtp HOST:PORT (starttls|implicit tls|no tls)`, for logs and the ledger.
    pub fn describe(&self) -> String {
        let tls = match self.settings.tls {
            SmtpTls::StartTls => "starttls",
            SmtpTls::Implicit => "implicit tls",
            SmtpTls::None => "no tls",
        };
        format!("smtp {} ({tls})", self.server())
    }

    fn server(&self) -> String {
        format!("{}:{}", self.settings.host, self.settings.port)
    }

    /// Validates the message (every address) and the settings, then sends it, retrying transient
    /// failures (connection refused or reset, timeouts, 4xx replies) with backoff.
    ///
    /// # Errors
    /// [`JobError::Delivery`]: permanent for an invalid message, missing credentials, an
    /// unreadable CA certificate, a TLS failure or a 5xx reply (bad recipient, authentication);
    /// transient when the server stayed unreachable or answered 4xx through every attempt.
    ///
    /// A message whose acceptance reply was lost (connection dropped after the data) may arrive
    /// twice; it keeps its `Message-ID`, which lets mail clients and the ledger de-duplicate.
    pub async fn send(&self, message: &Message) -> Result<Sent> {
        let rendered = message.render()?;
        let transport = self.transport().await?;
        // lettre ends DATA with CRLF.CRLF itself: without our final CRLF the server stores
        // exactly the rendered bytes (the SHA-256 in `Sent` is of what the recipient gets)
        let wire = rendered
            .bytes
            .strip_suffix(b"\r\n")
            .unwrap_or(&rendered.bytes);
        let attempts = self.retry.attempts.max(1);
        let mut wait = self.retry.backoff;
        let mut attempt = 1;
        loop {
            match transport.send_raw(&rendered.envelope, wire).await {
                Ok(response) => {
                    let reply = std::iter::once(response.code().to_string())
                        .chain(response.message().map(str::to_string))
                        .collect::<Vec<_>>()
                        .join(" ");
                    return Ok(Sent {
                        transport: self.describe(),
                        recipients: rendered.recipients(),
                        message_id: rendered.message_id,
                        sha256: rendered.sha256,
                        attachments: rendered.attachments,
                        attempts: attempt,
                        server_reply: Some(reply),
                        file: None,
                    });
                }
                Err(e) if is_transient(&e) && attempt < attempts => {
                    tracing::warn!(
                        server = %self.server(), attempt, of = attempts, error = %e,
                        "SMTP delivery failed transiently; retrying in {wait:?}."
                    );
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2).min(Duration::from_secs(60));
                    attempt += 1;
                }
                Err(e) => return Err(self.error(&e, attempt)),
            }
        }
    }

    /// The lettre transport, with credentials read from the environment now.
    async fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
        let s = &self.settings;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
            .port(s.port)
            .timeout(Some(self.retry.timeout));
        builder = match s.tls {
            SmtpTls::StartTls => builder.tls(Tls::Required(self.tls_parameters().await?)),
            SmtpTls::Implicit => builder.tls(Tls::Wrapper(self.tls_parameters().await?)),
            SmtpTls::None => builder.tls(Tls::None),
        };
        if let Some(credentials) = self.credentials()? {
            builder = builder.credentials(credentials);
        }
        Ok(builder.build())
    }

    async fn tls_parameters(&self) -> Result<TlsParameters> {
        let s = &self.settings;
        let mut params = TlsParameters::builder(s.host.clone());
        if let Some(path) = &s.ca_certificate {
            let pem = tokio::fs::read(path).await.map_err(|e| {
                permanent(format!(
                    "cannot read the SMTP CA certificate {}: {e}",
                    path.display()
                ))
            })?;
            let cert = Certificate::from_pem(&pem).map_err(|e| {
                permanent(format!(
                    "the SMTP CA certificate {} is not a PEM certificate: {e}",
                    path.display()
                ))
            })?;
            params = params.add_root_certificate(cert);
        }
        params
            .build_rustls()
            .map_err(|e| permanent(format!("TLS settings for {}: {e}", self.server())))
    }

    fn credentials(&self) -> Result<Option<Credentials>> {
        let s = &self.settings;
        let (user_env, password_env) = match (&s.username_env, &s.password_env) {
            (None, None) => return Ok(None),
            (Some(u), Some(p)) => (u, p),
            _ => {
                return Err(permanent(
                    "SMTP settings: username_env and password_env must be given together".into(),
                ));
            }
        };
        if s.tls == SmtpTls::None {
            return Err(permanent(format!(
                "SMTP settings for {}: refusing to send credentials without TLS \
                 (use tls: starttls or implicit)",
                self.server()
            )));
        }
        let read = |name: &str, what: &str| {
            std::env::var(name).map_err(|_| {
                permanent(format!(
                    "the SMTP {what} environment variable {name} is not set (or not UTF-8)"
                ))
            })
        };
        Ok(Some(Credentials::new(
            read(user_env, "user name")?,
            read(password_env, "password")?,
        )))
    }

    /// The final error after `attempts` attempts; names the server, never a credential.
    fn error(&self, e: &SmtpError, attempts: u32) -> JobError {
        let server = self.server();
        let tries = if attempts == 1 {
            "1 attempt".to_string()
        } else {
            format!("{attempts} attempts")
        };
        if is_transient(e) {
            let reason = if e.is_transient() {
                format!("SMTP server {server} refused the message temporarily ({tries}): {e}")
            } else {
                format!("SMTP server {server} unreachable after {tries}: {e}")
            };
            return JobError::Delivery {
                reason,
                transient: true,
            };
        }
        if failed_tls(e) {
            return permanent(format!(
                "TLS with SMTP server {server} failed (for a server with a private or \
                 self-signed certificate, set ca_certificate): {e}"
            ));
        }
        let reason = match e.status().map(|c| c.to_string()) {
            Some(code) if code == "535" || code == "534" || code == "530" => {
                let vars = match (&self.settings.username_env, &self.settings.password_env) {
                    (Some(u), Some(p)) => format!("check {u} and {p}"),
                    _ => "the server requires authentication: set username_env and password_env"
                        .to_string(),
                };
                format!("SMTP server {server} refused the login ({vars}): {e}")
            }
            Some(_) => format!("SMTP server {server} rejected the message: {e}"),
            None => format!("sending to SMTP server {server} failed: {e}"),
        };
        permanent(reason)
    }
}

/// Whether a retry may succeed: 4xx replies, timeouts and connection failures other than a
/// failed TLS certificate check.
fn is_transient(e: &SmtpError) -> bool {
    if e.is_transient() || e.is_timeout() {
        return true;
    }
    if e.is_permanent() || e.is_client() || e.is_tls() {
        return false;
    }
    // connection, network or garbled-response errors: retry, unless TLS refused the peer
    !failed_tls(e)
}

/// Whether the TLS handshake failed (rustls reports it as invalid data, e.g. an untrusted or
/// mismatched certificate): retrying cannot help.
fn failed_tls(e: &SmtpError) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::InvalidData
        {
            return true;
        }
        source = err.source();
    }
    e.is_tls()
}

fn permanent(reason: String) -> JobError {
    JobError::Delivery {
        reason,
        transient: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::{Delivery, Email};
    use chrono::{DateTime, Utc};
    use serde_json::Value;
    use sha2::{Digest, Sha256};
    use warehouse::Blame;

    /// The SMTP server scripts/test.sh starts (tests/smtp_server.py).
    struct TestServer {
        host: String,
        port: u16,
        smtps_port: Option<u16>,
        ca: PathBuf,
        maildir: PathBuf,
    }

    fn server() -> TestServer {
        let var = |name: &str| {
            std::env::var(name).unwrap_or_else(|_| {
                panic!(
                    "{name} is not set: run the tests with scripts/test.sh, which starts the \
                     SMTP test server (tests/smtp_server.py)"
                )
            })
        };
        TestServer {
            host: var("GREENOPS_TEST_SMTP_HOST"),
            port: var("GREENOPS_TEST_SMTP_PORT").parse().unwrap(),
            smtps_port: std::env::var("GREENOPS_TEST_SMTPS_PORT")
                .ok()
                .map(|p| p.parse().unwrap()),
            ca: var("GREENOPS_TEST_SMTP_CA").into(),
            maildir: var("GREENOPS_TEST_SMTP_MAILDIR").into(),
        }
    }

    impl TestServer {
        fn settings(&self) -> SmtpSettings {
            SmtpSettings {
                host: self.host.clone(),
                port: self.port,
                tls: SmtpTls::StartTls,
                username_env: Some("GREENOPS_TEST_SMTP_USER".into()),
                password_env: Some("GREENOPS_TEST_SMTP_PASSWORD".into()),
                ca_certificate: Some(self.ca.clone()),
            }
        }

        /// The sidecar and raw bytes of the received message with this `Message-ID`.
        fn received(&self, message_id: &str) -> Option<(Value, Vec<u8>)> {
            for entry in std::fs::read_dir(&self.maildir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    let sidecar: Value =
                        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
                    if sidecar["message_id"] == message_id {
                        let raw = std::fs::read(path.with_extension("eml")).unwrap();
                        return Some((sidecar, raw));
                    }
                }
            }
            None
        }

        /// Whether any received message went to `address`.
        fn anything_to(&self, address: &str) -> bool {
            std::fs::read_dir(&self.maildir).unwrap().any(|entry| {
                let path = entry.unwrap().path();
                path.extension().is_some_and(|e| e == "json")
                    && std::fs::read_to_string(&path).unwrap().contains(address)
            })
        }

        fn refusals_of(&self, address: &str) -> usize {
            std::fs::read_to_string(self.maildir.join("refused.jsonl"))
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains(address))
                .count()
        }
    }

    fn quick() -> Retry {
        Retry {
            attempts: 3,
            backoff: Duration::from_millis(10),
            timeout: Duration::from_secs(10),
        }
    }

    /// A unique tag per test run, so parallel tests and reruns never read each other's mail.
    fn unique(test: &str) -> String {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        format!("{test}-{}-{nanos}", std::process::id())
    }

    fn email(to: Vec<String>, subject: &str) -> Email {
        Email {
            from: "GreenOps <greenops@example.com>".into(),
            to,
            subject: subject.into(),
            body: "Costs for 2026-10: 1 234.50 EUR (+3.2 %).\nSee the attached CSV.\n".into(),
            date: DateTime::parse_from_rfc3339("2026-11-02T07:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }

    /// A 1×1 PNG.
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];

    fn leaves(node: &Value, out: &mut Vec<Value>) {
        match node["parts"].as_array() {
            Some(parts) => parts.iter().for_each(|p| leaves(p, out)),
            None => out.push(node.clone()),
        }
    }

    fn shape(node: &Value) -> String {
        let ct = node["content_type"].as_str().unwrap().to_string();
        match node["parts"].as_array() {
            Some(parts) => format!(
                "{ct}({})",
                parts.iter().map(shape).collect::<Vec<_>>().join(",")
            ),
            None => ct,
        }
    }

    fn decoded(leaf: &Value) -> Vec<u8> {
        // the sidecar carries base64; decode without a base64 crate
        let text = leaf["base64"].as_str().unwrap();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0);
        for c in text.bytes().filter(|&c| c != b'=') {
            let v = alphabet.iter().position(|&a| a == c).unwrap() as u32;
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        out
    }

    #[tokio::test]
    async fn sends_a_multipart_report_over_starttls_with_auth() {
        let server = server();
        let tag = unique("report");
        let to = vec![
            format!("finance-{tag}@example.com"),
            format!("Ops Team <ops-{tag}@example.com>"),
        ];
        let csv = b"service,cost_eur\ncompute,1034.50\nstorage,200.00\n".to_vec();
        let html = "<h1>Costs 2026-10</h1><p>1&nbsp;234.50 EUR</p><img src=\"cid:chart-costs\">";
        let message = Message::new(email(to, &format!("[greenops] Costs 2026-10 {tag}")))
            .with_html(html)
            .with_inline_png("chart-costs", PNG.to_vec())
            .with_attachment("costs-2026-10.csv", "text/csv", csv.clone())
            .with_message_id(format!("{tag}.report@greenops"));
        let delivery = Delivery::from(Smtp::new(server.settings()).with_retry(quick()));
        let sent = delivery.send(&message).await.unwrap();

        assert_eq!(sent.message_id, format!("<{tag}.report@greenops>"));
        assert_eq!(
            sent.recipients,
            [
                format!("finance-{tag}@example.com"),
                format!("ops-{tag}@example.com")
            ]
        );
        assert_eq!(sent.attempts, 1);
        assert!(sent.transport.contains("starttls"), "{}", sent.transport);
        assert!(
            sent.server_reply.as_deref().unwrap().starts_with("250"),
            "{sent:?}"
        );
        assert_eq!(sent.attachments.len(), 1);
        assert_eq!(sent.attachments[0].filename, "costs-2026-10.csv");
        assert_eq!(sent.attachments[0].bytes, csv.len() as u64);

        let (sidecar, raw) = server
            .received(&sent.message_id)
            .expect("the server saved the message");
        assert_eq!(sidecar["tls"], true, "{sidecar}");
        assert_eq!(sidecar["authenticated"], true, "{sidecar}");
        assert_eq!(sidecar["mail_from"], "greenops@example.com");
        assert_eq!(
            sidecar["rcpt_tos"],
            serde_json::json!(sent.recipients),
            "envelope recipients"
        );
        assert_eq!(
            sidecar["subject"],
            format!("[greenops] Costs 2026-10 {tag}")
        );
        assert_eq!(
            hex::encode(Sha256::digest(&raw)),
            sent.sha256,
            "the server got exactly the rendered bytes"
        );
        let raw_text = String::from_utf8_lossy(&raw);
        assert!(
            raw_text.contains("Date: Mon, 02 Nov 2026 07:00:00 +0000"),
            "{raw_text}"
        );

        let mime = &sidecar["mime"];
        assert_eq!(
            shape(mime),
            "multipart/mixed(multipart/alternative(text/plain,\
             multipart/related(text/html,image/png)),text/csv)"
        );
        let mut parts = Vec::new();
        leaves(mime, &mut parts);
        // text travels in canonical form, CRLF line ends
        let text = |leaf: &Value| {
            String::from_utf8(decoded(leaf))
                .unwrap()
                .replace("\r\n", "\n")
        };
        assert_eq!(text(&parts[0]), message.email.body);
        assert_eq!(parts[0]["charset"], "utf-8");
        assert_eq!(text(&parts[1]).trim_end(), html);
        assert_eq!(parts[2]["content_id"], "<chart-costs>");
        assert_eq!(parts[2]["disposition"], "inline");
        assert_eq!(decoded(&parts[2]), PNG);
        assert_eq!(parts[3]["filename"], "costs-2026-10.csv");
        assert_eq!(parts[3]["disposition"], "attachment");
        let attachment = decoded(&parts[3]);
        assert_eq!(attachment, csv);
        assert_eq!(
            hex::encode(Sha256::digest(&attachment)),
            sent.attachments[0].sha256
        );
    }

    #[tokio::test]
    async fn sends_over_implicit_tls() {
        let server = server();
        let Some(port) = server.smtps_port else {
            panic!("GREENOPS_TEST_SMTPS_PORT is not set: run the tests with scripts/test.sh");
        };
        let tag = unique("smtps");
        let smtp = Smtp::new(SmtpSettings {
            port,
            tls: SmtpTls::Implicit,
            ..server.settings()
        })
        .with_retry(quick());
        let message = Message::new(email(vec![format!("a-{tag}@example.com")], "plain"))
            .with_message_id(format!("{tag}@greenops"));
        let sent = smtp.send(&message).await.unwrap();
        let (sidecar, _) = server.received(&sent.message_id).unwrap();
        assert_eq!(sidecar["tls"], true);
        assert_eq!(shape(&sidecar["mime"]), "text/plain");
    }

    #[tokio::test]
    async fn a_bad_recipient_fails_before_anything_is_sent() {
        let server = server();
        let tag = unique("bad-address");
        let good = format!("good-{tag}@example.com");
        let message = Message::new(email(
            vec![good.clone(), "not an address".into()],
            "never sent",
        ));
        let err = Smtp::new(server.settings())
            .with_retry(quick())
            .send(&message)
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("invalid recipient address \"not an address\""),
            "{text}"
        );
        assert!(matches!(
            err,
            JobError::Delivery {
                transient: false,
                ..
            }
        ));
        assert_eq!(err.blame(), Blame::Config);
        assert!(!server.anything_to(&good), "nothing may be sent");
    }

    #[tokio::test]
    async fn an_unreachable_server_fails_as_transient_after_every_attempt() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let smtp = Smtp::new(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            tls: SmtpTls::StartTls,
            username_env: None,
            password_env: None,
            ca_certificate: None,
        })
        .with_retry(quick());
        let started = std::time::Instant::now();
        let err = smtp
            .send(&Message::new(email(vec!["a@example.com".into()], "x")))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("127.0.0.1:{port} unreachable after 3 attempts")),
            "{text}"
        );
        assert!(matches!(
            err,
            JobError::Delivery {
                transient: true,
                ..
            }
        ));
        assert_eq!(err.blame(), Blame::External, "orchestration retries it");
        assert!(
            started.elapsed() >= Duration::from_millis(30),
            "two backoffs of 10 ms and 20 ms"
        );
    }

    #[tokio::test]
    async fn a_4xx_reply_is_retried_then_fails_as_transient() {
        let server = server();
        let tag = unique("tempfail");
        let address = format!("tempfail-{tag}@example.com");
        let err = Smtp::new(server.settings())
            .with_retry(quick())
            .send(&Message::new(email(vec![address.clone()], "x")))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                JobError::Delivery {
                    transient: true,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().contains("temporarily (3 attempts)"),
            "{err}"
        );
        assert_eq!(server.refusals_of(&address), 3);
    }

    #[tokio::test]
    async fn a_5xx_recipient_refusal_is_permanent_and_not_retried() {
        let server = server();
        let tag = unique("reject");
        let address = format!("reject-{tag}@example.com");
        let err = Smtp::new(server.settings())
            .with_retry(quick())
            .send(&Message::new(email(vec![address.clone()], "x")))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                JobError::Delivery {
                    transient: false,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("550"), "{err}");
        assert_eq!(server.refusals_of(&address), 1, "not retried");
    }

    #[tokio::test]
    async fn a_wrong_password_fails_as_permanent_without_showing_it() {
        let server = server();
        // the user name is not the password: a wrong password without touching the environment
        let smtp = Smtp::new(SmtpSettings {
            password_env: Some("GREENOPS_TEST_SMTP_USER".into()),
            ..server.settings()
        })
        .with_retry(quick());
        let err = smtp
            .send(&Message::new(email(vec!["a@example.com".into()], "x")))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(
                err,
                JobError::Delivery {
                    transient: false,
                    ..
                }
            ),
            "{text}"
        );
        assert!(text.contains("refused the login"), "{text}");
        assert!(text.contains("535"), "{text}");
        for secret in ["GREENOPS_TEST_SMTP_USER", "GREENOPS_TEST_SMTP_PASSWORD"] {
            let value = std::env::var(secret).unwrap();
            assert!(!text.contains(&value), "{secret}'s value leaked: {text}");
        }
        assert_eq!(err.blame(), Blame::Config);
    }

    #[tokio::test]
    async fn an_untrusted_certificate_is_permanent_and_hints_at_ca_certificate() {
        let server = server();
        let smtp = Smtp::new(SmtpSettings {
            ca_certificate: None,
            ..server.settings()
        })
        .with_retry(quick());
        let err = smtp
            .send(&Message::new(email(vec!["a@example.com".into()], "x")))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                JobError::Delivery {
                    transient: false,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("set ca_certificate"), "{err}");
    }

    #[tokio::test]
    async fn a_missing_credential_variable_is_named_not_guessed() {
        let smtp = Smtp::new(SmtpSettings {
            host: "127.0.0.1".into(),
            port: 1,
            tls: SmtpTls::StartTls,
            username_env: Some("GREENOPS_TEST_SMTP_NO_SUCH_USER_VARIABLE".into()),
            password_env: Some("GREENOPS_TEST_SMTP_NO_SUCH_PASSWORD_VARIABLE".into()),
            ca_certificate: None,
        });
        let err = smtp
            .send(&Message::new(email(vec!["a@example.com".into()], "x")))
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("environment variable GREENOPS_TEST_SMTP_NO_SUCH_USER_VARIABLE"),
            "{err}"
        );
        let plain = Smtp::new(SmtpSettings {
            tls: SmtpTls::None,
            ..smtp.settings().clone()
        });
        let err = plain
            .send(&Message::new(email(vec!["a@example.com".into()], "x")))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("without TLS"), "{err}");
    }

    #[test]
    fn settings_read_from_yaml_like_json() {
        let s: SmtpSettings = serde_json::from_value(serde_json::json!({
            "host": "smtp.example.com", "port": 587, "tls": "starttls",
            "username_env": "SMTP_USER", "password_env": "SMTP_PASSWORD",
        }))
        .unwrap();
        assert_eq!(s.tls, SmtpTls::StartTls);
        assert_eq!(s.ca_certificate, None);
        assert_eq!(
            Smtp::new(s).describe(),
            "smtp smtp.example.com:587 (starttls)"
        );
    }
}
