//! A small parser for the nested values BigQuery query results put into CSV cells: JSON, or the
//! Python `repr` of a list of dicts (`[{'name': 'X', 'amount': -5e-06, 'full_name': None}]`).
//!
//! Accepted: single- or double-quoted strings with Python/JSON escapes (`\\ \' \" \/ \a \b \f \n
//! \r \t \v \0`-`\777` octal, `\xhh`, `\uXXXX` incl. surrogate pairs, `\UXXXXXXXX`; an unknown
//! escape is kept as written, as Python does), `None`/`null`, `True`/`true`, `False`/`false`,
//! numbers (sign, fraction, E-notation), lists and dicts with optional trailing commas. Numbers
//! keep their source text so that money is never rounded through a float.

/// A parsed JSON or Python literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// `None` / `null`.
    Null,
    /// `True`/`False` / `true`/`false`.
    Bool(bool),
    /// A number, as written (`-5e-06`).
    Num(String),
    /// A string, unescaped.
    Str(String),
    /// A list.
    List(Vec<Lit>),
    /// A dict, keys in source order.
    Dict(Vec<(Lit, Lit)>),
}

impl Lit {
    /// The value of `key` in a dict with string keys.
    pub fn get(&self, key: &str) -> Option<&Lit> {
        match self {
            Lit::Dict(pairs) => pairs
                .iter()
                .find(|(k, _)| matches!(k, Lit::Str(s) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The scalar as text (strings as they are, numbers as written); `None` for null and containers.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            Lit::Str(s) | Lit::Num(s) => Some(s.clone()),
            Lit::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
            Lit::Null | Lit::List(_) | Lit::Dict(_) => None,
        }
    }
}

/// Deepest nesting accepted (keeps hostile input from exhausting the stack).
const MAX_DEPTH: usize = 64;

/// Parses one value; only whitespace may follow it.
///
/// # Errors
/// A description of the first problem and its character offset.
pub fn parse(text: &str) -> Result<Lit, String> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.unexpected("the end of the value"));
    }
    Ok(value)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, expected: &str) -> String {
        match self.peek() {
            Some(c) => format!("expected {expected} at offset {}, found {c:?}", self.pos),
            None => format!("expected {expected} at offset {}, found the end", self.pos),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Lit, String> {
        if depth > MAX_DEPTH {
            return Err(format!("nested deeper than {MAX_DEPTH} levels"));
        }
        self.skip_ws();
        match self.peek() {
            Some('[') => self.list(depth),
            Some('{') => self.dict(depth),
            Some(q @ ('\'' | '"')) => self.string(q).map(Lit::Str),
            Some(c) if c == '-' || c == '+' || c == '.' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_ascii_alphabetic() => self.word(),
            _ => Err(self.unexpected("a value")),
        }
    }

    fn list(&mut self, depth: usize) -> Result<Lit, String> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(']') {
                self.pos += 1;
                return Ok(Lit::List(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {}
                _ => return Err(self.unexpected("',' or ']'")),
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Lit, String> {
        self.pos += 1; // '{'
        let mut pairs = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some('}') {
                self.pos += 1;
                return Ok(Lit::Dict(pairs));
            }
            let key = self.value(depth + 1)?;
            if matches!(key, Lit::List(_) | Lit::Dict(_)) {
                return Err(format!(
                    "a list or dict is not a valid key (before offset {})",
                    self.pos
                ));
            }
            self.skip_ws();
            if self.peek() != Some(':') {
                return Err(self.unexpected("':'"));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            pairs.push((key, value));
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some('}') => {}
                _ => return Err(self.unexpected("',' or '}'")),
            }
        }
    }

    fn word(&mut self) -> Result<Lit, String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        match word.as_str() {
            "None" | "null" => Ok(Lit::Null),
            "True" | "true" => Ok(Lit::Bool(true)),
            "False" | "false" => Ok(Lit::Bool(false)),
            _ => Err(format!("unknown name {word:?} at offset {start}")),
        }
    }

    fn number(&mut self) -> Result<Lit, String> {
        let start = self.pos;
        if matches!(self.peek(), Some('-' | '+')) {
            self.pos += 1;
        }
        let int_digits = self.digits();
        let mut frac_digits = 0;
        if self.peek() == Some('.') {
            self.pos += 1;
            frac_digits = self.digits();
        }
        if int_digits + frac_digits == 0 {
            return Err(format!("malformed number at offset {start}"));
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some('-' | '+')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(format!("malformed exponent at offset {start}"));
            }
        }
        if self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("malformed number at offset {start}"));
        }
        Ok(Lit::Num(self.chars[start..self.pos].iter().collect()))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn string(&mut self, quote: char) -> Result<String, String> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(format!("unterminated string starting at offset {start}"));
            };
            self.pos += 1;
            match c {
                c if c == quote => return Ok(out),
                '\\' => self.escape(&mut out)?,
                c => out.push(c),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let at = self.pos - 1;
        let Some(c) = self.peek() else {
            return Err(format!("unterminated escape at offset {at}"));
        };
        self.pos += 1;
        match c {
            '\\' | '\'' | '"' | '/' => out.push(c),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\n' => {} // line continuation
            '0'..='7' => {
                let mut code = c.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            code = code * 8 + d;
                            self.pos += 1;
                        }
                        None => break,
                    }
                }
                out.push(char_of(code, at)?);
            }
            'x' => {
                let code = self.hex(2, at)?;
                out.push(char_of(code, at)?);
            }
            'U' => {
                let code = self.hex(8, at)?;
                out.push(char_of(code, at)?);
            }
            'u' => {
                let code = self.hex(4, at)?;
                if (0xD800..0xDC00).contains(&code) {
                    // a JSON surrogate pair: \uD83D\uDE00
                    if self.peek() == Some('\\') && self.chars.get(self.pos + 1) == Some(&'u') {
                        self.pos += 2;
                        let low = self.hex(4, at)?;
                        if (0xDC00..0xE000).contains(&low) {
                            let code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            out.push(char_of(code, at)?);
                            return Ok(());
                        }
                    }
                    return Err(format!("unpaired surrogate escape at offset {at}"));
                }
                out.push(char_of(code, at)?);
            }
            other => {
                // Python keeps unknown escapes as written
                out.push('\\');
                out.push(other);
            }
        }
        Ok(())
    }

    fn hex(&mut self, n: usize, at: usize) -> Result<u32, String> {
        let end = self.pos + n;
        if end > self.chars.len() {
            return Err(format!("truncated escape at offset {at}"));
        }
        let digits: String = self.chars[self.pos..end].iter().collect();
        let code = u32::from_str_radix(&digits, 16)
            .map_err(|_| format!("bad hexadecimal escape {digits:?} at offset {at}"))?;
        self.pos = end;
        Ok(code)
    }
}

fn char_of(code: u32, at: usize) -> Result<char, String> {
    char::from_u32(code).ok_or_else(|| format!("escape at offset {at} is not a character"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Lit {
        Lit::Str(v.into())
    }

    #[test]
    fn parses_the_python_repr_of_credits() {
        let text = "[{'name': 'FreeTrial:Credit-000000-B0BBA4-940A77', 'amount': -5e-06, \
                    'full_name': None, 'id': 'FreeTrial:Credit', 'type': 'PROMOTION'}]";
        let v = parse(text).unwrap();
        let Lit::List(items) = &v else {
            panic!("{v:?}")
        };
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].get("amount"), Some(&Lit::Num("-5e-06".into())));
        assert_eq!(items[0].get("full_name"), Some(&Lit::Null));
        assert_eq!(items[0].get("type"), Some(&s("PROMOTION")));
        assert_eq!(items[0].get("missing"), None);
    }

    #[test]
    fn parses_json_too() {
        let v = parse(r#"[{"name": "SUD", "amount": -1.25E+2, "ok": true, "x": null}]"#).unwrap();
        assert_eq!(
            v,
            Lit::List(vec![Lit::Dict(vec![
                (s("name"), s("SUD")),
                (s("amount"), Lit::Num("-1.25E+2".into())),
                (s("ok"), Lit::Bool(true)),
                (s("x"), Lit::Null),
            ])])
        );
        assert_eq!(parse(" [ ] ").unwrap(), Lit::List(vec![]));
        assert_eq!(parse("{}").unwrap(), Lit::Dict(vec![]));
    }

    #[test]
    fn handles_escapes_and_nesting() {
        assert_eq!(parse(r"'it\'s'").unwrap(), s("it's"));
        assert_eq!(parse(r#""a\"b\\c""#).unwrap(), s("a\"b\\c"));
        assert_eq!(parse(r"'tab\there\nnl'").unwrap(), s("tab\there\nnl"));
        assert_eq!(parse(r"'\xe9\u00e9\U0001F600'").unwrap(), s("éé😀"));
        assert_eq!(parse(r#""\ud83d\ude00""#).unwrap(), s("😀"));
        assert_eq!(parse(r"'\d'").unwrap(), s("\\d"));
        assert_eq!(parse("\"it's\"").unwrap(), s("it's"));
        assert_eq!(parse("'ünïcødé'").unwrap(), s("ünïcødé"));
        assert_eq!(
            parse("[[1, 2.5, .5, 3.], {'k': [True, False]},]").unwrap(),
            Lit::List(vec![
                Lit::List(vec![
                    Lit::Num("1".into()),
                    Lit::Num("2.5".into()),
                    Lit::Num(".5".into()),
                    Lit::Num("3.".into()),
                ]),
                Lit::Dict(vec![(
                    s("k"),
                    Lit::List(vec![Lit::Bool(true), Lit::Bool(false)])
                )]),
            ])
        );
    }

    #[test]
    fn rejects_what_is_neither_json_nor_a_python_literal() {
        for bad in [
            "",
            "[",
            "[{'amount': oops}]",
            "[{'amount': -5e-06}",
            "[{'amount' -5e-06}]",
            "{'a': 1} trailing",
            "'unterminated",
            "[1 2]",
            "[1e]",
            "[-]",
            "[12abc]",
            r"'\x4'",
            r#""\ud83d""#,
            "{[1]: 2}",
            "inf",
            "credits",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&deep).unwrap_err().contains("nested deeper"));
    }

    #[test]
    fn errors_say_where() {
        let err = parse("[{'amount': oops}]").unwrap_err();
        assert!(
            err.contains("\"oops\"") && err.contains("offset 12"),
            "{err}"
        );
    }
}
