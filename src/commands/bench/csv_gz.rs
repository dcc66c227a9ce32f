//! A CSV.gz file written row by row: text is buffered in chunks and compressed at gzip's fast
//! level, so memory stays flat whatever the row count.

use super::text::push_csv_field;
use anyhow::Context;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Hand the text to the compressor once this much is buffered.
const CHUNK: usize = 1 << 18;

/// An open CSV.gz file.
pub struct CsvGz {
    path: PathBuf,
    gz: GzEncoder<BufWriter<File>>,
    text: String,
    uncompressed: u64,
}

/// Sizes of a finished CSV.gz file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvGzSizes {
    /// CSV bytes before compression (header included).
    pub uncompressed: u64,
    /// Bytes of the file.
    pub compressed: u64,
}

impl CsvGz {
    /// Creates `path` (truncating it) and writes the header line.
    ///
    /// # Errors
    /// Creating the file.
    pub fn create(path: &Path, header: &[&str]) -> anyhow::Result<Self> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut text = String::with_capacity(CHUNK + 8192);
        text.push_str(&header.join(","));
        text.push('\n');
        Ok(Self {
            path: path.to_path_buf(),
            gz: GzEncoder::new(BufWriter::with_capacity(1 << 20, file), Compression::new(1)),
            text,
            uncompressed: 0,
        })
    }

    /// Appends one row (fields quoted where they need it).
    ///
    /// # Errors
    /// Writing the file.
    pub fn record(&mut self, cells: &[String]) -> anyhow::Result<()> {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            push_csv_field(&mut self.text, cell);
        }
        self.text.push('\n');
        if self.text.len() >= CHUNK {
            self.drain()?;
        }
        Ok(())
    }

    fn drain(&mut self) -> anyhow::Result<()> {
        self.gz
            .write_all(self.text.as_bytes())
            .with_context(|| format!("writing {}", self.path.display()))?;
        self.uncompressed += self.text.len() as u64;
        self.text.clear();
        Ok(())
    }

    /// Flushes everything and closes the file.
    ///
    /// # Errors
    /// Writing the file.
    pub fn finish(mut self) -> anyhow::Result<CsvGzSizes> {
        self.drain()?;
        let write_err = || format!("writing {}", self.path.display());
        let mut buffered = self.gz.finish().with_context(write_err)?;
        buffered.flush().with_context(write_err)?;
        drop(buffered);
        let compressed = std::fs::metadata(&self.path)
            .with_context(|| format!("reading {}", self.path.display()))?
            .len();
        Ok(CsvGzSizes {
            uncompressed: self.uncompressed,
            compressed,
        })
    }
}
