//! Number and text formatting for CSV cells, appending to a reused `String` (no allocation per cell).

use std::fmt::{Arguments, Write as _};

/// Appends formatted text (`write!` into a `String` cannot fail).
pub fn push_fmt(s: &mut String, args: Arguments<'_>) {
    if s.write_fmt(args).is_err() {
        unreachable!("formatting into a String does not fail");
    }
}

/// `v` with at most `digits` fractional digits, trailing zeros dropped (`0.1056`, `3`).
pub fn decimal(v: f64, digits: usize) -> String {
    let mut s = String::new();
    push_decimal(&mut s, v, digits);
    s
}

/// Appends `v` with at most `digits` fractional digits, trailing zeros dropped.
pub fn push_decimal(s: &mut String, v: f64, digits: usize) {
    let start = s.len();
    push_fmt(s, format_args!("{v:.digits$}"));
    if s[start..].contains('.') {
        let keep = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(keep);
    }
    if &s[start..] == "-0" {
        s.truncate(start);
        s.push('0');
    }
}

/// Appends `v` in E-notation with a signed two-digit exponent, as Java and Python print small
/// doubles (`4.4450735368910374e-05`).
pub fn push_scientific(s: &mut String, v: f64) {
    let start = s.len();
    push_fmt(s, format_args!("{v:e}"));
    if let Some(e) = s[start..].find('e').map(|i| start + i) {
        let exp: i32 = s[e + 1..].parse().unwrap_or(0);
        s.truncate(e);
        let sign = if exp < 0 { '-' } else { '+' };
        push_fmt(s, format_args!("e{sign}{:02}", exp.abs()));
    }
}

/// Appends `cell` as a CSV field: quoted (with `"` doubled) when it holds a comma, quote or newline.
pub fn push_csv_field(out: &mut String, cell: &str) {
    if cell
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push('"');
        for ch in cell.chars() {
            if ch == '"' {
                out.push('"');
            }
            out.push(ch);
        }
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_like_cur_exports() {
        assert_eq!(decimal(0.1056000000001, 10), "0.1056");
        assert_eq!(decimal(3.0, 10), "3");
        assert_eq!(decimal(-0.0, 4), "0");
        assert_eq!(decimal(-1.5, 4), "-1.5");
        let mut s = String::new();
        push_scientific(&mut s, 4.4450735368910374e-05);
        assert_eq!(s, "4.4450735368910374e-05");
    }

    #[test]
    fn fields_with_commas_are_quoted() {
        let mut s = String::new();
        push_csv_field(&mut s, "Amazon Web Services, Inc.");
        s.push(',');
        push_csv_field(&mut s, "say \"hi\"");
        s.push(',');
        push_csv_field(&mut s, "plain");
        assert_eq!(s, "\"Amazon Web Services, Inc.\",\"say \"\"hi\"\"\",plain");
    }
}
