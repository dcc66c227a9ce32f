//! The `report` job: read the report's data from the warehouse, render it, and send it once to
//! its recipients (`reports.recipients`) over SMTP or into the outbox; the ledger records the
//! message id and the SHA-256 of the message and of every attachment.

use super::job_body::{BodyContext, JobOutput, RunError};
use jobs::delivery::{Email, Message};
use reports::ReportKind;
use std::path::PathBuf;
use warehouse::Warehouse;

/// Renders and sends the job's report for its partition.
///
/// # Errors
/// Bad config (unknown report, nobody to send to, templates), the data cannot be read, or the
/// delivery failed (transient failures are retried by the executor; nothing partial is sent).
pub async fn run_report(ctx: &BodyContext) -> Result<JobOutput, RunError> {
    let name = ctx
        .config
        .report
        .clone()
        .ok_or_else(|| RunError::permanent("report job without `report`"))?;
    let kind: ReportKind = name.parse().map_err(RunError::permanent)?;
    if let (Some(at), false) = (&ctx.delivery.sent_before, ctx.delivery.resend) {
        return Ok(JobOutput {
            inputs: serde_json::json!({ "report": name, "partition": ctx.partition }),
            outputs: serde_json::json!({
                "report": name, "sent": false,
                "skipped": format!("already sent at {at}; `greenops run … --resend` sends it again"),
            }),
        });
    }
    let recipients = ctx
        .reports
        .recipients
        .get(&name)
        .cloned()
        .unwrap_or_default();
    if recipients.is_empty() {
        return Err(RunError::permanent(format!(
            "reports.recipients.{name} lists nobody to send the report to"
        )));
    }
    let wh = Warehouse::open(&ctx.warehouse).map_err(|e| RunError::from_job(&e.into()))?;
    let as_of = partition_end(&ctx.partition);
    let request = jobs::reports::ReportRequest {
        kind,
        partition: ctx.partition.clone(),
        as_of: as_of.clone(),
        code_version: super::identity::code_version(),
        run_id: ctx.run_id.clone(),
        budget: ctx.reports.budget,
        approver: ctx.delivery.approver.clone(),
        previous_report: ctx
            .delivery
            .sent_before
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&chrono::Utc)),
    };
    let report = jobs::reports::build(&wh, &request)
        .await
        .map_err(|e| RunError::from_job(&e))?;
    let renderer = reports::Renderer::with_templates(ctx.reports.templates.as_deref())
        .map_err(|e| RunError::permanent(e.to_string()))?;
    let rendered = renderer
        .render(&report)
        .map_err(|e| RunError::permanent(e.to_string()))?;
    let from = ctx
        .reports
        .from
        .clone()
        .or_else(|| ctx.notifications.from.clone())
        .unwrap_or_else(|| "greenops@localhost.localdomain".into());
    let message_id = format!("{}.{}.{}@greenops", kind.name(), ctx.partition, ctx.run_id);
    let message = report_message(&rendered, from, recipients.clone(), &as_of, message_id);
    if ctx.stop.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(RunError::from_job(&jobs::JobError::Cancelled));
    }
    let outbox = ctx.notifications.outbox.clone();
    let delivery = ctx
        .reports
        .delivery(&outbox.unwrap_or_else(|| PathBuf::from("var/outbox")));
    let sent = delivery
        .send(&message)
        .await
        .map_err(|e| RunError::from_job(&e))?;
    Ok(JobOutput {
        inputs: serde_json::json!({
            "report": name, "partition": ctx.partition, "as_of": as_of,
        }),
        outputs: serde_json::json!({
            "report": name,
            "sent": true,
            "subject": rendered.subject,
            "message_id": sent.message_id,
            "transport": sent.transport,
            "recipients": sent.recipients,
            "sha256": sent.sha256,
            "attachments": sent.attachments.iter().map(|a| serde_json::json!({
                "filename": a.filename, "content_type": a.content_type,
                "bytes": a.bytes, "sha256": a.sha256,
            })).collect::<Vec<_>>(),
            "file": sent.file,
            "resend": ctx.delivery.resend,
        }),
    })
}

/// The email of a rendered report: the text with the HTML as its alternative, the charts inline,
/// the CSVs attached, dated `as_of` (RFC 3339) so a re-render is the same message.
pub fn report_message(
    rendered: &reports::Rendered,
    from: String,
    to: Vec<String>,
    as_of: &str,
    message_id: String,
) -> Message {
    let date = chrono::DateTime::parse_from_rfc3339(as_of)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    let mut message = Message::new(Email {
        from,
        to,
        subject: rendered.subject.clone(),
        body: rendered.text.clone(),
        date,
    })
    .with_html(rendered.html.clone())
    .with_message_id(message_id);
    for image in &rendered.images {
        message = message.with_inline_png(image.content_id.clone(), image.bytes.clone());
    }
    for a in &rendered.attachments {
        message =
            message.with_attachment(a.filename.clone(), a.content_type.clone(), a.bytes.clone());
    }
    message
}

/// The last instant of a day or month partition, RFC 3339 UTC: the report's "data as of" and
/// Date header, so a re-render of the partition is the same message.
pub fn partition_end(partition: &str) -> String {
    if partition.len() == 10 {
        format!("{partition}T23:59:59Z")
    } else {
        chrono::NaiveDate::parse_from_str(&format!("{partition}-01"), "%Y-%m-%d")
            .ok()
            .and_then(models::forecast::month_end::last_day_of_month)
            .map_or_else(|| partition.to_string(), |d| format!("{d}T23:59:59Z"))
    }
}
