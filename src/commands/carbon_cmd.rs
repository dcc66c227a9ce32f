//! `greenops carbon estimate`.

use crate::cli::{CarbonCommand, CarbonEsgArgs, CarbonMode};
use crate::exit::Exit;
use crate::orchestration::config::LoadedConfig;
use jobs::carbon::{
    CarbonRequest, CarbonSummary, MarketFactors, build_esg_monthly, estimate_carbon, mode_name,
};
use jobs::ingest::new_run_id;
use std::path::Path;
use warehouse::Warehouse;

pub async fn run(wh: &Warehouse, config: &Path, cmd: CarbonCommand) -> anyhow::Result<Exit> {
    let settings = LoadedConfig::section_or_default(config, |c| c.carbon)?;
    let args = match cmd {
        CarbonCommand::Estimate(args) => args,
        CarbonCommand::Esg(mut args) => {
            args.base_year = args.base_year.or(settings.base_year);
            return esg(wh, args).await;
        }
    };
    let request = CarbonRequest {
        run_id: new_run_id(wh.clock().now()),
        mode: match args.mode {
            Some(CarbonMode::Ccf) => carbon::usage::Mode::Ccf,
            Some(CarbonMode::Corrected) => carbon::usage::Mode::Corrected,
            None => settings.mode.mode(),
        },
        from: args.from,
        to: args.to,
        market: args
            .market_factors
            .or(settings.market_factors)
            .as_deref()
            .map(MarketFactors::load)
            .transpose()?,
    };
    let summary = estimate_carbon(wh, request, &jobs::ingest::NoProgress).await?;
    if args.json {
        println!("{}", to_json(&summary));
    } else {
        print!("{}", render(&summary));
    }
    Ok(Exit::Ok)
}

async fn esg(wh: &Warehouse, args: CarbonEsgArgs) -> anyhow::Result<Exit> {
    let run_id = new_run_id(wh.clock().now());
    let months = build_esg_monthly(
        wh,
        &run_id,
        args.from.as_deref(),
        args.to.as_deref(),
        args.base_year,
    )
    .await?;
    if args.json {
        let rows: Vec<serde_json::Value> = months
            .iter()
            .map(|m| {
                serde_json::json!({
                    "period": m.period, "kwh": m.kwh, "scope2_location_tco2e": m.scope2_location_t,
                    "scope2_market_tco2e": m.scope2_market_t, "scope3_embodied_tco2e": m.scope3_embodied_t,
                    "total_tco2e": m.total_t(), "estimated_share": m.estimated_share,
                    "spend": m.spend, "spend_currency": m.currency,
                    "tco2e_per_1000_spend": m.intensity_t_per_1000, "mom_pct": m.mom_pct,
                    "yoy_pct": m.yoy_pct, "base_year_pct": m.base_year_pct,
                    "methodology": m.methodology,
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return Ok(Exit::Ok);
    }
    let pct = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:+.1}%"));
    println!(
        "{:<8} {:>12} {:>14} {:>12} {:>12} {:>12} {:>14} {:>8} {:>8}",
        "MONTH",
        "kWh",
        "S2 loc tCO2e",
        "S2 market",
        "S3 tCO2e",
        "total tCO2e",
        "t/1000 spend",
        "MoM",
        "YoY"
    );
    for m in &months {
        println!(
            "{:<8} {:>12.3} {:>14.6} {:>12} {:>12.6} {:>12.6} {:>14} {:>8} {:>8}",
            m.period,
            m.kwh,
            m.scope2_location_t,
            m.scope2_market_t
                .map_or("n/a".to_string(), |v| format!("{v:.6}")),
            m.scope3_embodied_t,
            m.total_t(),
            m.intensity_t_per_1000
                .map_or("-".to_string(), |v| format!("{v:.6} {}", m.currency)),
            pct(m.mom_pct),
            pct(m.yoy_pct),
        );
    }
    if months.iter().any(|m| m.scope2_market_t.is_none()) {
        println!("\nMarket-based scope 2 is not available: no market factors are configured.");
    }
    println!(
        "{} month(s) written to esg_monthly (run {run_id})",
        months.len()
    );
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
                "unknown_cost": c.unknown_cost, "unsupported_cost": c.unsupported_cost,
                "top_unknown": c.top_unknown(10)}),
            )
        })
        .collect();
    serde_json::json!({
        "run_id": s.run_id, "mode": mode_name(s.mode), "coefficients": s.coefficients,
        "groups": s.groups, "rows": s.rows, "partitions": s.partitions,
        "kwh": s.totals.kwh, "location_tco2e": s.totals.location_t,
        "embodied_tco2e": s.totals.embodied_t, "unknown_kwh": s.totals.unknown_kwh,
        "market_tco2e": s.market_t,
        "coverage": coverage,
    })
}

fn render(s: &CarbonSummary) -> String {
    let mut out = format!(
        "carbon {} ({} mode, coefficients {}): {} usage groups → {} rows in {} partition(s)\n\
         energy {:.3} kWh ({:.1}% estimated from unknown usage), location-based {:.6} t CO2e, \
         embodied {:.6} t CO2e\n",
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
    out += &match s.market_t {
        Some(t) => format!("market-based {t:.6} t CO2e (user-supplied factors)\n"),
        None => "market-based: not available (no market factors cover every row; see --market-factors)\n".into(),
    };
    out += "\nShare of usage cost classified:\n";
    for (provider, c) in &s.coverage {
        let total = c.classified_cost + c.unknown_cost + c.unsupported_cost;
        let pct = |v: f64| if total > 0.0 { 100.0 * v / total } else { 0.0 };
        out += &format!(
            "  {provider:<8} {:>6.1}% classified, {:>6.1}% unknown (estimated), {:>6.1}% not counted\n",
            pct(c.classified_cost),
            pct(c.unknown_cost),
            pct(c.unsupported_cost)
        );
        let top = c.top_unknown(3);
        if !top.is_empty() {
            let list: Vec<String> = top
                .iter()
                .map(|(what, cost)| format!("{what} ({cost:.2})"))
                .collect();
            out += &format!("           most unknown cost: {}\n", list.join("; "));
        }
    }
    out
}
