//! The metric functions reproduce the published M4 Weekly Naive scores.

use models::forecast::naive_point;
use models::metrics::{mase, smape};

use crate::forecast_fixtures::{m4_published, m4_weekly};

#[test]
fn naive_reproduces_published_m4_weekly_scores() {
    let data = m4_weekly();
    let (mut s, mut m) = (0.0, 0.0);
    for (id, train, test) in &data {
        assert_eq!(test.len(), 13, "{id}: h = 13");
        let fc = naive_point(train, 13);
        s += smape(test, &fc).expect("sMAPE defined");
        m += mase(train, test, &fc, 1).expect("MASE defined");
    }
    let (s, m) = (s / data.len() as f64, m / data.len() as f64);
    let (ps, pm) = (
        m4_published("Naive", "sMAPE_Weekly"),
        m4_published("Naive", "MASE_Weekly"),
    );
    println!("M4 Weekly naive: sMAPE {s:.4} (published {ps:.3}), MASE {m:.4} (published {pm:.3})");
    assert!((s - ps).abs() < 5e-4, "sMAPE {s} vs published {ps}");
    assert!((m - pm).abs() < 5e-4, "MASE {m} vs published {pm}");
}
