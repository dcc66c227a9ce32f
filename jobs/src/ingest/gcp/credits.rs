//! The `credits` of a row: a list of `{id, full_name, type, name, amount}` records whose negative
//! amounts reduce the row's cost. Their sum is computed exactly, in units of 10⁻²⁴ (the
//! warehouse's money scale) from the amounts' decimal text, never through float arithmetic.

use super::literal::Lit;
use super::nested::{per_row, shorten};
use polars::prelude::*;
use warehouse::schema::MONEY_SCALE;

/// `Σ credits.amount` per row as decimal text (`"0"` for no credits), for [`Origin::money`].
///
/// Text cells may hold JSON or a Python literal list; NDJSON and Parquet hold a list of structs.
/// A cell that parses to anything but a list of records with numeric (or null) amounts is a bad
/// value in column `credits`.
///
/// [`Origin::money`]: crate::ingest::parse::Origin::money
pub fn credits_total(raw: Expr, file: &str) -> Expr {
    per_row(raw, file, "credits", |value| {
        let total = match value {
            None => 0,
            Some(v) => credit_sum(v)?,
        };
        Ok(Some(format_scaled(total)))
    })
}

/// The exact sum of the amounts of a credits list, in units of 10⁻²⁴.
///
/// # Errors
/// Not a list, an element that is not a record, an amount that is not a number, or a sum too
/// large for the money type.
pub fn credit_sum(credits: &Lit) -> Result<i128, String> {
    let items = match credits {
        Lit::Null => return Ok(0),
        Lit::List(items) => items,
        other => {
            return Err(format!(
                "credits must be a list of records, not {}",
                kind(other)
            ));
        }
    };
    let mut total: i128 = 0;
    for item in items {
        if !matches!(item, Lit::Dict(_)) {
            return Err(format!("a credit must be a record, not {}", kind(item)));
        }
        let amount = match item.get("amount") {
            None => return Err("a credit without an amount".into()),
            Some(Lit::Null) => continue,
            Some(Lit::Num(t) | Lit::Str(t)) => {
                scaled(t).map_err(|e| format!("credit amount {}: {e}", shorten(t)))?
            }
            Some(other) => {
                return Err(format!(
                    "a credit amount must be a number, not {}",
                    kind(other)
                ));
            }
        };
        total = total
            .checked_add(amount)
            .filter(|t: &i128| t.unsigned_abs() < 10u128.pow(38))
            .ok_or_else(|| "the credits add up to more than the money type holds".to_string())?;
    }
    Ok(total)
}

fn kind(v: &Lit) -> &'static str {
    match v {
        Lit::Null => "None",
        Lit::Bool(_) => "a boolean",
        Lit::Num(_) => "a number",
        Lit::Str(_) => "a string",
        Lit::List(_) => "a list",
        Lit::Dict(_) => "a record",
    }
}

/// Decimal text (sign, fraction, E-notation) in units of 10⁻²⁴; digits beyond the 24th decimal
/// place are rounded half away from zero.
///
/// # Errors
/// Text that is not a decimal number, or a value too large for `Decimal(38, 24)`.
pub fn scaled(text: &str) -> Result<i128, String> {
    let t = text.trim();
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => {
            let exp: i64 = t[i + 1..]
                .parse()
                .map_err(|_| "is not a decimal number".to_string())?;
            (&t[..i], exp)
        }
        None => (t, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part) {
        return Err("is not a decimal number".into());
    }
    let digits: String = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(0);
    }
    // value = digits × 10^(exponent − len(frac)); in money units: × 10^MONEY_SCALE
    let shift = exponent - frac_part.len() as i64 + MONEY_SCALE as i64;
    let too_large = || "is too large for the money type".to_string();
    let magnitude: i128 = if shift >= 0 {
        if digits.len() as i64 + shift > 38 {
            return Err(too_large());
        }
        let base: i128 = digits.parse().map_err(|_| too_large())?;
        base.checked_mul(10i128.pow(shift as u32))
            .ok_or_else(too_large)?
    } else {
        let drop = (-shift) as usize;
        if drop > digits.len() {
            0 // below half a unit of the 24th decimal place
        } else {
            let (keep, rest) = digits.split_at(digits.len() - drop);
            if keep.len() > 38 {
                return Err(too_large());
            }
            let kept: i128 = if keep.is_empty() {
                0
            } else {
                keep.parse().map_err(|_| too_large())?
            };
            let round_up = rest.as_bytes().first().is_some_and(|d| *d >= b'5');
            kept + i128::from(round_up)
        }
    };
    if magnitude >= 10i128.pow(38) {
        return Err(too_large());
    }
    Ok(if negative { -magnitude } else { magnitude })
}

/// Units of 10⁻²⁴ as plain decimal text (`-5000000000000000000` → `"-0.000005000000000000000000"`).
pub fn format_scaled(v: i128) -> String {
    let scale = MONEY_SCALE as u32;
    let unit = 10i128.pow(scale);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let unit = unit as u128;
    format!(
        "{sign}{}.{:0width$}",
        a / unit,
        a % unit,
        width = scale as usize
    )
}

#[cfg(test)]
mod tests {
    use super::super::literal::parse;
    use super::*;

    const UNIT: i128 = 1_000_000_000_000_000_000_000_000; // 10^24

    #[test]
    fn decimal_text_is_scaled_exactly() {
        assert_eq!(scaled("-5e-06").unwrap(), -5 * UNIT / 1_000_000);
        assert_eq!(scaled("1").unwrap(), UNIT);
        assert_eq!(scaled("+2.50").unwrap(), 5 * UNIT / 2);
        assert_eq!(scaled("1.25E+2").unwrap(), 125 * UNIT);
        assert_eq!(scaled(".5").unwrap(), UNIT / 2);
        assert_eq!(scaled("3.").unwrap(), 3 * UNIT);
        assert_eq!(scaled("-0.0").unwrap(), 0);
        assert_eq!(scaled("0e10").unwrap(), 0);
        assert_eq!(
            scaled("2.3198314011096954e-05").unwrap(),
            23_198_314_011_096_954_000
        );
        // the 25th decimal place rounds half away from zero
        assert_eq!(scaled("0.0000000000000000000000015").unwrap(), 2);
        assert_eq!(scaled("-0.0000000000000000000000014").unwrap(), -1);
        assert_eq!(scaled("1e-40").unwrap(), 0);
        assert_eq!(
            scaled("99999999999999.5").unwrap(),
            99_999_999_999_999 * UNIT + UNIT / 2
        );
    }

    #[test]
    fn malformed_or_huge_amounts_are_refused() {
        for bad in [
            "", "-", ".", "abc", "1e", "1.2.3", "1e5.5", "0x10", "1_000", "NaN", "inf",
        ] {
            assert!(scaled(bad).is_err(), "{bad:?}");
        }
        assert!(scaled("1e15").unwrap_err().contains("too large"));
        assert!(scaled("100000000000000").is_err());
        assert!(scaled("1e99999999999").is_err());
    }

    #[test]
    fn sums_are_formatted_as_plain_decimals() {
        assert_eq!(format_scaled(0), "0.000000000000000000000000");
        assert_eq!(
            format_scaled(-5 * UNIT / 1_000_000),
            "-0.000005000000000000000000"
        );
        assert_eq!(
            format_scaled(123 * UNIT + 1),
            "123.000000000000000000000001"
        );
    }

    #[test]
    fn credit_lists_add_up_exactly() {
        let python = parse(
            "[{'name': 'FreeTrial', 'amount': -5e-06, 'full_name': None, 'id': 'x', 'type': 'PROMOTION'}, \
             {'name': 'SUD', 'amount': -0.1, 'type': 'SUSTAINED_USAGE_DISCOUNT'}, {'amount': -0.2}]",
        )
        .unwrap();
        // 0.1 + 0.2 is 0.30000000000000004 in floats; here it is exact
        assert_eq!(
            format_scaled(credit_sum(&python).unwrap()),
            "-0.300005000000000000000000"
        );
        let json = parse(r#"[{"amount": "-1.5"}, {"amount": null}]"#).unwrap();
        assert_eq!(credit_sum(&json).unwrap(), -3 * UNIT / 2);
        assert_eq!(credit_sum(&parse("[]").unwrap()).unwrap(), 0);
        assert_eq!(credit_sum(&Lit::Null).unwrap(), 0);
    }

    #[test]
    fn credit_lists_of_the_wrong_shape_are_refused() {
        for (bad, why) in [
            ("{'amount': -1}", "must be a list"),
            ("[1, 2]", "must be a record"),
            ("[{'name': 'x'}]", "without an amount"),
            ("[{'amount': [1]}]", "must be a number"),
            ("[{'amount': 'lots'}]", "is not a decimal number"),
            (
                "[{'amount': 9e13}, {'amount': 9e13}]",
                "more than the money type holds",
            ),
        ] {
            let err = credit_sum(&parse(bad).unwrap()).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
