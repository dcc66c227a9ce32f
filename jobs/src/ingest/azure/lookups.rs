//! Azure reference tables compiled into greenops (sources in `jobs/data/PROVENANCE.md`):
//!
//! * `azure_services.csv` (FinOps toolkit `Services.csv`): `ConsumedService` + ARM resource type →
//!   ServiceName, ServiceCategory, ServiceSubcategory.
//! * `azure_service_categories.csv` (focus_converters): `ConsumedService` → ServiceCategory,
//!   the fallback for services the toolkit table lacks.
//! * `azure_regions.csv` (FinOps toolkit `Regions.csv`): location strings as exports spell them
//!   (`CentralUS`, `US East 2`, `eastus`, `Unassigned`) → RegionId, RegionName.
//!
//! Service lookup, first hit wins, all keys case-insensitive:
//! 1. the (ConsumedService, resource type) pair;
//! 2. the resource type alone, when the table gives it a single service;
//! 3. the ConsumedService alone: each of name, category, subcategory is taken when every table
//!    row of that service agrees on it (`Microsoft.Storage` → `Storage Accounts`; for
//!    `Microsoft.Compute` only the category `Compute` and subcategory `Virtual Machines`
//!    are certain, not the name);
//! 4. ServiceName falls back to `MeterCategory`; ServiceCategory to the focus_converters table,
//!    else `Other`; ServiceSubcategory stays null.
//!
//! Region lookup: the location trimmed and lower-cased is looked up as written (`ch north` is
//! Switzerland North, `chnorth` China North), then with spaces removed (`US East 2` → `useast2`).
//! An unknown location gives a null RegionId and keeps the location as RegionName.

use crate::ingest::canonical::{SharedColumns, shared_text_columns};
use polars::prelude::*;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One Services.csv answer.
#[derive(Debug, Clone, Default)]
struct Service {
    name: Option<String>,
    category: Option<String>,
    subcategory: Option<String>,
}

struct Services {
    by_pair: HashMap<(String, String), Service>,
    by_type: HashMap<String, Service>,
    by_consumed: HashMap<String, Service>,
    fallback_category: HashMap<String, String>,
}

/// Which service column to produce.
#[derive(Debug, Clone, Copy)]
pub enum ServiceField {
    /// ServiceName.
    Name,
    /// ServiceCategory.
    Category,
    /// ServiceSubcategory.
    Subcategory,
}

fn csv_rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(str::trim).collect())
}

/// Merges `s` into `acc`, keeping only the fields every merged row agrees on.
fn agree(acc: &mut Option<Service>, s: &Service) {
    match acc {
        None => *acc = Some(s.clone()),
        Some(a) => {
            if a.name != s.name {
                a.name = None;
            }
            if a.category != s.category {
                a.category = None;
            }
            if a.subcategory != s.subcategory {
                a.subcategory = None;
            }
        }
    }
}

static SERVICES: LazyLock<Services> = LazyLock::new(|| {
    let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let mut by_pair = HashMap::new();
    let mut types: HashMap<String, Option<Service>> = HashMap::new();
    let mut consumed: HashMap<String, Option<Service>> = HashMap::new();
    for r in csv_rows(include_str!("../../../data/azure_services.csv")) {
        if r.len() < 5 {
            continue;
        }
        let (cs, rt) = (r[0].to_lowercase(), r[1].to_lowercase());
        let s = Service {
            name: some(r[2]),
            category: some(r[3]),
            subcategory: some(r[4]),
        };
        by_pair.entry((cs.clone(), rt.clone())).or_insert(s.clone());
        if !rt.is_empty() {
            agree(types.entry(rt).or_default(), &s);
        }
        if !cs.is_empty() {
            agree(consumed.entry(cs).or_default(), &s);
        }
    }
    let fallback_category = csv_rows(include_str!("../../../data/azure_service_categories.csv"))
        .filter(|r| r.len() >= 2)
        .map(|r| (r[0].to_lowercase(), r[1].to_string()))
        .collect();
    Services {
        by_pair,
        // a resource type alone decides only when it names one service
        by_type: types
            .into_iter()
            .filter_map(|(k, v)| v.filter(|s| s.name.is_some()).map(|s| (k, s)))
            .collect(),
        by_consumed: consumed
            .into_iter()
            .filter_map(|(k, v)| v.map(|s| (k, s)))
            .collect(),
        fallback_category,
    }
});

/// The service column `field` for one row.
pub fn service(
    consumed_service: Option<&str>,
    resource_type: Option<&str>,
    meter_category: Option<&str>,
    field: ServiceField,
) -> Option<String> {
    let t = &*SERVICES;
    let cs = consumed_service.map(|s| s.trim().to_lowercase());
    let rt = resource_type.map(|s| s.trim().to_lowercase());
    let pick = |s: &Service| match field {
        ServiceField::Name => s.name.clone(),
        ServiceField::Category => s.category.clone(),
        ServiceField::Subcategory => s.subcategory.clone(),
    };
    let pair = match (&cs, &rt) {
        (Some(c), Some(r)) => t.by_pair.get(&(c.clone(), r.clone())),
        (None, Some(r)) => t.by_pair.get(&(String::new(), r.clone())),
        _ => None,
    };
    if let Some(v) = pair.and_then(pick) {
        return Some(v);
    }
    if let Some(v) = rt.as_ref().and_then(|r| t.by_type.get(r)).and_then(pick) {
        return Some(v);
    }
    if let Some(v) = cs
        .as_ref()
        .and_then(|c| t.by_consumed.get(c))
        .and_then(pick)
    {
        return Some(v);
    }
    match field {
        ServiceField::Name => meter_category
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_string),
        ServiceField::Category => Some(
            cs.and_then(|c| t.fallback_category.get(&c).cloned())
                .unwrap_or_else(|| "Other".to_string()),
        ),
        ServiceField::Subcategory => None,
    }
}

/// `ServiceName`, `ServiceCategory` and `ServiceSubcategory` from the three text inputs, looked
/// up once per distinct input of a batch.
pub fn service_columns(
    consumed_service: Expr,
    resource_type: Expr,
    meter_category: Expr,
) -> SharedColumns<3> {
    let input = as_struct(vec![
        consumed_service.alias("cs"),
        resource_type.alias("rt"),
        meter_category.alias("mc"),
    ]);
    let fields = [
        ServiceField::Name,
        ServiceField::Category,
        ServiceField::Subcategory,
    ];
    shared_text_columns(
        input,
        ["ServiceName", "ServiceCategory", "ServiceSubcategory"],
        move |c| {
            let texts: Vec<Series> = c
                .struct_()?
                .fields_as_series()
                .iter()
                .map(|f| f.cast(&DataType::String))
                .collect::<PolarsResult<_>>()?;
            let (cs, rt, mc) = (texts[0].str()?, texts[1].str()?, texts[2].str()?);
            let mut seen = HashMap::new();
            let mut out: [Vec<Option<String>>; 3] = Default::default();
            for i in 0..c.len() {
                let key = (cs.get(i), rt.get(i), mc.get(i));
                let values = seen
                    .entry(key)
                    .or_insert_with(|| fields.map(|f| service(key.0, key.1, key.2, f)));
                for (column, value) in out.iter_mut().zip(values.iter()) {
                    column.push(value.clone());
                }
            }
            Ok(out)
        },
    )
}

struct Regions {
    exact: HashMap<String, (String, String)>,
    squashed: HashMap<String, (String, String)>,
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

static REGIONS: LazyLock<Regions> = LazyLock::new(|| {
    let mut exact = HashMap::new();
    let mut squashed = HashMap::new();
    let rows: Vec<Vec<&str>> = csv_rows(include_str!("../../../data/azure_regions.csv"))
        .filter(|r| r.len() >= 3)
        .collect();
    for r in &rows {
        let v = (r[1].to_string(), r[2].to_string());
        exact.entry(r[0].to_lowercase()).or_insert(v);
    }
    // spelled without spaces first, so `chnorth` keeps its own meaning
    for r in rows.iter().filter(|r| !r[0].contains(' ')) {
        squashed
            .entry(squash(&r[0].to_lowercase()))
            .or_insert((r[1].to_string(), r[2].to_string()));
    }
    for r in rows.iter().filter(|r| r[0].contains(' ')) {
        squashed
            .entry(squash(&r[0].to_lowercase()))
            .or_insert((r[1].to_string(), r[2].to_string()));
    }
    Regions { exact, squashed }
});

/// RegionId and RegionName of an Azure location string.
pub fn region(location: &str) -> Option<(&'static str, &'static str)> {
    let t = &*REGIONS;
    let l = location.trim().to_lowercase();
    t.exact
        .get(&l)
        .or_else(|| t.squashed.get(&squash(&l)))
        .map(|(id, name)| (id.as_str(), name.as_str()))
}

/// RegionId (`name = false`) or RegionName (`name = true`) from a location text column.
pub fn region_expr(location: Expr, name: bool) -> Expr {
    location.map(
        move |c| {
            let text = c.cast(&DataType::String)?;
            let out: StringChunked = text
                .str()?
                .iter()
                .map(|v| {
                    let v = v?;
                    match region(v) {
                        Some((id, n)) => Some(if name { n } else { id }.to_string()),
                        None if name => Some(v.trim().to_string()),
                        None => None,
                    }
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

/// The ARM resource type of a resource id, lower case:
/// `/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm` →
/// `microsoft.compute/virtualmachines`; nested types keep every type segment
/// (`…/providers/Microsoft.Sql/servers/s/databases/d` → `microsoft.sql/servers/databases`).
pub fn resource_type_of(resource_id: &str) -> Option<String> {
    let lower = resource_id.trim().to_lowercase();
    let pos = lower.rfind("/providers/")?;
    let parts: Vec<&str> = lower[pos + "/providers/".len()..]
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return None;
    }
    let mut out = vec![parts[0], parts[1]];
    out.extend(parts[2..].iter().skip(1).step_by(2));
    Some(out.join("/"))
}

/// [`resource_type_of`] over a text column.
pub fn resource_type_expr(resource_id: Expr) -> Expr {
    resource_id.map(
        |c| {
            let text = c.cast(&DataType::String)?;
            let out: StringChunked = text
                .str()?
                .iter()
                .map(|v| v.and_then(resource_type_of))
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_by_pair_type_and_consumed_service() {
        let s = |cs: Option<&str>, rt: Option<&str>, f| service(cs, rt, Some("Meter Cat"), f);
        assert_eq!(
            s(
                Some("Microsoft.Compute"),
                Some("microsoft.compute/virtualMachines"),
                ServiceField::Name
            )
            .as_deref(),
            Some("Virtual Machines")
        );
        assert_eq!(
            s(Some("Microsoft.Storage"), None, ServiceField::Name).as_deref(),
            Some("Storage Accounts")
        );
        // Microsoft.Compute alone: the category is certain, the name is not
        assert_eq!(
            s(Some("microsoft.compute"), None, ServiceField::Category).as_deref(),
            Some("Compute")
        );
        assert_eq!(
            s(Some("microsoft.compute"), None, ServiceField::Name).as_deref(),
            Some("Meter Cat")
        );
        assert_eq!(
            s(Some("nobody.knows"), None, ServiceField::Category).as_deref(),
            Some("Other")
        );
        assert_eq!(
            s(Some("nobody.knows"), None, ServiceField::Subcategory),
            None
        );
    }

    #[test]
    fn regions_ignore_case_and_spaces() {
        assert_eq!(region("CentralUS"), Some(("centralus", "Central US")));
        assert_eq!(region("US East 2"), Some(("eastus2", "East US 2")));
        assert_eq!(region("ch north").map(|r| r.0), Some("switzerlandnorth"));
        assert_eq!(region("chnorth").map(|r| r.0), Some("chinanorth"));
        assert_eq!(region("Narnia"), None);
    }

    #[test]
    fn resource_types_from_ids() {
        assert_eq!(
            resource_type_of(
                "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm"
            )
            .as_deref(),
            Some("microsoft.compute/virtualmachines")
        );
        assert_eq!(
            resource_type_of("/subscriptions/s/providers/Microsoft.Sql/servers/a/databases/b")
                .as_deref(),
            Some("microsoft.sql/servers/databases")
        );
        assert_eq!(resource_type_of("/subscriptions/rsid1"), None);
    }
}
