//! Window-based precision, recall, F1 and detection delay.
//!
//! Rules: a detection inside a labelled window (inclusive bounds) is a true positive for that
//! window, once — later detections in an already-detected window are ignored; a detection
//! outside every window is a false positive; a window without detection is a false negative.
//! Detections before `scored_from` (NAB's probationary period) are ignored. The delay of a
//! detected window is its first detection minus the window start.
//!
//! Conventions for empty cases: precision with no counted detection is 1 (no false alarm),
//! recall with no window is 1, F1 is the harmonic mean of the two (0 when either is 0).

use chrono::{NaiveDateTime, TimeDelta};

/// A labelled anomaly window, bounds inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelledWindow {
    /// First timestamp of the window.
    pub start: NaiveDateTime,
    /// Last timestamp of the window.
    pub end: NaiveDateTime,
}

/// Counts of one file, or aggregated over files with [`WindowScore::add`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowScore {
    /// Labelled windows.
    pub windows: usize,
    /// Windows with at least one detection.
    pub true_positives: usize,
    /// Detections outside every window.
    pub false_positives: usize,
    /// Delay (first detection − window start) of every detected window.
    pub delays: Vec<TimeDelta>,
}

impl WindowScore {
    /// Windows without detection.
    pub fn false_negatives(&self) -> usize {
        self.windows - self.true_positives
    }

    /// `TP / (TP + FP)`, 1 without counted detections.
    pub fn precision(&self) -> f64 {
        let d = self.true_positives + self.false_positives;
        if d == 0 {
            1.0
        } else {
            self.true_positives as f64 / d as f64
        }
    }

    /// `TP / windows`, 1 without windows.
    pub fn recall(&self) -> f64 {
        if self.windows == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.windows as f64
        }
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Mean delay over detected windows (`None` when none was detected).
    pub fn mean_delay(&self) -> Option<TimeDelta> {
        let n = i32::try_from(self.delays.len()).ok().filter(|n| *n > 0)?;
        let sum = self
            .delays
            .iter()
            .fold(TimeDelta::zero(), |acc, d| acc + *d);
        Some(sum / n)
    }

    /// Adds another file's counts (micro-aggregation).
    pub fn add(&mut self, other: &WindowScore) {
        self.windows += other.windows;
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.delays.extend_from_slice(&other.delays);
    }
}

/// NAB's probationary prefix: 15 % of the rows, at most 750.
pub fn probationary_points(rows: usize) -> usize {
    ((rows as f64 * 0.15) as usize).min(750)
}

/// Scores detection timestamps against labelled windows (see the module docs).
pub fn score_windows(
    detections: &[NaiveDateTime],
    windows: &[LabelledWindow],
    scored_from: Option<NaiveDateTime>,
) -> WindowScore {
    let mut first: Vec<Option<NaiveDateTime>> = vec![None; windows.len()];
    let mut false_positives = 0;
    for d in detections
        .iter()
        .filter(|d| scored_from.is_none_or(|s| **d >= s))
    {
        match windows.iter().position(|w| w.start <= *d && *d <= w.end) {
            Some(k) => {
                if first[k].is_none_or(|f| *d < f) {
                    first[k] = Some(*d);
                }
            }
            None => false_positives += 1,
        }
    }
    let delays: Vec<TimeDelta> = first
        .iter()
        .zip(windows)
        .filter_map(|(f, w)| f.map(|d| d - w.start))
        .collect();
    WindowScore {
        windows: windows.len(),
        true_positives: delays.len(),
        false_positives,
        delays,
    }
}
