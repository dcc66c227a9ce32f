//! Templates → the parts of a report email: subject, HTML (charts referenced as `cid:` inline
//! images), plain text, a browser preview HTML (charts referenced by file name), CSV
//! attachments and PNG charts.

use crate::charts;
use crate::data::Report;
use crate::error::ReportError;
use crate::kind::ReportKind;
use crate::tables;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tera::{Context, Tera};

/// A file attached to the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name.
    pub filename: String,
    /// MIME type (`text/csv`).
    pub content_type: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// A chart shown inside the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineImage {
    /// Content-ID (without angle brackets), referenced as `cid:<id>`.
    pub content_id: String,
    /// File name when written to a folder.
    pub filename: String,
    /// PNG bytes.
    pub bytes: Vec<u8>,
}

/// A rendered report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Which report.
    pub kind: ReportKind,
    /// Subject line.
    pub subject: String,
    /// HTML body for the email (`cid:` images).
    pub html: String,
    /// Plain-text alternative.
    pub text: String,
    /// The HTML with images referenced by file name, for a browser.
    pub preview_html: String,
    /// CSV attachments.
    pub attachments: Vec<Attachment>,
    /// Charts.
    pub images: Vec<InlineImage>,
}

impl Rendered {
    /// Writes `report.html`, `report.txt`, `preview.html`, the CSVs and the PNGs into `dir`
    /// (created); returns the paths written, in order.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_to(&self, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
        std::fs::create_dir_all(dir).map_err(|source| ReportError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut files: Vec<(String, &[u8])> = vec![
            ("report.html".into(), self.html.as_bytes()),
            ("report.txt".into(), self.text.as_bytes()),
            ("preview.html".into(), self.preview_html.as_bytes()),
        ];
        files.extend(
            self.attachments
                .iter()
                .map(|a| (a.filename.clone(), a.bytes.as_slice())),
        );
        files.extend(
            self.images
                .iter()
                .map(|i| (i.filename.clone(), i.bytes.as_slice())),
        );
        let mut written = Vec::new();
        for (name, bytes) in files {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|source| ReportError::Io {
                path: path.clone(),
                source,
            })?;
            written.push(path);
        }
        Ok(written)
    }
}

/// The default templates, compiled in.
const EMBEDDED: [(&str, &str); 6] = [
    (
        "daily_digest.html.tera",
        include_str!("../../templates/daily_digest.html.tera"),
    ),
    (
        "daily_digest.txt.tera",
        include_str!("../../templates/daily_digest.txt.tera"),
    ),
    (
        "esg_monthly.html.tera",
        include_str!("../../templates/esg_monthly.html.tera"),
    ),
    (
        "esg_monthly.txt.tera",
        include_str!("../../templates/esg_monthly.txt.tera"),
    ),
    (
        "sox_monthly.html.tera",
        include_str!("../../templates/sox_monthly.html.tera"),
    ),
    (
        "sox_monthly.txt.tera",
        include_str!("../../templates/sox_monthly.txt.tera"),
    ),
];

/// Renders reports with a set of templates.
#[derive(Debug)]
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    /// The templates shipped with greenops (`templates/` of the repository).
    ///
    /// # Errors
    /// A template that does not parse (a build defect).
    pub fn embedded() -> Result<Self, ReportError> {
        Self::from_sources(
            EMBEDDED
                .iter()
                .map(|(n, s)| (n.to_string(), s.to_string()))
                .collect(),
        )
    }

    /// The templates of a folder holding the same six file names as `templates/` (copy that
    /// folder and edit it).
    ///
    /// # Errors
    /// A missing file, an unreadable file or a template that does not parse.
    pub fn from_dir(dir: &Path) -> Result<Self, ReportError> {
        let expected = EMBEDDED
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ");
        let mut sources = Vec::new();
        for (name, _) in EMBEDDED {
            let path = dir.join(name);
            if !path.is_file() {
                return Err(ReportError::MissingTemplate {
                    dir: dir.to_path_buf(),
                    file: name.to_string(),
                    expected,
                });
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|source| ReportError::Io { path, source })?;
            sources.push((name.to_string(), text));
        }
        Self::from_sources(sources)
    }

    /// The templates of `dir` when given, else the built-in ones.
    ///
    /// # Errors
    /// As [`Self::from_dir`].
    pub fn with_templates(dir: Option<&Path>) -> Result<Self, ReportError> {
        match dir {
            Some(dir) => Self::from_dir(dir),
            None => Self::embedded(),
        }
    }

    fn from_sources(sources: Vec<(String, String)>) -> Result<Self, ReportError> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html.tera"]);
        for (name, text) in &sources {
            tera.add_raw_template(name, text)
                .map_err(|e| ReportError::template(name, &e))?;
        }
        Ok(Renderer { tera })
    }

    /// Renders `report`: charts, CSVs, then the HTML (twice: email and preview) and text.
    ///
    /// # Errors
    /// A template referring to something the report lacks (names the variable), or a chart
    /// that cannot be drawn.
    pub fn render(&self, report: &Report) -> Result<Rendered, ReportError> {
        let kind = report.kind();
        let (subject, images, csvs) = parts(report)?;
        let attachments = csvs
            .into_iter()
            .map(|(filename, bytes)| Attachment {
                filename,
                content_type: "text/csv; charset=utf-8".into(),
                bytes,
            })
            .collect();
        let stem = kind.template_stem();
        let data = report_value(report)?;
        let render = |template: &str, links: &BTreeMap<String, String>| {
            let mut context = Context::new();
            context.insert("report", &data);
            context.insert("subject", &subject);
            context.insert("images", links);
            self.tera
                .render(template, &context)
                .map_err(|e| ReportError::template(template, &e))
        };
        let cid: BTreeMap<String, String> = images
            .iter()
            .map(|i| (stem_of(&i.filename), format!("cid:{}", i.content_id)))
            .collect();
        let files: BTreeMap<String, String> = images
            .iter()
            .map(|i| (stem_of(&i.filename), i.filename.clone()))
            .collect();
        let html = render(&format!("{stem}.html.tera"), &cid)?;
        let preview_html = render(&format!("{stem}.html.tera"), &files)?;
        let text = render(&format!("{stem}.txt.tera"), &cid)?;
        Ok(Rendered {
            kind,
            subject,
            html,
            text,
            preview_html,
            attachments,
            images,
        })
    }
}

/// The data inside a report, as the templates see it (`report.day`, `report.totals.kwh`, …).
fn report_value(report: &Report) -> Result<serde_json::Value, ReportError> {
    let value = match report {
        Report::DailyDigest(d) => serde_json::to_value(d),
        Report::EsgMonthly(d) => serde_json::to_value(d),
        Report::SoxMonthly(d) => serde_json::to_value(d),
    };
    value.map_err(|e| ReportError::Template {
        template: report.kind().name().into(),
        reason: format!("report data: {e}"),
    })
}

fn stem_of(filename: &str) -> String {
    filename.trim_end_matches(".png").to_string()
}

type Parts = (String, Vec<InlineImage>, Vec<tables::CsvFile>);

/// Subject, charts and CSVs of a report.
fn parts(report: &Report) -> Result<Parts, ReportError> {
    let image = |filename: &str, bytes: Vec<u8>, partition: &str| InlineImage {
        content_id: format!("{}.{partition}@greenops", stem_of(filename)),
        filename: filename.to_string(),
        bytes,
    };
    Ok(match report {
        Report::DailyDigest(d) => {
            let title = format!(
                "Daily cost ({}) with forecast and 80 % interval",
                d.currency
            );
            let images = vec![image(
                "trend.png",
                charts::trend("trend.png", &title, &d.trend)?,
                &d.day,
            )];
            let subject = format!(
                "greenops daily cost digest · {} · {} {}",
                d.day, d.yesterday.actual, d.currency
            );
            (subject, images, tables::digest(d))
        }
        Report::EsgMonthly(d) => {
            let mut images = vec![image(
                "emissions_trend.png",
                charts::esg_trend("emissions_trend.png", "t CO2e per month", &d.trend)?,
                &d.month,
            )];
            if !d.by_provider.is_empty() {
                images.push(image(
                    "emissions_by_provider.png",
                    charts::bars(
                        "emissions_by_provider.png",
                        "t CO2e by provider (scope 2 location + scope 3)",
                        &d.by_provider,
                    )?,
                    &d.month,
                ));
            }
            let subject = format!(
                "greenops ESG report · {} · {} t CO2e",
                d.month, d.totals.total
            );
            (subject, images, tables::esg(d))
        }
        Report::SoxMonthly(d) => {
            let slices: Vec<crate::data::Slice> = d
                .by_account
                .iter()
                .map(|a| crate::data::Slice {
                    label: if a.name.is_empty() {
                        a.key.clone()
                    } else {
                        format!("{} ({})", a.name, a.key)
                    },
                    value: a.value,
                    display: a.billed.clone(),
                    share: String::new(),
                })
                .collect();
            let images = vec![image(
                "billed_by_account.png",
                charts::bars(
                    "billed_by_account.png",
                    &format!("Billed cost by account ({})", d.currency),
                    &slices,
                )?,
                &d.month,
            )];
            let status = if d.reconciled {
                "reconciled"
            } else {
                "NOT reconciled"
            };
            let subject = format!(
                "greenops SOX cost report · {} · {} {} · {status}",
                d.month, d.total_billed, d.currency
            );
            (subject, images, tables::sox(d))
        }
    })
}
