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
        let mut magic = [0u8; 4];
        let n = File::open(path)
            .and_then(|mut f| f.read(&mut magic))
            .map_err(|e| JobError::io(path.display(), e))?;
        let format = if n >= 2 && magic[..2] == [0x1f, 0x8b] {
            FileFormat::Csv { gzip: true }
        } else if n == 4 && &magic == b"PAR1" {
            FileFormat::Parquet
        } else {
            FileFormat::Csv { gzip: false }
        };
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

    /// Column names: the CSV header line (BOM stripped), or the Parquet schema.
    ///
    /// # Errors
    /// [`JobError::BadFile`] when no header can be read.
    pub fn header(&self) -> Result<Vec<String>> {
        match self.format {
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

/// Data files under `dir` (recursively, sorted): `.csv`, `.csv.gz`, `.gz`, `.parquet`.
///
/// # Errors
/// I/O failures while listing.
pub fn data_files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| JobError::io(d.display(), e))? {
            let path = entry.map_err(|e| JobError::io(d.display(), e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else if is_data_file(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_data_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_ascii_lowercase();
    name.ends_with(".csv")
        || name.ends_with(".csv.gz")
        || name.ends_with(".gz")
        || name.ends_with(".parquet")
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
}
