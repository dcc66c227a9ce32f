//! Source files: finding them, recognising their format, reading their header and hashing them.

use crate::error::{JobError, Result};
use polars::prelude::SerReader;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use warehouse::SourceFile;

/// Physical format of a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma-separated values, plain or gzip-compressed (detected from the magic bytes).
    Csv {
        /// Whether the bytes are gzip-compressed.
        gzip: bool,
    },
    /// Apache Parquet.
    Parquet,
    /// Newline-delimited JSON (one object per line, uncompressed), detected from the content:
    /// the first non-blank byte is `{`.
    NdJson,
}

/// One input file.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its format.
    pub format: FileFormat,
    /// Size in bytes.
    pub bytes: u64,
}

impl InputFile {
    /// Inspects `path`: size and format (from magic bytes, not the name).
    ///
    /// # Errors
    /// [`JobError::BadFile`] for empty or unreadable files.
    pub fn inspect(path: &Path) -> Result<Self> {
        let meta = std::fs::metadata(path).map_err(|e| JobError::io(path.display(), e))?;
        if meta.len() == 0 {
            return Err(JobError::BadFile {
                file: path.display().to_string(),
                reason: "the file is empty".into(),
            });
        }
        let mut head = Vec::with_capacity(4096);
        File::open(path)
            .and_then(|f| f.take(4096).read_to_end(&mut head))
            .map_err(|e| JobError::io(path.display(), e))?;
        let format = detect_format(&head);
        Ok(Self {
            path: path.to_path_buf(),
            format,
            bytes: meta.len(),
        })
    }

    /// Display form used in errors and lineage columns.
    pub fn display(&self) -> String {
        self.path.display().to_string()
    }

    /// SHA-256 of the raw bytes (as stored, i.e. compressed if compressed).
    ///
    /// # Errors
    /// I/O failures.
    pub fn describe(&self) -> Result<SourceFile> {
        let mut file = File::open(&self.path).map_err(|e| JobError::io(self.display(), e))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file
                .read(&mut buf)
                .map_err(|e| JobError::io(self.display(), e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(SourceFile {
            uri: self.display(),
            bytes: self.bytes,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    /// Column names: the CSV header line (BOM stripped), the Parquet schema, or the top-level keys
    /// of the first NDJSON object.
    ///
    /// # Errors
    /// [`JobError::BadFile`] when no header can be read.
    pub fn header(&self) -> Result<Vec<String>> {
        match self.format {
            FileFormat::NdJson => self.ndjson_keys(),
            FileFormat::Parquet => {
                let file = File::open(&self.path).map_err(|e| JobError::io(self.display(), e))?;
                let schema = polars::prelude::ParquetReader::<File>::new(file)
                    .schema()
                    .map_err(|e| JobError::BadFile {
                        file: self.display(),
                        reason: format!("not a readable Parquet file: {e}"),
                    })?;
                Ok(schema.iter_names().map(|n| n.to_string()).collect())
            }
            FileFormat::Csv { gzip } => {
                let file = File::open(&self.path).map_err(|e| JobError::io(self.display(), e))?;
                let reader: Box<dyn Read> = if gzip {
                    Box::new(flate2::read::MultiGzDecoder::new(file))
                } else {
                    Box::new(file)
                };
                let mut line = String::new();
                BufReader::new(reader)
                    .read_line(&mut line)
                    .map_err(|e| JobError::BadFile {
                        file: self.display(),
                        reason: format!("cannot read the header line: {e}"),
                    })?;
                let line = line
                    .trim_start_matches('\u{feff}')
                    .trim_end_matches(['\r', '\n']);
                if line.trim().is_empty() {
                    return Err(JobError::BadFile {
                        file: self.display(),
                        reason: "no header line".into(),
                    });
                }
                Ok(split_csv_header(line))
            }
        }
    }
}

impl InputFile {
    /// Top-level keys of the first object of an NDJSON file (the first non-blank line).
    fn ndjson_keys(&self) -> Result<Vec<String>> {
        let file = File::open(&self.path).map_err(|e| JobError::io(self.display(), e))?;
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(|e| JobError::BadFile {
                file: self.display(),
                reason: format!("cannot read the first JSON line: {e}"),
            })?;
            if n == 0 {
                return Err(JobError::BadFile {
                    file: self.display(),
                    reason: "no JSON object in the file".into(),
                });
            }
            if !line.trim_start_matches('\u{feff}').trim().is_empty() {
                break;
            }
        }
        match serde_json::from_str::<serde_json::Value>(line.trim_start_matches('\u{feff}')) {
            Ok(serde_json::Value::Object(map)) => Ok(map.keys().cloned().collect()),
            Ok(_) => Err(JobError::BadFile {
                file: self.display(),
                reason: "the first JSON line is not an object".into(),
            }),
            Err(e) => Err(JobError::BadFile {
                file: self.display(),
                reason: format!("the first line is not a JSON object: {e}"),
            }),
        }
    }
}

/// The format of a file from its first bytes: gzip and Parquet magic numbers, NDJSON when the
/// first non-blank byte (after an optional UTF-8 BOM) is `{`, CSV otherwise.
pub fn detect_format(head: &[u8]) -> FileFormat {
    if head.starts_with(&[0x1f, 0x8b]) {
        return FileFormat::Csv { gzip: true };
    }
    if head.starts_with(b"PAR1") {
        return FileFormat::Parquet;
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => FileFormat::NdJson,
        _ => FileFormat::Csv { gzip: false },
    }
}

/// Splits one CSV header line (quotes honoured; headers never span lines in billing exports).
pub fn split_csv_header(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

/// The input files at `path`: the file itself, or the files under the folder that `accept`
/// chooses (recursively, sorted), each inspected.
///
/// # Errors
/// [`JobError::BadPath`] when `path` does not exist; unreadable or empty files.
pub fn inputs_at(path: &Path, accept: impl Fn(&Path) -> bool) -> Result<Vec<InputFile>> {
    let paths = if path.is_dir() {
        files_under(path, accept)?
    } else if path.exists() {
        vec![path.to_path_buf()]
    } else {
        return Err(JobError::BadPath {
            path: path.into(),
            reason: "does not exist".into(),
        });
    };
    paths.iter().map(|p| InputFile::inspect(p)).collect()
}

/// Data files under `dir` (recursively, sorted): `.csv`, `.csv.gz`, `.gz`, `.parquet`.
///
/// # Errors
/// I/O failures while listing.
pub fn data_files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    files_under(dir, is_data_file)
}

/// Files under `dir` (recursively, sorted) that `accept` chooses.
///
/// # Errors
/// I/O failures while listing.
pub fn files_under(dir: &Path, accept: impl Fn(&Path) -> bool) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| JobError::io(d.display(), e))? {
            let path = entry.map_err(|e| JobError::io(d.display(), e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if accept(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Whether `path` is named like a CSV, gzip or Parquet data file.
pub fn is_data_file(path: &Path) -> bool {
    let name = lower_name(path);
    name.ends_with(".csv")
        || name.ends_with(".csv.gz")
        || name.ends_with(".gz")
        || name.ends_with(".parquet")
}

/// Whether `path` is named like a newline-delimited JSON file (`.json`, `.ndjson`, `.jsonl`).
pub fn is_ndjson_file(path: &Path) -> bool {
    let name = lower_name(path);
    name.ends_with(".json") || name.ends_with(".ndjson") || name.ends_with(".jsonl")
}

fn lower_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_headers() {
        assert_eq!(
            split_csv_header(r#""A","B ""x""",C"#),
            vec!["A", "B \"x\"", "C"]
        );
    }

    #[test]
    fn formats_are_detected_from_content() {
        assert_eq!(
            detect_format(b"\x1f\x8b\x08"),
            FileFormat::Csv { gzip: true }
        );
        assert_eq!(detect_format(b"PAR1...."), FileFormat::Parquet);
        assert_eq!(detect_format(b"\n  {\"a\": 1}\n"), FileFormat::NdJson);
        assert_eq!(detect_format(b"\xef\xbb\xbf{\"a\": 1}"), FileFormat::NdJson);
        assert_eq!(
            detect_format(b"a,b\n1,2\n"),
            FileFormat::Csv { gzip: false }
        );
        assert_eq!(detect_format(b""), FileFormat::Csv { gzip: false });
    }

    #[test]
    fn ndjson_header_is_the_first_objects_keys() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        std::fs::write(
            &p,
            "\n{\"cost\": 1, \"invoice\": {\"month\": \"202401\"}}\n{\"b\": 2}\n",
        )
        .unwrap();
        let f = InputFile::inspect(&p).unwrap();
        assert_eq!(f.format, FileFormat::NdJson);
        assert_eq!(f.header().unwrap(), vec!["cost", "invoice"]);
    }
}
