//! Forecaster behaviour on small constructed series: fallback, intervals, artifact, month end,
//! no peeking.

use chrono::NaiveDate;
use models::backtest::{BacktestConfig, rolling_origin};
use models::features::{Cadence, FeatureConfig, FeatureSpec, Spacing};
use models::forecast::{
    ForecastConfig, ForecastError, forecast, project_month_end, project_months, seasonal_naive,
    seasonal_naive_point,
};
use models::series::Series;

use crate::forecast_fixtures::{daily_series, weekly_series};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Deterministic weekly-seasonal daily cost with a small pseudo-random wiggle.
fn seasonal_daily(days: usize) -> Series {
    let values: Vec<f64> = (0..days)
        .map(|i| {
            let weekly = [100.0, 104.0, 103.0, 101.0, 98.0, 60.0, 55.0][i % 7];
            let wiggle = ((i * 7919 % 101) as f64 / 101.0 - 0.5) * 4.0;
            weekly + 0.05 * i as f64 + wiggle
        })
        .collect();
    daily_series(date(2024, 1, 1), &values) // a Monday
}

#[test]
fn short_history_falls_back_to_seasonal_naive_with_a_reason() {
    let s = seasonal_daily(10);
    let f = forecast(&s, 5, &ForecastConfig::default()).expect("forecast");
    let reason = f.fallback.as_deref().expect("fallback reason");
    assert!(
        reason.starts_with("history of 10 days is shorter than "),
        "{reason}"
    );
    assert_eq!(f.model, "seasonal_naive_7");
    assert_eq!(f.point, seasonal_naive_point(&s.values, 7, 5));
    for k in 0..5 {
        assert!(
            f.lo95[k] <= f.lo80[k] && f.lo80[k] <= f.point[k],
            "step {k}"
        );
        assert!(
            f.point[k] <= f.hi80[k] && f.hi80[k] <= f.hi95[k],
            "step {k}"
        );
        assert!(
            f.hi80[k] > f.lo80[k],
            "intervals come from the history's sNaive errors"
        );
    }
    let custom = ForecastConfig {
        min_history: Some(28),
        ..ForecastConfig::default()
    };
    let f = forecast(&s, 5, &custom).expect("forecast");
    assert_eq!(
        f.fallback.as_deref(),
        Some("history of 10 days is shorter than 28")
    );
    // A single observation: the naive value with degenerate intervals.
    let one = daily_series(date(2024, 1, 1), &[42.0]);
    let f = forecast(&one, 3, &ForecastConfig::default()).expect("forecast");
    assert_eq!(f.point, vec![42.0; 3]);
    assert_eq!(f.model, "naive");
}

#[test]
fn invalid_series_are_rejected() {
    let mut s = seasonal_daily(60);
    s.values[3] = f64::NAN;
    assert_eq!(
        forecast(&s, 7, &ForecastConfig::default()),
        Err(ForecastError::NonFinite { index: 3 })
    );
    let empty = Series::default();
    assert_eq!(
        forecast(&empty, 7, &ForecastConfig::default()),
        Err(ForecastError::EmptySeries)
    );
    let mut s = seasonal_daily(60);
    s.timestamps.swap(5, 6);
    assert_eq!(
        forecast(&s, 7, &ForecastConfig::default()),
        Err(ForecastError::Unordered { index: 6 })
    );
}

#[test]
fn regression_learns_the_weekly_shape_and_reports_its_artifact() {
    let s = seasonal_daily(200);
    let (train, test) = (&s.values[..186], &s.values[186..]);
    let prefix = Series::new(s.timestamps[..186].to_vec(), train.to_vec());
    let f = forecast(&prefix, 14, &ForecastConfig::default()).expect("forecast");
    assert_eq!(f.fallback, None);
    assert_eq!(f.model, "elasticnet_diff");
    assert_eq!(f.timestamps.first(), s.timestamps.get(186));
    let a = &f.artifact;
    assert_eq!(a.feature_names.len(), a.coefficients.len());
    assert!(a.feature_names.iter().any(|n| n == "dow_sat"));
    assert_eq!(a.training_start, s.timestamps.first().copied());
    assert_eq!(a.training_end, s.timestamps.get(185).copied());
    assert!(a.candidates.len() >= 2);
    assert!(a.validation.origins > 0 && a.validation.mae.is_some());
    let model_mae = models::metrics::mae(test, &f.point).expect("mae");
    let snaive_mae = models::metrics::mae(test, &seasonal_naive_point(train, 7, 14)).expect("mae");
    println!("weekly shape: model MAE {model_mae:.3}, seasonal naive MAE {snaive_mae:.3}");
    assert!(model_mae < snaive_mae, "{model_mae} vs {snaive_mae}");
    for k in 0..14 {
        assert!(f.lo95[k] <= f.lo80[k] && f.lo80[k] <= f.point[k] && f.point[k] <= f.hi80[k]);
        assert!(f.hi80[k] <= f.hi95[k]);
    }
}

#[test]
fn weekly_spacing_drops_daily_features() {
    let values: Vec<f64> = (0..120)
        .map(|i| 50.0 + (i as f64 * 0.3).sin() * 5.0)
        .collect();
    let s = weekly_series(&values);
    assert_eq!(Spacing::detect(&s.timestamps).cadence, Cadence::Weekly);
    let spec = FeatureSpec::resolve(&FeatureConfig::default(), &s.timestamps);
    assert!(!spec.day_of_week && !spec.month_flags);
    assert_eq!(spec.yearly_fourier, 4, "120 weeks span more than two years");
    assert!(spec.names().iter().any(|n| n == "year_sin1"));
    let f = forecast(&s, 13, &ForecastConfig::default()).expect("forecast");
    assert_eq!(f.len(), 13);
    assert_eq!((f.timestamps[0] - s.timestamps[119]).num_days(), 7);
}

#[test]
fn month_end_of_a_constant_series_is_exact() {
    let s = daily_series(date(2024, 1, 1), &[100.0; 75]); // to 2024-03-15
    let p = project_month_end(&s, date(2024, 3, 15), &ForecastConfig::default()).expect("proj");
    assert_eq!(
        (p.month_start, p.month_end),
        (date(2024, 3, 1), date(2024, 3, 31))
    );
    assert_eq!((p.days_observed, p.days_remaining), (15, 16));
    assert!((p.actual_to_date - 1500.0).abs() < 1e-9);
    assert!((p.total - 3100.0).abs() < 1e-6, "total {}", p.total);
    for bound in [p.lo80, p.hi80, p.lo95, p.hi95] {
        assert!((bound - 3100.0).abs() < 1e-6, "bound {bound}");
    }
}

#[test]
fn month_end_uses_only_data_up_to_as_of_and_brackets_the_total() {
    let s = seasonal_daily(120); // 2024-01-01 .. 2024-04-29
    let p = project_month_end(&s, date(2024, 3, 10), &ForecastConfig::default()).expect("proj");
    assert_eq!(p.last_observed, date(2024, 3, 10));
    assert_eq!((p.days_observed, p.days_remaining), (10, 21));
    assert_eq!(p.daily.len(), 21);
    assert!(p.lo95 <= p.lo80 && p.lo80 <= p.total && p.total <= p.hi80 && p.hi80 <= p.hi95);
    assert!(p.hi80 > p.lo80, "noisy series: a real interval");
    let actual: f64 = s.values[60..91].iter().sum(); // March
    let err = (p.total - actual).abs() / actual;
    println!(
        "month-end from day 10: total {:.1} vs actual {actual:.1} ({:.2} %)",
        p.total,
        100.0 * err
    );
    assert!(err < 0.05, "month-end error {err}");
    // Month already complete: the total is the actual.
    let done = project_month_end(&s, date(2024, 3, 31), &ForecastConfig::default()).expect("p");
    assert_eq!(done.days_remaining, 0);
    assert!((done.total - actual).abs() < 1e-9 && done.lo95 == done.total);
    assert!(
        project_month_end(
            &weekly_series(&[1.0; 30]),
            date(2000, 3, 1),
            &ForecastConfig::default()
        )
        .is_err()
    );
}

#[test]
fn one_fit_projects_every_month_the_horizon_touches() {
    let s = seasonal_daily(70); // 2024-01-01 .. 2024-03-10
    let config = ForecastConfig::default();
    let (daily, months) = project_months(&s, date(2024, 4, 30), &config).expect("months");
    assert_eq!(daily.len(), 51, "11 March days + 30 April days");
    let starts: Vec<_> = months.iter().map(|m| m.month_start).collect();
    assert_eq!(starts, [date(2024, 3, 1), date(2024, 4, 1)]);
    let (march, april) = (&months[0], &months[1]);
    assert_eq!((march.days_observed, march.days_remaining), (10, 21));
    assert_eq!((april.days_observed, april.days_remaining), (0, 30));
    assert_eq!(april.actual_to_date, 0.0);
    let april_points: f64 = daily.point[21..].iter().sum();
    assert!((april.total - april_points).abs() < 1e-9);
    assert!(april.lo95 <= april.lo80 && april.lo80 <= april.total);
    assert!(april.total <= april.hi80 && april.hi80 <= april.hi95 && april.hi80 > april.lo80);
    // the month of the last observation is what project_month_end says
    let alone = project_month_end(&s, date(2024, 3, 31), &config).expect("march");
    assert_eq!(alone.total, march.total);
    assert_eq!((alone.lo80, alone.hi95), (march.lo80, march.hi95));
}

#[test]
fn rolling_origin_never_shows_the_forecaster_the_future() {
    let s = seasonal_daily(100);
    let config = BacktestConfig {
        horizon: 7,
        origins: 4,
        step: 7,
        season: 7,
        min_train: 14,
    };
    let expected = config.origin_indices(s.len());
    assert_eq!(expected, vec![72, 79, 86, 93]);
    let mut seen = Vec::new();
    let (report, per_origin) = rolling_origin(&s, &config, |train, h| {
        seen.push(train.len());
        assert_eq!(train.values[..], s.values[..train.len()]);
        seasonal_naive(train, 7, h)
    })
    .expect("backtest");
    assert_eq!(seen, expected);
    assert_eq!(report.origins, 4);
    assert_eq!(per_origin.len(), 4);
    assert_eq!(
        report.model.mase, report.seasonal_naive.mase,
        "same method, same scores"
    );
}
