//! A minimal parser for NAB's `combined_windows.json`: an object mapping a file name to a list
//! of `[start, end]` timestamp-string pairs (`"2014-04-10 07:15:00.000000"`). Only that shape is
//! accepted (no numbers, nesting beyond it, or escapes other than `\"`, `\\` and `\/`).

use chrono::NaiveDateTime;

use super::windows::LabelledWindow;
use crate::anomaly::error::AnomalyError;

/// File names with their windows, in document order.
pub fn parse_windows_json(text: &str) -> Result<Vec<(String, Vec<LabelledWindow>)>, AnomalyError> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let mut out = Vec::new();
    p.expect(b'{')?;
    if !p.eat(b'}') {
        loop {
            let key = p.string()?;
            p.expect(b':')?;
            out.push((key, p.windows()?));
            if p.eat(b'}') {
                break;
            }
            p.expect(b',')?;
        }
    }
    p.skip_ws();
    if p.i != p.s.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(out)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> AnomalyError {
        AnomalyError::Parse {
            offset: self.i,
            message: message.to_string(),
        }
    }

    fn skip_ws(&mut self) {
        while self.s.get(self.i).is_some_and(|c| c.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), AnomalyError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(&format!("expected '{}'", c as char)))
        }
    }

    fn string(&mut self) -> Result<String, AnomalyError> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            match self.s.get(self.i) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(b'\\') => {
                    match self.s.get(self.i + 1) {
                        Some(c @ (b'"' | b'\\' | b'/')) => out.push(*c),
                        _ => return Err(self.err("unsupported escape")),
                    }
                    self.i += 2;
                }
                Some(c) => {
                    out.push(*c);
                    self.i += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| self.err("invalid UTF-8"))
    }

    fn timestamp(&mut self) -> Result<NaiveDateTime, AnomalyError> {
        let text = self.string()?;
        NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S%.f")
            .map_err(|e| self.err(&format!("bad timestamp {text:?}: {e}")))
    }

    fn windows(&mut self) -> Result<Vec<LabelledWindow>, AnomalyError> {
        let mut out = Vec::new();
        self.expect(b'[')?;
        if self.eat(b']') {
            return Ok(out);
        }
        loop {
            self.expect(b'[')?;
            let start = self.timestamp()?;
            self.expect(b',')?;
            let end = self.timestamp()?;
            self.expect(b']')?;
            out.push(LabelledWindow { start, end });
            if self.eat(b']') {
                return Ok(out);
            }
            self.expect(b',')?;
        }
    }
}
