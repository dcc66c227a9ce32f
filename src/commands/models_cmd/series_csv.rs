//! Two-column `timestamp,value` CSV files (with a header) in and out of [`models::series::Series`].

use chrono::{NaiveDate, NaiveDateTime};
use jobs::JobError;
use models::series::Series;
use std::path::Path;

/// Timestamp layouts accepted on input (a trailing `Z` is also accepted: times are UTC).
const LAYOUTS: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

/// Reads a `timestamp,value` CSV: a header, then one row per observation in ascending time.
///
/// # Errors
/// [`JobError::BadFile`] or [`JobError::BadValue`] naming the file, row and column.
pub fn read(path: &Path) -> Result<Series, JobError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| JobError::BadFile {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    let mut lines = text.lines();
    let header = lines.next().ok_or_else(|| JobError::BadFile {
        file: file.clone(),
        reason: "empty file: expected a header `timestamp,value`".into(),
    })?;
    let names: Vec<&str> = header.trim_start_matches('\u{feff}').split(',').collect();
    if names.len() != 2 {
        return Err(JobError::BadFile {
            file,
            reason: format!("expected two columns (timestamp,value), the header has {names:?}"),
        });
    }
    let bad = |row: usize, column: &str, reason: String| JobError::BadValue {
        file: file.clone(),
        row: row as u64,
        column: column.trim().to_string(),
        reason,
    };
    let mut series = Series::default();
    for (i, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let row = i + 1;
        let fields: Vec<&str> = line.split(',').collect();
        let [t, v] = fields[..] else {
            return Err(bad(
                row,
                names[0],
                format!("expected 2 fields, found {}", fields.len()),
            ));
        };
        let t = parse_time(t.trim().trim_matches('"'))
            .ok_or_else(|| bad(row, names[0], format!("`{t}` is not a date or date-time")))?;
        let v: f64 = v
            .trim()
            .trim_matches('"')
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| bad(row, names[1], format!("`{v}` is not a finite number")))?;
        if let Some(last) = series.timestamps.last()
            && t <= *last
        {
            return Err(bad(
                row,
                names[0],
                format!("{t} is not after the previous row's {last}: rows must ascend in time"),
            ));
        }
        series.timestamps.push(t);
        series.values.push(v);
    }
    if series.is_empty() {
        return Err(JobError::BadFile {
            file,
            reason: "no rows after the header".into(),
        });
    }
    Ok(series)
}

fn parse_time(text: &str) -> Option<NaiveDateTime> {
    let text = text.strip_suffix('Z').unwrap_or(text);
    LAYOUTS
        .iter()
        .find_map(|layout| NaiveDateTime::parse_from_str(text, layout).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

/// Writes a CSV with a `timestamp` column and the given value columns; timestamps are dates
/// when every one is at midnight, else `YYYY-MM-DD HH:MM:SS`. Numbers use Rust's shortest
/// round-trip form, so a rerun writes the same bytes.
///
/// # Errors
/// The file cannot be written.
pub fn write(
    path: &Path,
    timestamps: &[NaiveDateTime],
    columns: &[(&str, Vec<String>)],
) -> std::io::Result<()> {
    let dates = timestamps
        .iter()
        .all(|t| t.time() == chrono::NaiveTime::MIN);
    let mut out = String::from("timestamp");
    for (name, _) in columns {
        out.push(',');
        out.push_str(name);
    }
    out.push('\n');
    for (i, t) in timestamps.iter().enumerate() {
        let layout = if dates {
            "%Y-%m-%d"
        } else {
            "%Y-%m-%d %H:%M:%S"
        };
        out.push_str(&t.format(layout).to_string());
        for (_, values) in columns {
            out.push(',');
            out.push_str(&values[i]);
        }
        out.push('\n');
    }
    std::fs::write(path, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_the_usual_layouts() {
        for text in [
            "2018-10-01",
            "2018-10-01 00:00:00",
            "2018-10-01T00:00:00Z",
            "2018-10-01 00:00",
        ] {
            assert_eq!(
                parse_time(text),
                NaiveDate::from_ymd_opt(2018, 10, 1).and_then(|d| d.and_hms_opt(0, 0, 0)),
                "{text}"
            );
        }
        assert_eq!(parse_time("01/10/2018"), None);
    }
}
