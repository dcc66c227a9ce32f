//! `greenops carbon estimate`.

use crate::cli::{CarbonCommand, CarbonMode};
use crate::exit::Exit;
use jobs::carbon::{CarbonRequest, CarbonSummary, estimate_carbon, mode_name};
use jobs::ingest::new_run_id;
use warehouse::Warehouse;

pub async fn run(wh: &Warehouse, cmd: CarbonCommand) -> anyhow::Result<Exit> {
    let CarbonCommand::Estimate(args) = cmd;
    let request = CarbonRequest {
        run_id: new_run_id(wh.clock().now()),
        mode: match args.mode {
            CarbonMode::Ccf => carbon::usage::Mode::Ccf,
            CarbonMode::Corrected => carbon::usage::Mode::Corrected,
        },
        from: args.from,
        to: args.to,
    };
    let summary = estimate_carbon(wh, request).await?;
    if args.json {
        println!("{}", to_json(&summary));
    } else {
        print!("{}", render(&summary));
    }
    Ok(Exit::Ok)
}

fn to_json(s: &CarbonSummary) -> serde_json::Value {
    let coverage: serde_json::Map<String, serde_json::Value> = s
        .coverage
        .iter()
        .map(|(p, c)| {
            (
                p.clone(),
                serde_json::json!({"classified_cost": c.classified_cost,
                "unknown_cost": c.unknown_cost, "unsupported_cost": c.unsupported_cost}),
            )
        })
        .collect();
    serde_json::json!({
        "run_id": s.run_id, "mode": mode_name(s.mode), "coefficients": s.coefficients,
        "groups": s.groups, "rows": s.rows, "partitions": s.partitions,
        "kwh": s.totals.kwh, "location_tco2e": s.totals.location_t,
        "embodied_tco2e": s.totals.embodied_t, "unknown_kwh": s.totals.unknown_kwh,
        "coverage": coverage,
    })
}

fn render(s: &CarbonSummary) -> String {
    let mut out = format!(
        "carbon {} ({} mode, coefficients {}): {} usage groups → {} rows in {} partition(s)\n\
         energy {:.3} kWh ({:.1}% estimated from unknown usage), location-based {:.6} t CO2e, \
         embodied {:.6} t CO2e\n\nShare of usage cost classified:\n",
        s.run_id,
        mode_name(s.mode),
        s.coefficients,
        s.groups,
        s.rows,
        s.partitions,
        s.totals.kwh,
        if s.totals.kwh > 0.0 {
            100.0 * s.totals.unknown_kwh / s.totals.kwh
        } else {
            0.0
        },
        s.totals.location_t,
        s.totals.embodied_t,
    );
    for (provider, c) in &s.coverage {
        let total = c.classified_cost + c.unknown_cost + c.unsupported_cost;
        let pct = |v: f64| if total > 0.0 { 100.0 * v / total } else { 0.0 };
        out += &format!(
            "  {provider:<8} {:>6.1}% classified, {:>6.1}% unknown (estimated), {:>6.1}% not counted\n",
            pct(c.classified_cost),
            pct(c.unknown_cost),
            pct(c.unsupported_cost)
        );
    }
    out
}
