//! Metrics and baselines on hand-worked examples.

use models::forecast::intervals::{ErrorMatrix, quantile_sorted};
use models::forecast::{naive_point, seasonal_naive_point};
use models::metrics::{bias, coverage, mae, mase, mase_scale, msis, smape, wape};

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn smape_follows_the_m4_definition() {
    // 200·10/210 = 9.5238…, 200·20/380 = 10.5263…, mean 10.0250…
    let v = smape(&[100.0, 200.0], &[110.0, 180.0]).expect("defined");
    close(v, (200.0 * 10.0 / 210.0 + 200.0 * 20.0 / 380.0) / 2.0);
    close(smape(&[0.0, 10.0], &[0.0, 10.0]).expect("defined"), 0.0);
    close(smape(&[0.0], &[5.0]).expect("defined"), 200.0);
    assert_eq!(smape(&[], &[]), None);
}

#[test]
fn mase_scales_by_the_in_sample_seasonal_naive() {
    let train = [1.0, 3.0, 2.0, 5.0];
    close(mase_scale(&train, 1).expect("defined"), 2.0); // |2|, |−1|, |3|
    close(mase_scale(&train, 2).expect("defined"), 1.5); // |2−1|, |5−3|
    assert_eq!(mase_scale(&train, 4), None);
    close(mae(&[6.0, 4.0], &[5.0, 5.0]).expect("defined"), 1.0);
    close(
        mase(&train, &[6.0, 4.0], &[5.0, 5.0], 1).expect("defined"),
        0.5,
    );
    assert_eq!(
        mase(&[3.0, 3.0, 3.0], &[1.0], &[2.0], 1),
        None,
        "zero scale"
    );
}

#[test]
fn wape_bias_and_coverage() {
    close(wape(&[100.0, 50.0], &[90.0, 70.0]).expect("defined"), 20.0);
    close(
        bias(&[100.0, 50.0], &[90.0, 70.0]).expect("defined"),
        100.0 * 10.0 / 150.0,
    );
    close(bias(&[100.0], &[80.0]).expect("defined"), -20.0);
    assert_eq!(wape(&[0.0], &[1.0]), None);
    let c = coverage(
        &[1.0, 2.0, 3.0, 4.0],
        &[0.0, 2.5, 3.0, 0.0],
        &[2.0, 3.0, 3.0, 3.0],
    );
    close(c.expect("defined"), 0.5);
}

#[test]
fn msis_penalises_misses_by_two_over_alpha() {
    let train = [1.0, 3.0, 2.0, 5.0]; // scale 2
    close(
        msis(&train, &[10.0], &[8.0], &[12.0], 0.05, 1).expect("defined"),
        2.0,
    );
    // width 4 + 40 · (13 − 12) = 44, scaled: 22
    close(
        msis(&train, &[13.0], &[8.0], &[12.0], 0.05, 1).expect("defined"),
        22.0,
    );
    close(
        msis(&train, &[7.0], &[8.0], &[12.0], 0.05, 1).expect("defined"),
        22.0,
    );
}

#[test]
fn naive_and_seasonal_naive_points() {
    let history: Vec<f64> = (1..=9).map(f64::from).collect();
    assert_eq!(naive_point(&history, 3), vec![9.0, 9.0, 9.0]);
    assert_eq!(
        seasonal_naive_point(&history, 7, 9),
        vec![3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 3.0, 4.0]
    );
    assert_eq!(
        seasonal_naive_point(&history[..3], 7, 2),
        vec![3.0, 3.0],
        "short: naive"
    );
    assert!(naive_point(&[], 2).is_empty());
}

#[test]
fn conformal_quantiles_and_bands() {
    let sorted: Vec<f64> = (1..=9).map(f64::from).collect();
    close(quantile_sorted(&sorted, 0.9), 9.0); // rank ⌈0.9·10⌉ = 9
    close(quantile_sorted(&sorted, 0.5), 5.0);
    close(quantile_sorted(&sorted, 0.1), 1.0); // rank ⌊0.1·10⌋ = 1
    close(quantile_sorted(&sorted, 0.975), 9.0);

    // Errors ±1 at step 1 and ±2 at step 2: scales 1 and 2, standardised errors ±1.
    let mut m = ErrorMatrix::new();
    for sign in [1.0, -1.0, 1.0, -1.0, 1.0, -1.0] {
        m.push(vec![sign, 2.0 * sign]);
    }
    let b = m.bands(3);
    close(b.hi80[0], 1.0);
    close(b.lo80[1], -2.0);
    close(b.hi95[2], 2.0 * (1.5_f64).sqrt()); // √(3/2) extrapolation beyond step 2
    let sums = m.partial_sums(1);
    assert_eq!(sums.iter().next(), Some(&vec![1.0, 3.0]));
}
