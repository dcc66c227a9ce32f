//! NAB window scoring (artificialWithAnomaly + realAWSCloudwatch, 23 labelled files, 36 windows)
//! of the anomaly detector against the fixed-threshold baseline (mean ± 3σ of the first 15 %),
//! plus the detector without its density model (ablation) and false alarms on the 5
//! artificialNoAnomaly files. Same settings for every file (`AnomalyConfig::for_series`), NAB's
//! probationary 15 % not scored, detections = anomaly onsets (baseline: onsets of flag runs with
//! the same merge gap). Run with `--nocapture` for the table.

use chrono::NaiveDateTime;
use models::anomaly::eval::{
    FixedThreshold, LabelledWindow, WindowScore, onsets, probationary_points, score_windows,
};
use models::anomaly::{AnomalyConfig, detect};
use models::series::Series;

use crate::nab_data::{files_in, load_series};

/// Detections of the three detectors on one series.
struct Detections {
    ours: Vec<NaiveDateTime>,
    robust_only: Vec<NaiveDateTime>,
    baseline: Vec<NaiveDateTime>,
}

fn detections(series: &Series) -> Detections {
    let cfg = AnomalyConfig::for_series(series);
    let starts = |cfg: &AnomalyConfig| -> Vec<NaiveDateTime> {
        let det = detect(series, cfg).expect("detect");
        det.anomalies.iter().map(|a| a.start).collect()
    };
    let mut robust_cfg = cfg.clone();
    robust_cfg.density = None;
    let flags = FixedThreshold::default().flags(&series.values);
    Detections {
        ours: starts(&cfg),
        robust_only: starts(&robust_cfg),
        baseline: onsets(&flags, cfg.events.merge_gap)
            .into_iter()
            .map(|i| series.timestamps[i])
            .collect(),
    }
}

#[derive(Default)]
struct Totals {
    ours: WindowScore,
    robust_only: WindowScore,
    baseline: WindowScore,
}

fn hours(s: &WindowScore) -> String {
    s.mean_delay().map_or("-".into(), |d| {
        format!("{:.1}", d.num_minutes() as f64 / 60.0)
    })
}

fn summary(name: &str, t: &Totals) {
    for (label, s) in [
        ("detector", &t.ours),
        ("robust only", &t.robust_only),
        ("fixed 3σ", &t.baseline),
    ] {
        println!(
            "{name:<22} {label:<12} windows {:>2} TP {:>2} FP {:>3}  P {:.3} R {:.3} F1 {:.3}  mean delay {} h",
            s.windows,
            s.true_positives,
            s.false_positives,
            s.precision(),
            s.recall(),
            s.f1(),
            hours(s)
        );
    }
}

fn score(series: &Series, windows: &[LabelledWindow], d: &Detections) -> [WindowScore; 3] {
    let from = Some(series.timestamps[probationary_points(series.len())]);
    [&d.ours, &d.robust_only, &d.baseline].map(|dets| score_windows(dets, windows, from))
}

#[test]
fn nab_detector_beats_fixed_threshold() {
    let files = files_in(&["artificialWithAnomaly", "realAWSCloudwatch"]);
    assert_eq!(files.len(), 23);
    assert_eq!(files.iter().map(|f| f.1.len()).sum::<usize>(), 36);
    println!(
        "{:<48} {:>3} | {:>9} | {:>9} | {:>9}",
        "file (TP FP F1)", "win", "detector", "robust", "fixed 3σ"
    );
    let mut by_category: Vec<(&str, Totals)> = vec![
        ("artificialWithAnomaly", Totals::default()),
        ("realAWSCloudwatch", Totals::default()),
    ];
    let mut all = Totals::default();
    for (file, windows) in &files {
        let series = load_series(file);
        let [ours, robust_only, baseline] = score(&series, windows, &detections(&series));
        let cell = |s: &WindowScore| {
            format!(
                "{} {:>2} {:.2}",
                s.true_positives,
                s.false_positives,
                s.f1()
            )
        };
        println!(
            "{:<48} {:>3} | {} | {} | {}",
            file.split('/').nth(1).unwrap_or(file),
            windows.len(),
            cell(&ours),
            cell(&robust_only),
            cell(&baseline)
        );
        for t in by_category
            .iter_mut()
            .filter(|(c, _)| file.starts_with(c))
            .map(|(_, t)| t)
            .chain([&mut all])
        {
            t.ours.add(&ours);
            t.robust_only.add(&robust_only);
            t.baseline.add(&baseline);
        }
    }
    for (name, t) in &by_category {
        summary(name, t);
    }
    summary("total (subset)", &all);
    assert!(
        all.ours.f1() > all.baseline.f1(),
        "window F1 {:.3} must beat the fixed threshold's {:.3}",
        all.ours.f1(),
        all.baseline.f1()
    );
    assert!(all.ours.precision() > all.baseline.precision());
    for (name, t) in &by_category {
        assert!(
            t.ours.f1() > t.baseline.f1(),
            "{name}: {:.3} vs {:.3}",
            t.ours.f1(),
            t.baseline.f1()
        );
    }
}

#[test]
fn nab_no_anomaly_files_false_alarms() {
    let files = files_in(&["artificialNoAnomaly"]);
    assert_eq!(files.len(), 5);
    let (mut ours, mut baseline) = (0, 0);
    let mut worst = 0;
    for (file, windows) in &files {
        assert!(windows.is_empty());
        let series = load_series(file);
        let [o, _, b] = score(&series, windows, &detections(&series));
        println!(
            "{file:<48} false alarms: detector {:>2}, fixed 3σ {:>2}",
            o.false_positives, b.false_positives
        );
        ours += o.false_positives;
        baseline += b.false_positives;
        worst = worst.max(o.false_positives);
    }
    println!("artificialNoAnomaly total false alarms: detector {ours}, fixed 3σ {baseline}");
    // The fixed band holds on these clean, bounded patterns; the detector may misfire, but not
    // more than once per 14-day file.
    assert!(worst <= 1, "a clean file raised {worst} false alarms");
}
