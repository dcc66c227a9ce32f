//! Unit tests of the anomaly module on hand-worked examples.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use models::anomaly::baseline::expected_values;
use models::anomaly::eval::{
    FixedThreshold, LabelledWindow, WindowScore, onsets, parse_windows_json, score_windows,
};
use models::anomaly::events::flag_runs;
use models::anomaly::robust::{robust_scores, robust_z_scores};
use models::anomaly::stats::{median, median_mad, robust_z};
use models::anomaly::window::SortedWindow;
use models::anomaly::{
    AlertGate, Anomaly, AnomalyConfig, AnomalyKind, Breakdown, Detection, attribute, detect,
    gate_alerts,
};
use models::series::Series;

use crate::anomaly_synth::{Rng, days};

fn ts(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2014, 4, 10)
        .and_then(|d| d.and_hms_opt(h, m, 0))
        .expect("time")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn median_mad_and_robust_z_by_hand() {
    let sample = [1.0, 2.0, 3.0, 4.0, 100.0];
    // median 3; |x − 3| = 2, 1, 0, 1, 97 → MAD 1.
    assert_eq!(median_mad(&sample), Some((3.0, 1.0)));
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    let z = robust_z(10.0, &sample, 1e-9).expect("z");
    assert!(close(z, 7.0 / 1.4826), "{z}");
    // A constant sample divides by the floor.
    assert_eq!(robust_z(5.0, &[2.0; 4], 0.5), Some(6.0));
    assert_eq!(median(&[f64::NAN]), None);
}

#[test]
fn sorted_window_matches_direct_statistics() {
    let mut rng = Rng::new(7);
    let values: Vec<f64> = (0..400).map(|_| (rng.normal() * 10.0).round()).collect();
    let w = 25;
    let mut win = SortedWindow::default();
    for t in 0..values.len() {
        win.insert(values[t]);
        if t >= w {
            win.remove(values[t - w]);
        }
        let direct = median_mad(&values[(t + 1).saturating_sub(w)..=t]);
        assert_eq!(win.median_mad(), direct, "t = {t}");
    }
}

#[test]
fn robust_z_uses_only_the_trailing_window() {
    let mut cfg = AnomalyConfig::daily().robust;
    (cfg.window, cfg.warmup, cfg.min_scale_rel) = (6, 5, 0.0);
    let residuals = [0.0, 1.0, -1.0, 2.0, -2.0, 0.0, 10.0];
    let z = robust_z_scores(&residuals, &[100.0; 7], &cfg);
    // t = 5: window [0, 1, −1, 2, −2] → median 0, MAD 1 → z = 0.
    assert_eq!(z[5], 0.0);
    // t = 6: window [0, 1, −1, 2, −2, 0] → median 0, MAD 1 → z = 10 / 1.4826.
    assert!(close(z[6], 10.0 / 1.4826), "{}", z[6]);
    assert!(z[..5].iter().all(|z| *z == 0.0), "warm-up is not scored");
}

#[test]
fn tail_rule_raises_the_threshold_only_for_heavy_tails() {
    let mut cfg = AnomalyConfig::daily().robust;
    (cfg.warmup, cfg.sustain_threshold) = (0, 1e9);
    // Calm history (|z| ≤ 1.5): the fixed threshold 3.5 rules, z = 7 scores 2.
    let mut calm: Vec<f64> = (0..200).map(|i| [0.5, -1.0, 1.5, 0.0][i % 4]).collect();
    calm.push(7.0);
    assert!(close(
        *robust_scores(&calm, &cfg).point.last().expect("score"),
        2.0
    ));
    // One point in ten at |z| = 6: Q95(|z|) = 6, threshold 1.8 · 6 = 10.8, z = 7 scores < 1.
    let mut spiky: Vec<f64> = (0..200)
        .map(|i| if i % 10 == 0 { 6.0 } else { 0.5 })
        .collect();
    spiky.push(7.0);
    let s = *robust_scores(&spiky, &cfg).point.last().expect("score");
    assert!(close(s, 7.0 / 10.8), "{s}");
}

#[test]
fn baseline_is_exact_on_trend_plus_weekly_season() {
    let season = [10.0, 12.0, 11.0, 13.0, 12.0, 4.0, 3.0];
    let values: Vec<f64> = (0..120)
        .map(|t| 100.0 + 0.5 * t as f64 + season[t % 7])
        .collect();
    let expected = expected_values(&values, &AnomalyConfig::daily().baseline);
    assert!(expected[0].is_nan());
    for t in 42..values.len() {
        assert!(
            (expected[t] - values[t]).abs() < 1e-9,
            "t = {t}: {} vs {}",
            expected[t],
            values[t]
        );
    }
}

#[test]
fn scores_never_look_ahead() {
    let mut rng = Rng::new(3);
    let n = 300;
    let values: Vec<f64> = (0..n)
        .map(|t| 100.0 + 10.0 * ((t % 7) as f64) + rng.normal())
        .collect();
    let series = Series::new(days(n), values.clone());
    let cfg = AnomalyConfig::daily();
    let before = detect(&series, &cfg).expect("detect");
    let cut = 200;
    let mut changed = values;
    changed[cut..]
        .iter_mut()
        .for_each(|v| *v = *v * 3.0 + 500.0);
    let after = detect(&Series::new(days(n), changed), &cfg).expect("detect");
    assert!(before.density_fits > 0, "the density model was used");
    for (name, a, b) in [
        ("expected", &before.expected, &after.expected),
        ("robust_z", &before.robust_z, &after.robust_z),
        ("density", &before.density, &after.density),
        ("combined", &before.combined, &after.combined),
    ] {
        for t in 0..cut {
            assert!(
                a[t] == b[t] || (a[t].is_nan() && b[t].is_nan()),
                "{name}[{t}] moved"
            );
        }
    }
    assert!(
        after.anomalies.iter().any(|a| a.start_index == cut),
        "the change is found at once"
    );
}

#[test]
fn spike_drop_and_level_shift_are_typed() {
    let mut rng = Rng::new(11);
    let n = 200;
    let mut values: Vec<f64> = (0..n).map(|_| 100.0 + 2.0 * rng.normal()).collect();
    values[80] += 40.0;
    values[120] -= 40.0;
    values[160..].iter_mut().for_each(|v| *v += 30.0);
    let mut cfg = AnomalyConfig::daily();
    cfg.baseline.period = None;
    let det = detect(&Series::new(days(n), values), &cfg).expect("detect");
    let kind_at = |i: usize| {
        det.anomalies
            .iter()
            .find(|a| a.start_index == i)
            .map(|a| a.kind)
    };
    assert_eq!(kind_at(80), Some(AnomalyKind::Spike), "{:?}", det.anomalies);
    assert_eq!(kind_at(120), Some(AnomalyKind::Drop), "{:?}", det.anomalies);
    assert_eq!(
        kind_at(160),
        Some(AnomalyKind::LevelShift),
        "{:?}",
        det.anomalies
    );
}

#[test]
fn gate_needs_both_thresholds() {
    let gate = AlertGate {
        min_abs_impact: 100.0,
        min_rel_impact: 0.1,
    };
    assert!(gate.passes(150.0, 1000.0)); // $150, 15 %
    assert!(gate.passes(-150.0, 1000.0)); // under-spend counts too
    assert!(!gate.passes(90.0, 500.0)); // 18 % but only $90
    assert!(!gate.passes(150.0, 2000.0)); // $150 but 7.5 %
    assert!(gate.passes(150.0, 0.0)); // nothing was expected: +∞ %
}

#[test]
fn gate_alerts_at_first_point_passing_cumulatively() {
    let values = vec![100.0, 100.0, 130.0, 160.0, 190.0];
    let series = Series::new(days(5), values.clone());
    let anomaly = Anomaly {
        start_index: 2,
        end_index: 4,
        peak_index: 4,
        start: series.timestamps[2],
        end: series.timestamps[4],
        kind: AnomalyKind::LevelShift,
        kind_confirmed: true,
        peak_score: 2.0,
        actual: 480.0,
        expected: 300.0,
        impact: 180.0,
        impact_pct: 0.6,
    };
    let det = Detection {
        expected: vec![100.0; 5],
        impact_expected: vec![100.0; 5],
        anomalies: vec![anomaly],
        ..Detection::default()
    };
    // Cumulative: day 2 → $30 (30 %), day 3 → $90 (45 %), day 4 → $180 (60 %).
    let alerts = gate_alerts(
        &series,
        &det,
        &AlertGate {
            min_abs_impact: 50.0,
            min_rel_impact: 0.2,
        },
    );
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].alert_index, 3);
    assert!(close(alerts[0].impact_at_alert, 90.0) && close(alerts[0].impact_pct_at_alert, 0.45));
    let none = gate_alerts(
        &series,
        &det,
        &AlertGate {
            min_abs_impact: 200.0,
            min_rel_impact: 0.0,
        },
    );
    assert!(none.is_empty());
}

#[test]
fn window_scoring_by_hand() {
    let windows = [
        LabelledWindow {
            start: ts(10, 0),
            end: ts(11, 0),
        },
        LabelledWindow {
            start: ts(14, 0),
            end: ts(15, 0),
        },
    ];
    let detections = [
        ts(8, 0),
        ts(9, 0),
        ts(10, 15),
        ts(10, 30),
        ts(12, 0),
        ts(16, 0),
    ];
    let s = score_windows(&detections, &windows, Some(ts(8, 30)));
    // 08:00 is probationary; 10:15 detects window 1 (10:30 ignored); 09:00, 12:00, 16:00 are FPs.
    assert_eq!(
        (
            s.windows,
            s.true_positives,
            s.false_positives,
            s.false_negatives()
        ),
        (2, 1, 3, 1)
    );
    assert!(close(s.precision(), 0.25) && close(s.recall(), 0.5) && close(s.f1(), 1.0 / 3.0));
    assert_eq!(s.mean_delay(), Some(TimeDelta::minutes(15)));
    let mut total = WindowScore::default();
    total.add(&s);
    total.add(&score_windows(&[ts(14, 0)], &windows[1..], None));
    assert_eq!(
        (total.windows, total.true_positives, total.false_positives),
        (3, 2, 3)
    );
    assert_eq!(total.mean_delay(), Some(TimeDelta::seconds(450)));
    let empty = score_windows(&[], &[], None);
    assert_eq!(
        (empty.precision(), empty.recall(), empty.f1()),
        (1.0, 1.0, 1.0)
    );
}

#[test]
fn windows_json_parses_nab_format() {
    let text = r#"{
        "a/x.csv": [],
        "b/y.csv": [
            ["2014-04-10 07:15:00.000000", "2014-04-11 16:45:00.000000"],
            ["2014-04-12 00:00:00.000000", "2014-04-12 01:00:00.000000"]
        ]
    }"#;
    let parsed = parse_windows_json(text).expect("parse");
    assert_eq!(parsed.len(), 2);
    assert_eq!(parsed[0], ("a/x.csv".to_string(), vec![]));
    assert_eq!(parsed[1].1.len(), 2);
    assert_eq!(parsed[1].1[0].start, ts(7, 15));
    for bad in [
        "",
        "{",
        r#"{"a": [["x", "y"]]}"#,
        r#"{"a": []} extra"#,
        r#"{"a" []}"#,
    ] {
        assert!(parse_windows_json(bad).is_err(), "{bad:?} should not parse");
    }
}

#[test]
fn fixed_threshold_and_onsets() {
    let mut values: Vec<f64> = (0..100)
        .map(|i| if i % 2 == 0 { 9.0 } else { 11.0 })
        .collect();
    values[50] = 14.0; // mean 10, σ 1 over the first 15 → outside 10 ± 3
    values[51] = 13.5;
    values[70] = 12.9; // inside
    values[90] = 5.0;
    let flags = FixedThreshold::default().flags(&values);
    let flagged: Vec<usize> = (0..100).filter(|i| flags[*i]).collect();
    assert_eq!(flagged, vec![50, 51, 90]);
    assert_eq!(onsets(&flags, 2), vec![50, 90]);
    let runs = flag_runs(
        &[
            false, true, true, false, false, true, false, false, false, true,
        ],
        2,
    );
    assert_eq!(runs, vec![(1, 5), (9, 9)]);
}

#[test]
fn attribution_ranks_by_own_deviation() {
    let n = 60;
    let mut rng = Rng::new(5);
    let mut a: Vec<f64> = (0..n).map(|_| 100.0 + rng.normal()).collect();
    let mut b: Vec<f64> = (0..n).map(|_| 50.0 + rng.normal()).collect();
    let c: Vec<f64> = (0..n).map(|_| 30.0 + rng.normal()).collect();
    b[50] += 40.0;
    a[50] -= 10.0;
    let total: Vec<f64> = (0..n).map(|i| a[i] + b[i] + c[i]).collect();
    let t = days(n);
    let parts = vec![
        Breakdown::new("service", "A", Series::new(t.clone(), a)),
        Breakdown::new("service", "B", Series::new(t.clone(), b)),
        Breakdown::new("service", "C", Series::new(t.clone(), c)),
        // A new account: no history before day 50.
        Breakdown::new(
            "account",
            "new",
            Series::new(t[50..].to_vec(), vec![5.0; n - 50]),
        ),
        // One payer: the whole total again, so the largest impact, but no explanation.
        Breakdown::new("payer", "only", Series::new(t.clone(), total.clone())),
    ];
    let mut cfg = AnomalyConfig::daily().baseline;
    cfg.period = None;
    let attr = attribute(
        &Series::new(t.clone(), total),
        &parts,
        t[50],
        t[50],
        &cfg,
        2,
    );
    let services: Vec<&str> = attr
        .in_dimension("service")
        .map(|c| c.value.as_str())
        .collect();
    assert_eq!(
        services,
        vec!["B", "C"],
        "top 2 by impact in the total's direction"
    );
    let top = &attr.contributors[0];
    assert!(
        (top.impact - 40.0).abs() < 4.0 && top.share > 1.0,
        "{top:?}"
    );
    let order: Vec<&str> = attr
        .contributors
        .iter()
        .map(|c| c.dimension.as_str())
        .collect();
    assert_eq!(
        order,
        ["service", "service", "payer", "account"],
        "single-valued dimensions rank after informative ones, by impact among themselves"
    );
    let new = attr.in_dimension("account").next().expect("new account");
    assert_eq!((new.expected, new.actual), (0.0, 5.0));
    assert!(
        (attr.total_impact - 30.0).abs() < 5.0,
        "{}",
        attr.total_impact
    );
}

#[test]
fn defaults_follow_the_timestamp_spacing() {
    let five_min: Vec<NaiveDateTime> = (0..10)
        .map(|i| ts(0, 0) + TimeDelta::minutes(5 * i))
        .collect();
    let weekly: Vec<NaiveDateTime> = (0..10).map(|i| ts(0, 0) + TimeDelta::weeks(i)).collect();
    let cfg = |t: Vec<NaiveDateTime>| AnomalyConfig::for_series(&Series::new(t, vec![0.0; 10]));
    assert_eq!(cfg(days(10)).baseline.period, Some(7));
    assert_eq!(cfg(five_min).baseline.period, Some(288));
    assert_eq!(cfg(weekly).baseline.period, None);
    let mut bad = AnomalyConfig::daily();
    bad.robust.threshold = 0.0;
    assert!(detect(&Series::new(days(3), vec![1.0; 3]), &bad).is_err());
    let short = Series {
        timestamps: days(2),
        values: vec![1.0; 3],
    };
    assert!(detect(&short, &AnomalyConfig::daily()).is_err());
}
