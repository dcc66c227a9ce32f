//! NAB fixtures for the anomaly tests: series loader and labelled windows (read from
//! `tests/fixtures/nab/`, never from the shared data folder).

use std::path::PathBuf;

use chrono::NaiveDateTime;
use models::anomaly::eval::{LabelledWindow, parse_windows_json};
use models::series::Series;

/// The fixture folder.
pub fn nab_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nab")
}

/// Loads one `timestamp,value` CSV (path relative to the fixture folder).
pub fn load_series(relative: &str) -> Series {
    let path = nab_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let (mut ts, mut vs) = (Vec::new(), Vec::new());
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (t, v) = line
            .split_once(',')
            .unwrap_or_else(|| panic!("bad line {line:?}"));
        ts.push(NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").expect("timestamp"));
        vs.push(v.trim().parse::<f64>().expect("value"));
    }
    Series::new(ts, vs)
}

/// All labelled windows, keyed by the relative file name.
pub fn windows() -> Vec<(String, Vec<LabelledWindow>)> {
    let text = std::fs::read_to_string(nab_dir().join("labels/combined_windows.json"))
        .expect("combined_windows.json");
    parse_windows_json(&text).expect("parse windows")
}

/// The labelled files of the given categories (folder names), sorted.
pub fn files_in(categories: &[&str]) -> Vec<(String, Vec<LabelledWindow>)> {
    let mut out: Vec<_> = windows()
        .into_iter()
        .filter(|(f, _)| categories.iter().any(|c| f.starts_with(&format!("{c}/"))))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
