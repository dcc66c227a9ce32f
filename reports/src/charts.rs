//! PNG charts for the emails (plotters, drawn in memory with a bundled font so the bytes are
//! the same on every machine): a daily trend with its forecast band, horizontal bars, and a
//! monthly multi-line trend.

use crate::data::{EsgMonthRow, Slice, TrendPoint};
use crate::error::ReportError;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::OnceLock;

/// Width and height of every chart, in pixels.
pub const SIZE: (u32, u32) = (720, 300);

/// DejaVu Sans (Bitstream Vera licence, see `fonts/DejaVu-LICENSE.txt`).
static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

const INK: RGBColor = RGBColor(33, 37, 41);
const ACTUAL: RGBColor = RGBColor(31, 119, 180);
const FORECAST: RGBColor = RGBColor(255, 127, 14);
const THIRD: RGBColor = RGBColor(44, 160, 44);

fn font_ready(chart: &str) -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(err(chart, "the bundled font could not be loaded"))
    }
}

fn err(chart: &str, reason: impl std::fmt::Display) -> ReportError {
    ReportError::Chart {
        chart: chart.to_string(),
        reason: reason.to_string(),
    }
}

/// Draws into an RGB buffer with `draw` and encodes it as PNG.
fn png(
    chart: &str,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<(), String>,
) -> Result<Vec<u8>, ReportError> {
    font_ready(chart)?;
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(chart, e))?;
        draw(&root).map_err(|e| err(chart, e))?;
        root.present().map_err(|e| err(chart, e))?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| err(chart, e))?;
    writer.write_image_data(&rgb).map_err(|e| err(chart, e))?;
    writer.finish().map_err(|e| err(chart, e))?;
    Ok(out)
}

fn text(e: impl std::fmt::Debug) -> String {
    format!("{e:?}")
}

/// `lo..hi` widened a little, never empty.
fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let lo = lo.min(0.0);
    let pad = ((hi - lo) * 0.08).max(1e-9);
    (lo, hi + pad)
}

/// Short axis label for a value: `12.3k`, `4.5M`.
fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 10.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 0.1 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

/// A chart over indexed points (days, months) with one label per index.
type Indexed<'a, 'b> =
    ChartContext<'a, BitMapBackend<'b>, Cartesian2d<RangedCoordi32, RangedCoordf64>>;

/// The frame of an indexed line chart: caption, axes, mesh with `x_labels` labels.
fn indexed<'a, 'b>(
    root: &'a DrawingArea<BitMapBackend<'b>, plotters::coord::Shift>,
    title: &str,
    labels: &[String],
    x_labels: usize,
    (lo, hi): (f64, f64),
) -> Result<Indexed<'a, 'b>, String> {
    let n = labels.len().max(2) as i32;
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FAMILY, 18).into_font().color(&INK))
        .margin(12)
        .margin_right(36)
        .x_label_area_size(32)
        .y_label_area_size(56)
        .build_cartesian_2d(0..n - 1, lo..hi)
        .map_err(text)?;
    let label = |i: &i32| {
        labels
            .get(usize::try_from(*i).unwrap_or(usize::MAX))
            .cloned()
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_labels(x_labels)
        .x_label_formatter(&label)
        .y_label_formatter(&|v| short(*v))
        .label_style((FAMILY, 12).into_font().color(&INK))
        .light_line_style(WHITE)
        .draw()
        .map_err(text)?;
    Ok(chart)
}

/// The legend box.
fn legend<'a, 'b: 'a>(
    chart: &mut Indexed<'a, 'b>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FAMILY, 12).into_font().color(&INK))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .draw()
        .map_err(text)
}

/// Daily actuals (line), point forecasts (line) and the 80 % band (shaded).
///
/// # Errors
/// [`ReportError::Chart`] when drawing fails.
pub fn trend(name: &str, title: &str, points: &[TrendPoint]) -> Result<Vec<u8>, ReportError> {
    let all = points
        .iter()
        .flat_map(|p| [p.actual, p.forecast, p.lo80, p.hi80])
        .flatten();
    let (lo, hi) = y_range(all);
    let labels: Vec<String> = points
        .iter()
        .map(|p| p.day.get(5..).unwrap_or(&p.day).to_string())
        .collect();
    png(name, |root| {
        let mut chart = indexed(root, title, &labels, 8, (lo, hi))?;
        let at = |i: usize| i32::try_from(i).unwrap_or(i32::MAX);
        let upper: Vec<(i32, f64)> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.hi80.map(|v| (at(i), v)))
            .collect();
        let mut lower: Vec<(i32, f64)> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.lo80.map(|v| (at(i), v)))
            .collect();
        if upper.len() >= 2 && lower.len() == upper.len() {
            lower.reverse();
            let band: Vec<(i32, f64)> = upper.into_iter().chain(lower).collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    FORECAST.mix(0.18).filled(),
                )))
                .map_err(text)?
                .label("80 % interval")
                .legend(|(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 16, y + 5)], FORECAST.mix(0.18).filled())
                });
        }
        let line = |get: fn(&TrendPoint) -> Option<f64>| -> Vec<(i32, f64)> {
            points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| get(p).map(|v| (at(i), v)))
                .collect()
        };
        chart
            .draw_series(LineSeries::new(line(|p| p.actual), ACTUAL.stroke_width(2)))
            .map_err(text)?
            .label("actual")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], ACTUAL.stroke_width(2)));
        chart
            .draw_series(LineSeries::new(
                line(|p| p.forecast),
                FORECAST.stroke_width(2),
            ))
            .map_err(text)?
            .label("forecast")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], FORECAST.stroke_width(2)));
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// Horizontal bars, largest first as given.
///
/// # Errors
/// [`ReportError::Chart`] when drawing fails.
pub fn bars(name: &str, title: &str, slices: &[Slice]) -> Result<Vec<u8>, ReportError> {
    let n = slices.len().max(1) as i32;
    let (_, hi) = y_range(slices.iter().map(|s| s.value));
    png(name, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FAMILY, 18).into_font().color(&INK))
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(190)
            // `a..b` segmented has b − a + 1 rows: one per slice
            .build_cartesian_2d(0.0..hi, (0..n - 1).into_segmented())
            .map_err(text)?;
        let label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => slices
                .get(usize::try_from(n - 1 - *i).unwrap_or(usize::MAX))
                .map(|s| truncate(&s.label, 28))
                .unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(slices.len().max(1))
            .y_label_formatter(&label)
            .x_label_formatter(&|v| short(*v))
            .label_style((FAMILY, 12).into_font().color(&INK))
            .light_line_style(WHITE)
            .draw()
            .map_err(text)?;
        chart
            .draw_series(slices.iter().enumerate().map(|(i, s)| {
                let row = n - 1 - i32::try_from(i).unwrap_or(0);
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(row)),
                        (s.value.max(0.0), SegmentValue::Exact(row + 1)),
                    ],
                    ACTUAL.filled(),
                );
                bar.set_margin(4, 4, 0, 0);
                bar
            }))
            .map_err(text)?;
        Ok(())
    })
}

/// One line of the ESG trend: legend, colour, value of a month.
type EsgLine = (&'static str, RGBColor, fn(&EsgMonthRow) -> Option<f64>);

/// Monthly t CO2e: location-based, market-based (where complete) and embodied.
///
/// # Errors
/// [`ReportError::Chart`] when drawing fails.
pub fn esg_trend(name: &str, title: &str, months: &[EsgMonthRow]) -> Result<Vec<u8>, ReportError> {
    let all = months
        .iter()
        .flat_map(|m| [Some(m.location_t), m.market_t, Some(m.embodied_t)])
        .flatten();
    let (lo, hi) = y_range(all);
    let labels: Vec<String> = months.iter().map(|m| m.month.clone()).collect();
    png(name, |root| {
        let mut chart = indexed(root, title, &labels, months.len().clamp(2, 12), (lo, hi))?;
        let at = |i: usize| i32::try_from(i).unwrap_or(i32::MAX);
        let series: [EsgLine; 3] = [
            ("scope 2 location", ACTUAL, |m| Some(m.location_t)),
            ("scope 2 market", THIRD, |m| m.market_t),
            ("scope 3 embodied", FORECAST, |m| Some(m.embodied_t)),
        ];
        for (label, color, get) in series {
            let points: Vec<(i32, f64)> = months
                .iter()
                .enumerate()
                .filter_map(|(i, m)| get(m).map(|v| (at(i), v)))
                .collect();
            if points.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(text)?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2))
                });
            chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, 3, color.filled())),
                )
                .map_err(text)?;
        }
        // lines sit near the top (scope 2) and the bottom (scope 3): keep the middle for the key
        legend(&mut chart, SeriesLabelPosition::MiddleLeft)
    })
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}
