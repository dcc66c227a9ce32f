//! Number formatting for people: thousands separators, fixed decimals, signed changes. Money
//! arrives as exact decimal text from the warehouse and is only regrouped, never re-rounded
//! through a float.

/// `1234567.891` → `1,234,567.89` (rounded half away from zero at `decimals`), from a float.
pub fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "n/a".into();
    }
    group(&format!("{:.*}", decimals, value))
}

/// Exact decimal text (`-1234.5`, `0.000001`) rounded to 2 decimals half away from zero and
/// grouped: `-1,234.50`. Text that is not a decimal is returned unchanged.
pub fn money(exact: &str) -> String {
    match round_decimal(exact.trim(), 2) {
        Some(rounded) => group(&rounded),
        None => exact.to_string(),
    }
}

/// `0.1234` → `+12.3 %`; `None` for a non-finite ratio.
pub fn signed_percent(ratio: f64) -> Option<String> {
    ratio.is_finite().then(|| {
        format!(
            "{}{:.1} %",
            if ratio >= 0.0 { "+" } else { "" },
            ratio * 100.0
        )
    })
}

/// `0.1234` → `12.3 %`.
pub fn percent(ratio: f64) -> String {
    if ratio.is_finite() {
        format!("{:.1} %", ratio * 100.0)
    } else {
        "n/a".into()
    }
}

/// Thousands separators on the integer part of `-1234567.89`.
fn group(text: &str) -> String {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    let negative_zero = out.chars().all(|c| c == '0' || c == ',')
        && frac.is_none_or(|f| f.chars().all(|c| c == '0'));
    let sign = if negative_zero { "" } else { sign };
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// Decimal text rounded half away from zero to `decimals` places, digits only (no floats).
fn round_decimal(text: &str, decimals: usize) -> Option<String> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let int = if int.is_empty() { "0" } else { int };
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut kept: Vec<u8> = int
        .bytes()
        .chain(frac.bytes().chain(std::iter::repeat(b'0')).take(decimals))
        .collect();
    let round_up = frac.as_bytes().get(decimals).is_some_and(|d| *d >= b'5');
    if round_up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let split = kept.len() - decimals;
    let int_part = String::from_utf8_lossy(&kept[..split])
        .trim_start_matches('0')
        .to_string();
    let int_part = if int_part.is_empty() {
        "0".to_string()
    } else {
        int_part
    };
    let frac_part = String::from_utf8_lossy(&kept[split..]).to_string();
    let sign = if negative { "-" } else { "" };
    Some(if decimals == 0 {
        format!("{sign}{int_part}")
    } else {
        format!("{sign}{int_part}.{frac_part}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_rounded_as_decimal_text() {
        assert_eq!(money("1234567.891"), "1,234,567.89");
        assert_eq!(money("0.005"), "0.01");
        assert_eq!(money("-0.004"), "0.00");
        assert_eq!(money("-1234.5"), "-1,234.50");
        assert_eq!(money("999.995"), "1,000.00");
        assert_eq!(money("12"), "12.00");
        assert_eq!(money("n/a"), "n/a");
        // a float would print 0.28499999… for this
        assert_eq!(money("0.285"), "0.29");
    }

    #[test]
    fn numbers_and_percentages() {
        assert_eq!(number(1234.5678, 1), "1,234.6");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(number(f64::NAN, 2), "n/a");
        assert_eq!(signed_percent(0.1234).unwrap(), "+12.3 %");
        assert_eq!(signed_percent(-0.5).unwrap(), "-50.0 %");
        assert!(signed_percent(f64::INFINITY).is_none());
        assert_eq!(percent(0.25), "25.0 %");
    }
}
