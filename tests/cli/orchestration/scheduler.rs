//! The scheduler: catch-up after downtime within the window, one enqueue per tick with two
//! schedulers, and scheduled runs executed by a worker.

use super::{Backend, Pipeline, field, on_both_backends, wait_child};
use std::collections::BTreeMap;
use std::time::Duration;

on_both_backends!(
    missed_ticks_are_caught_up_once_even_with_two_schedulers,
    the_long_running_scheduler_enqueues_on_cron_ticks,
);

const DAILY: &str = "  nightly:
    type: ingest
    source: monthly_focus
    partitioning: daily
    schedule: { cron: \"0 0 1 * * *\", timezone: UTC, catch_up: 3d }
";

fn missed_ticks_are_caught_up_once_even_with_two_schedulers(backend: Backend) {
    let p = Pipeline::new(backend, DAILY);
    let first = p.run(
        &["scheduler", "--once", "--now", "2026-03-01T12:00:00Z"],
        &[],
    );
    first.assert_code(0);
    assert!(
        first.stdout().contains("nightly: first start"),
        "{}",
        first.stdout()
    );
    assert!(p.runs().is_empty());

    // a week of downtime: ticks 03-02 .. 03-08 at 01:00 were missed; the window is 3 days
    let after = p.run(
        &["scheduler", "--once", "--now", "2026-03-08T12:00:00Z"],
        &[],
    );
    after.assert_code(0);
    let out = after.stdout();
    for day in ["2026-03-05", "2026-03-06", "2026-03-07"] {
        assert!(
            out.contains(&format!("nightly: enqueued partition {day}")),
            "{out}"
        );
    }
    assert!(
        out.contains("4 missed tick(s) older than the catch-up window"),
        "{out}"
    );

    // two schedulers at once: the next tick is enqueued by exactly one of them
    let args = ["scheduler", "--once", "--now", "2026-03-09T12:00:00Z"];
    let (a, b) = (p.spawn(&args, &[]), p.spawn(&args, &[]));
    let outs = [
        wait_child(a, Duration::from_secs(60)),
        wait_child(b, Duration::from_secs(60)),
    ];
    let enqueued: usize = outs
        .iter()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .matches("enqueued partition 2026-03-08")
                .count()
        })
        .sum();
    assert_eq!(enqueued, 1, "{outs:?}");

    let runs = p.runs();
    let mut partitions: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &runs {
        assert_eq!(field(r, "trigger"), "schedule");
        assert_eq!(field(r, "status"), "queued");
        *partitions.entry(field(r, "partition")).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = [
        ("2026-03-05", 1),
        ("2026-03-06", 1),
        ("2026-03-07", 1),
        ("2026-03-08", 1),
    ]
    .into();
    assert_eq!(partitions, expected);
    // re-running a pass for the same time enqueues nothing new
    p.run(&args, &[]).assert_code(0);
    assert_eq!(p.runs().len(), 4);
}

fn the_long_running_scheduler_enqueues_on_cron_ticks(backend: Backend) {
    // every second: each tick is for yesterday, so the first enqueues it and the rest find it live
    let p = Pipeline::new(
        backend,
        "  every_second:
    type: ingest
    source: monthly_focus
    partitioning: daily
    schedule: { cron: \"* * * * * *\", timezone: UTC }
",
    );
    let mut scheduler = p.spawn(&["scheduler"], &[]);
    p.wait_for("a tick to enqueue a run", Duration::from_secs(60), |runs| {
        !runs.is_empty()
    });
    std::thread::sleep(Duration::from_millis(2500));
    scheduler.kill().expect("stop the scheduler");
    let out = scheduler.wait_with_output().expect("scheduler output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("every_second: enqueued partition"),
        "{stdout}"
    );
    assert!(
        stdout.contains("already has a live run"),
        "later ticks see the live run:\n{stdout}"
    );
    let runs = p.runs();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(field(&runs[0], "trigger"), "schedule");
}
