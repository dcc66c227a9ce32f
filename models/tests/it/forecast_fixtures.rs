//! Loaders for the forecasting fixtures under `tests/fixtures/` (copies of the shared data with
//! provenance; the tests never read anything else).

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use models::series::Series;

/// Text of a fixture file.
pub fn read(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Rows of an M4 wide CSV (`"V1"` id column, ragged values): (id, values).
pub fn m4_wide(relative: &str) -> Vec<(String, Vec<f64>)> {
    read(relative)
        .lines()
        .skip(1)
        .map(|line| {
            let mut cells = line.split(',').map(|c| c.trim_matches('"'));
            let id = cells.next().unwrap_or_default().to_string();
            let values = cells
                .filter(|c| !c.is_empty())
                .map(|c| {
                    c.parse::<f64>()
                        .unwrap_or_else(|e| panic!("{id}: bad value {c}: {e}"))
                })
                .collect();
            (id, values)
        })
        .collect()
}

/// M4 Weekly: (id, train, test) for all 359 series.
pub fn m4_weekly() -> Vec<(String, Vec<f64>, Vec<f64>)> {
    let train = m4_wide("m4/Weekly-train.csv");
    let test = m4_wide("m4/Weekly-test.csv");
    assert_eq!(train.len(), 359, "M4 Weekly has 359 series");
    train
        .into_iter()
        .zip(test)
        .map(|((id, tr), (id2, te))| {
            assert_eq!(id, id2, "train and test rows align");
            (id, tr, te)
        })
        .collect()
}

/// A weekly series on a synthetic calendar (M4 gives no dates: Mondays from 2000-01-03).
pub fn weekly_series(values: &[f64]) -> Series {
    let start = at_midnight(NaiveDate::from_ymd_opt(2000, 1, 3).expect("valid date"));
    let ts = (0..values.len())
        .map(|i| start + TimeDelta::days(7 * i as i64))
        .collect();
    Series::new(ts, values.to_vec())
}

/// A daily series starting at `start`.
pub fn daily_series(start: NaiveDate, values: &[f64]) -> Series {
    let start = at_midnight(start);
    let ts = (0..values.len())
        .map(|i| start + TimeDelta::days(i as i64))
        .collect();
    Series::new(ts, values.to_vec())
}

/// Midnight of a date.
pub fn at_midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).expect("midnight exists")
}

/// WorkshopCUR daily total cost (92 days, 2018-10-01..2018-12-31).
pub fn cur_daily_total() -> Series {
    let (mut ts, mut values) = (Vec::new(), Vec::new());
    for line in read("cur_workshop/daily_cost_total.csv").lines().skip(1) {
        let (date, cost) = line.split_once(',').expect("two columns");
        ts.push(at_midnight(date.parse().expect("ISO date")));
        values.push(cost.parse().expect("cost"));
    }
    Series::new(ts, values)
}

/// A published M4 score: `column` (e.g. `sMAPE_Weekly`) of the row whose method is `method`.
pub fn m4_published(method: &str, column: &str) -> f64 {
    let text = read("m4/m4_point_forecasts_by_frequency.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == column)
        .expect("column exists");
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|cells| cells[0] == method)
        .map(|cells| cells[col].parse().expect("number"))
        .unwrap_or_else(|| panic!("method {method} not in the published table"))
}
