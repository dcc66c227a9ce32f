//! Injected anomalies in synthetic daily cost series: found, typed, attributed; a clean series
//! raises no gated alert.

use models::anomaly::{
    AlertGate, AnomalyConfig, AnomalyKind, Detection, attribute, detect, gate_alerts,
};
use models::series::Series;

use crate::anomaly_synth::{Cell, breakdowns, cell_index, clean_cells, ramp, total};

const DAYS: usize = 365;
const SEED: u64 = 20_251_101;

/// AWS-style gate: at least $100 and 10 % over (or under) expected. Cells carry 4 % noise, so
/// the total moves ~1 % and a service ~2 % a day: 10 % is well clear of noise.
const GATE: AlertGate = AlertGate {
    min_abs_impact: 100.0,
    min_rel_impact: 0.10,
};

struct Injected {
    kind: AnomalyKind,
    day: usize,
    cell: (&'static str, &'static str, &'static str),
    /// Largest accepted delay (days) from the injection to the anomaly's onset.
    max_onset_delay: usize,
    /// Largest accepted delay (days) from the injection to the gated alert.
    max_alert_delay: usize,
}

const INJECTED: [Injected; 4] = [
    Injected {
        kind: AnomalyKind::Spike,
        day: 130,
        cell: ("AWSLambda", "prod", "us-east-1"),
        max_onset_delay: 0,
        max_alert_delay: 0,
    },
    Injected {
        kind: AnomalyKind::Drop,
        day: 175,
        cell: ("AmazonEC2", "prod", "us-east-1"),
        max_onset_delay: 0,
        max_alert_delay: 0,
    },
    Injected {
        kind: AnomalyKind::LevelShift,
        day: 220,
        cell: ("AmazonS3", "prod", "us-east-1"),
        max_onset_delay: 1,
        max_alert_delay: 2,
    },
    // +60 $/day for 10 days (~2 % of the total a day): the total is 10 % over its pre-ramp level
    // from day ~285, and the cumulative impact since the onset reaches 10 % a few days later.
    Injected {
        kind: AnomalyKind::NewServiceRamp,
        day: 280,
        cell: ("Bedrock", "data", "us-east-1"),
        max_onset_delay: 4,
        max_alert_delay: 9,
    },
];

fn injected_cells() -> Vec<Cell> {
    let mut cells = clean_cells(DAYS, SEED);
    for inj in &INJECTED {
        let (s, a, r) = inj.cell;
        let idx = cell_index(&cells, s, a, r);
        let cost = &mut cells[idx].cost;
        match inj.kind {
            AnomalyKind::Spike => cost[inj.day] += 1200.0,
            AnomalyKind::Drop => cost[inj.day] = 0.0,
            AnomalyKind::LevelShift => cost[inj.day..].iter_mut().for_each(|c| *c += 400.0),
            AnomalyKind::NewServiceRamp => *cost = ramp(DAYS, inj.day, 10, 600.0, SEED + 1),
        }
    }
    cells
}

fn run(series: &Series) -> Detection {
    detect(series, &AnomalyConfig::daily()).expect("detect")
}

#[test]
fn injected_anomalies_are_found_typed_and_attributed() {
    let cells = injected_cells();
    let total = total(&cells);
    let parts = breakdowns(&cells);
    let det = run(&total);
    let alerts = gate_alerts(&total, &det, &GATE);
    for a in &alerts {
        let an = &a.anomaly;
        println!(
            "alert day {:>3} (onset {:>3}..{:>3}) {:<16} impact {:>8.0} ({:>5.1} %) peak {:.2}",
            a.alert_index,
            an.start_index,
            an.end_index,
            an.kind.as_str(),
            an.impact,
            100.0 * an.impact_pct,
            an.peak_score
        );
    }
    for inj in &INJECTED {
        let alert = alerts
            .iter()
            .find(|a| (inj.day..=inj.day + inj.max_onset_delay).contains(&a.anomaly.start_index))
            .unwrap_or_else(|| {
                panic!(
                    "no anomaly starting in time for {:?} at day {}",
                    inj.kind, inj.day
                )
            });
        assert!(
            alert.alert_index - inj.day <= inj.max_alert_delay,
            "{:?} alerted on day {}",
            inj.kind,
            alert.alert_index
        );
        // On the total a new service is a sustained rise: a level shift; its own series names it.
        let want = if inj.kind == AnomalyKind::NewServiceRamp {
            AnomalyKind::LevelShift
        } else {
            inj.kind
        };
        assert_eq!(
            alert.anomaly.kind, want,
            "type of the total's anomaly at day {}",
            inj.day
        );
        let an = &alert.anomaly;
        let attr = attribute(
            &total,
            &parts,
            an.start,
            an.end,
            &AnomalyConfig::daily().baseline,
            3,
        );
        let (s, a, r) = inj.cell;
        for (dim, value) in [("service", s), ("account", a), ("region", r)] {
            let top = attr.in_dimension(dim).next().expect("a contributor");
            println!(
                "  {:?}: top {dim} = {} impact {:.0} share {:.2}",
                inj.kind, top.value, top.impact, top.share
            );
            assert_eq!(
                top.value, value,
                "top {dim} of the {:?} at day {}",
                inj.kind, inj.day
            );
        }
        let top_service = attr.in_dimension("service").next().expect("service");
        assert!(
            top_service.share > 0.6,
            "injected service explains most of the deviation"
        );
    }
    assert_eq!(
        alerts.len(),
        INJECTED.len(),
        "no other gated alert on the total"
    );
}

#[test]
fn new_service_series_is_typed_as_ramp() {
    let cells = injected_cells();
    let parts = breakdowns(&cells);
    let bedrock = parts
        .iter()
        .find(|b| b.dimension == "service" && b.value == "Bedrock")
        .expect("Bedrock breakdown");
    let det = run(&bedrock.series);
    let alerts = gate_alerts(&bedrock.series, &det, &GATE);
    assert_eq!(alerts.len(), 1, "one alert on the new service: {alerts:?}");
    let a = &alerts[0];
    assert_eq!(a.anomaly.kind, AnomalyKind::NewServiceRamp);
    assert_eq!(a.anomaly.start_index, INJECTED[3].day);
    assert!(
        a.alert_index <= INJECTED[3].day + 1,
        "alerted on day {}",
        a.alert_index
    );
}

#[test]
fn clean_series_raise_no_gated_alert() {
    let cells = clean_cells(DAYS, SEED);
    let total = total(&cells);
    let mut series = vec![("total".to_string(), total)];
    for b in breakdowns(&cells) {
        series.push((format!("{}={}", b.dimension, b.value), b.series));
    }
    let mut detected = 0;
    for (name, s) in &series {
        let det = run(s);
        detected += det.anomalies.len();
        let alerts = gate_alerts(s, &det, &GATE);
        assert!(alerts.is_empty(), "{name}: false alerts {alerts:?}");
    }
    println!(
        "clean: {} series, {detected} ungated anomalies, 0 gated alerts",
        series.len()
    );
}
