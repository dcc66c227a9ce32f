//! M4 Weekly (official train → test, h = 13): the forecaster against the naive and the
//! seasonal naive (m = 52).

use models::forecast::{ForecastConfig, forecast, naive_point, seasonal_naive_point};
use models::metrics::{coverage, mase, smape};

use crate::forecast_fixtures::{m4_published, m4_weekly, weekly_series};

/// Every `STRIDE`-th series (W1, W7, W13, …: 60 series) in debug builds, to keep the test under a
/// minute; all 359 in release builds (`cargo test -p models --release`).
const STRIDE: usize = if cfg!(debug_assertions) { 6 } else { 1 };

/// Sums over series: MASE and sMAPE of model, naive, seasonal naive; 80 % and 95 % coverage.
type Sums = [f64; 8];

fn score(series: &[(String, Vec<f64>, Vec<f64>)]) -> Sums {
    let config = ForecastConfig::default();
    let mut sums = [0.0; 8];
    for (id, train, test) in series {
        let f = forecast(&weekly_series(train), 13, &config).expect("forecast");
        assert!(f.fallback.is_none(), "{id}: {:?}", f.fallback);
        let points = [
            f.point.clone(),
            naive_point(train, 13),
            seasonal_naive_point(train, 52, 13),
        ];
        for (i, fc) in points.iter().enumerate() {
            sums[2 * i] += mase(train, test, fc, 1).expect("MASE");
            sums[2 * i + 1] += smape(test, fc).expect("sMAPE");
        }
        sums[6] += coverage(test, &f.lo80, &f.hi80).expect("coverage");
        sums[7] += coverage(test, &f.lo95, &f.hi95).expect("coverage");
    }
    sums
}

#[test]
fn forecaster_beats_naive_baselines_on_m4_weekly() {
    let data: Vec<_> = m4_weekly().into_iter().step_by(STRIDE).collect();
    let n = data.len();
    let half = n.div_ceil(2);
    let sums = std::thread::scope(|scope| {
        let parts: Vec<_> = data
            .chunks(half)
            .map(|part| scope.spawn(move || score(part)))
            .collect();
        parts
            .into_iter()
            .map(|p| p.join().expect("worker"))
            .fold([0.0; 8], |mut acc, s| {
                acc.iter_mut().zip(s).for_each(|(a, b)| *a += b);
                acc
            })
    });
    let [model, model_s, naive, naive_s, snaive, snaive_s, c80, c95] = sums.map(|v| v / n as f64);
    println!(
        "M4 Weekly, {n} of 359 series (stride {STRIDE}): MASE / sMAPE: model {model:.3} / \
         {model_s:.3}, naive {naive:.3} / {naive_s:.3}, seasonal naive (52) {snaive:.3} / \
         {snaive_s:.3}; coverage 80 % {c80:.3}, 95 % {c95:.3}. Published (all 359): Naive \
         {:.3} / {:.3}, Theta {:.3} / {:.3}",
        m4_published("Naive", "MASE_Weekly"),
        m4_published("Naive", "sMAPE_Weekly"),
        m4_published("Theta", "MASE_Weekly"),
        m4_published("Theta", "sMAPE_Weekly"),
    );
    assert!(model < naive, "MASE {model} vs naive {naive}");
    assert!(model < snaive, "MASE {model} vs seasonal naive {snaive}");
    assert!(model_s < naive_s, "sMAPE {model_s} vs naive {naive_s}");
    assert!((0.70..=0.90).contains(&c80), "80 % coverage {c80}");
    assert!((0.85..=1.0).contains(&c95), "95 % coverage {c95}");
}
