//! Hand-worked unknown-row estimates (methodology §4): AWS by cost, GCP by usage amount, and
//! what `Ccf` (embodied pseudo-kWh included, §6 D2) and `Corrected` put into the ratios.

use crate::common::{assert_close, instance_row};
use carbon::estimate::{UnknownRatios, estimate, estimate_unknown, flags};
use carbon::tables::Coefficients;
use carbon::usage::{Mode, Provider, UnknownBy, Usage, UsageKind};

fn unknown(by: UnknownBy, amount: f64, unit: &str) -> Usage {
    Usage::Unknown {
        by,
        amount,
        unit: unit.into(),
    }
}

/// AWS scope: one m5.xlarge day (cost 4.608 $, unit Hrs) and one gp2 volume (cost 10 $, GB-Mo).
fn aws_ratios(mode: Mode) -> UnknownRatios {
    let c = Coefficients::ccf_app();
    let mut ratios = UnknownRatios::new(mode);
    let m5 = instance_row(Provider::Aws, "m5.xlarge", 24.0);
    let e = estimate(&m5, Provider::Aws, "us-east-1", mode, c);
    ratios.add_known(UnknownBy::Cost, "Hrs", 4.608, &e);
    let gp2 = Usage::Storage {
        tb_hours: 72.0,
        ssd: true,
        replication: Some("EC2_EBS_VOLUME".into()),
    };
    let e = estimate(&gp2, Provider::Aws, "us-east-1", mode, c);
    ratios.add_known(UnknownBy::Cost, "GB-Mo", 10.0, &e);
    ratios
}

#[test]
fn aws_unknown_rows_scale_by_cost_per_pricing_unit() {
    let c = Coefficients::ccf_app();
    let nat = unknown(UnknownBy::Cost, 1.152, "Hrs");
    // Ccf: known Hrs kWh = compute 0.2674968 + embodied pseudo-kWh 0.030309990069277035
    //   + memory add-on 0.1346683856 = 0.43247517566927703 for 4.608 $;
    //   NAT gateway 1.152 $ = 4.608 / 4 → 0.43247517566927703 / 4 = 0.10811879391731926 kWh
    let ratios = aws_ratios(Mode::Ccf);
    let e = estimate_unknown(&nat, Provider::Aws, "us-east-1", &ratios, c).expect("unknown");
    assert_eq!(e.kind, UsageKind::Unknown);
    assert_close(e.kwh, 0.10811879391731926);
    // t = 0.10811879391731926 × 0.000379069 = 4.0984483091444295e-5
    assert_close(e.location_t, 4.0984483091444295e-5);
    assert_eq!(
        e.flags,
        vec![flags::UNKNOWN_ESTIMATED, flags::UNKNOWN_BY_COST]
    );
    // Corrected: no pseudo-kWh: (0.2674968 + 0.1346683856) / 4 = 0.4021651856 / 4 = 0.1005412964
    let ratios = aws_ratios(Mode::Corrected);
    let e = estimate_unknown(&nat, Provider::Aws, "us-east-1", &ratios, c).expect("unknown");
    assert_close(e.kwh, 0.1005412964);
    // per unit: a GB-Mo unknown row of 5 $ gets 0.196128 / 10 × 5 = 0.098064 kWh in both modes
    let snap = unknown(UnknownBy::Cost, 5.0, "GB-Mo");
    for mode in [Mode::Ccf, Mode::Corrected] {
        let e = estimate_unknown(&snap, Provider::Aws, "us-east-1", &aws_ratios(mode), c);
        assert_close(e.expect("unknown").kwh, 0.098064);
    }
}

#[test]
fn no_ratio_for_the_unit_estimates_zero_and_flags_it() {
    let c = Coefficients::ccf_app();
    let ratios = aws_ratios(Mode::Ccf);
    let e = estimate_unknown(
        &unknown(UnknownBy::Cost, 3.0, "Requests"),
        Provider::Aws,
        "us-east-1",
        &ratios,
        c,
    )
    .expect("unknown");
    assert_eq!((e.kwh, e.location_t), (0.0, 0.0));
    assert!(e.flags.contains(&flags::UNKNOWN_NO_RATIO));
    // a usage-scaled row does not borrow cost-scaled totals of the same unit
    let by_usage = unknown(UnknownBy::Usage, 3.0, "Hrs");
    let e = estimate_unknown(&by_usage, Provider::Aws, "us-east-1", &ratios, c).expect("unknown");
    assert_eq!(e.kwh, 0.0);
    // known usage is not an unknown row
    assert!(
        estimate_unknown(
            &Usage::Networking { gb: 1.0 },
            Provider::Aws,
            "x",
            &ratios,
            c
        )
        .is_none()
    );
    assert!(UnknownRatios::new(Mode::Ccf).is_empty() && !ratios.is_empty());
}

#[test]
fn gcp_unknown_rows_scale_by_usage_amount() {
    let c = Coefficients::ccf_app();
    // known: 345600 vCPU-seconds of n1-standard-4 in us-central1 (unit "seconds")
    let n1 = instance_row(Provider::Gcp, "n1-standard-4", 24.0);
    let other_seconds = unknown(UnknownBy::Usage, 86400.0, "seconds");
    for (mode, expected) in [
        // Ccf: (0.3058272 + 4.786244292237443e-5 / 0.000456) / 345600 × 86400
        //   = 0.41078869763678603 / 4 = 0.10269717440919651
        (Mode::Ccf, 0.10269717440919651),
        // Corrected: 0.3058272 / 4 = 0.0764568
        (Mode::Corrected, 0.0764568),
    ] {
        let mut ratios = UnknownRatios::new(mode);
        let e = estimate(&n1, Provider::Gcp, "us-central1", mode, c);
        ratios.add_known(UnknownBy::Usage, "seconds", 345600.0, &e);
        // known memory: 2400 GB-h = 2400 × 2^30 × 3600 byte-seconds in europe-west1 → 1.025472 kWh
        let byte_seconds = 2400.0 * 1_073_741_824.0 * 3600.0;
        let m = estimate(
            &Usage::Memory { gb_hours: 2400.0 },
            Provider::Gcp,
            "europe-west1",
            mode,
            c,
        );
        ratios.add_known(UnknownBy::Usage, "byte-seconds", byte_seconds, &m);
        let e = estimate_unknown(&other_seconds, Provider::Gcp, "us-central1", &ratios, c)
            .expect("unknown");
        assert_close(e.kwh, expected);
        assert_close(e.location_t, expected * 0.000456);
        assert!(e.flags.contains(&flags::UNKNOWN_BY_USAGE));
        // a tenth of the known byte-seconds → a tenth of 1.025472 kWh = 0.1025472
        let unknown_bytes = unknown(UnknownBy::Usage, byte_seconds / 10.0, "byte-seconds");
        let e = estimate_unknown(&unknown_bytes, Provider::Gcp, "us-east1", &ratios, c)
            .expect("unknown");
        assert_close(e.kwh, 0.1025472);
    }
}
