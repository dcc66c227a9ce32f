//! Azure Cost Management exports: EA and MCA cost details (actual or amortized), legacy
//! pay-as-you-go usage details, and FocusCost, as CSV, CSV.gz or Parquet.
//!
//! # Files
//! PATH is a `manifest.json`, a folder, or a data file. A folder holding manifests (at any depth)
//! is read through them: only the blobs they list, with their `dataRowCount` checked, and only
//! the latest run of each export and date range (see [`manifest`]). A folder without manifests
//! means every `.csv`, `.csv.gz`, `.gz` and `.parquet` file under it.
//!
//! The schema of each file is recognised from its header, never from column positions: EA
//! PascalCase, MCA camelCase, pay-as-you-go usage or FocusCost; names match ignoring case, a BOM,
//! and localisation (`Kosten (CostInBillingCurrency)` is `CostInBillingCurrency`); see [`header`].
//! FocusCost files are mapped by the FOCUS adapter ([`crate::ingest::focus::FocusAdapter`]), with
//! `x_SourceKind = azure-focus` and ProviderName `Microsoft` where the file leaves it empty.
//!
//! # Mapping of EA / MCA / pay-as-you-go rows
//! * ProviderName and InvoiceIssuerName `Microsoft`; PublisherName = `PublisherName`, else
//!   `Microsoft`. The partition provider is `azure`.
//! * BillingAccountId = `BillingAccountId` (EA: the enrollment; MCA: the billing account, not the
//!   billing profile), falling back per row to `BillingProfileId`, then `SubscriptionId`.
//!   Pay-as-you-go usage exports are scoped to one subscription, which is billed on its own:
//!   BillingAccountId = SubAccountId = `SubscriptionGuid`, BillingAccountType `Subscription`.
//!   BillingAccountName = `BillingAccountName`.
//! * SubAccountId = `SubscriptionId` (pay-as-you-go `SubscriptionGuid`), SubAccountName =
//!   `SubscriptionName`, SubAccountType `Subscription`.
//! * BillingCurrency = `BillingCurrencyCode` (EA) / `billingCurrency` (MCA) / `Currency` (PAYG).
//! * BillingPeriodStart = `BillingPeriodStartDate`; BillingPeriodEnd = `BillingPeriodEndDate` +
//!   1 day, since Azure's end date is the last day *included* and FOCUS's end is exclusive. Where
//!   these are absent or empty (pay-as-you-go; koku's MCA sample), the calendar month (UTC) of
//!   the usage date: Azure invoices by calendar month.
//! * ChargePeriodStart = `Date` (PAYG `UsageDateTime`) at midnight UTC; ChargePeriodEnd = +1 day.
//!   Dates may be `M/D/YYYY`, `MM/DD/YYYY` or ISO (`YYYY-MM-DD[ HH:MM:SS]`).
//! * The cost of a row is `CostInBillingCurrency` (EA and MCA, any case), else the older EA
//!   `Cost`, else PAYG `PreTaxCost`; an empty cost is 0. BilledCost and EffectiveCost follow the
//!   dataset (below).
//! * ListCost = `paygCostInBillingCurrency`, else `PayGPrice` × `Quantity`, else the cost.
//!   ContractedCost = `UnitPrice` × `Quantity`, else the cost. A list or contracted amount of 0
//!   on a row whose cost is not 0 is Microsoft's "price not available" (marketplace and some
//!   reservation rows), so the cost is used instead. ListUnitPrice = `PayGPrice`,
//!   ContractedUnitPrice = `UnitPrice`.
//! * ChargeCategory from `ChargeType`: Usage → Usage; Purchase → Purchase; Tax → Tax; Refund →
//!   Credit with ChargeClass `Correction`; Credit → Credit; RoundingAdjustment, Adjustment and
//!   anything unknown → Adjustment; UnusedReservation / UnusedSavingsPlan → Usage with
//!   CommitmentDiscountStatus `Unused`. No ChargeType (PAYG) → Usage.
//! * ChargeFrequency from `Frequency`: OneTime → One-Time, Recurring → Recurring, UsageBased →
//!   Usage-Based; when empty or unknown, Usage-Based for usage rows, else null.
//! * PricingCategory from `PricingModel`: OnDemand → Standard, Reservation and SavingsPlan →
//!   Committed, Spot → Dynamic, other values → Other; when empty, Committed for usage rows with a
//!   commitment id, Standard for other usage rows, null for the rest.
//! * CommitmentDiscountId = `benefitId`, else `ReservationId`; CommitmentDiscountName =
//!   `benefitName`, else `ReservationName`. CommitmentDiscountType `Reservation` /
//!   `Savings Plan` (from PricingModel, else the id's `/microsoft.capacity/` or
//!   `/microsoft.billingbenefits/` provider), CommitmentDiscountCategory `Usage` / `Spend`
//!   accordingly. CommitmentDiscountStatus `Unused` for unused commitment rows, `Used` for usage
//!   rows with a commitment id.
//! * ServiceName / ServiceCategory / ServiceSubcategory from the FinOps toolkit's Services table
//!   by `ConsumedService` and resource type (`ResourceType` in PAYG files, else derived from the
//!   ARM resource id), falling back to `MeterCategory` and focus_converters' category table; see
//!   [`lookups`]. The canonical ResourceType is left null (Microsoft's FOCUS puts display names
//!   there, which these exports don't carry).
//! * RegionId / RegionName from the toolkit's Regions table by `ResourceLocation` (MCA also
//!   `Location`), ignoring case and spaces.
//! * ResourceId = `ResourceId` (PAYG `InstanceId`, koku's MCA `InstanceName`) in lower case, as
//!   Microsoft's own FOCUS export has it; ResourceName = `ResourceName`, else the last segment of
//!   an ARM resource id. AvailabilityZone = `AvailabilityZone`.
//! * ChargeDescription = `ProductName` (MCA `product`); SkuId = `ProductId`, else `MeterId`;
//!   SkuMeter and x_UsageType = `MeterName`; x_ServiceCode = `ConsumedService`; x_ChargeType =
//!   `ChargeType`.
//! * x_InstanceType = `AdditionalInfo.ServiceType`, else `AdditionalInfo.VMSize`; x_vCPUs =
//!   `AdditionalInfo.VCPUs` (AdditionalInfo is JSON text; malformed JSON gives nulls there).
//! * ConsumedQuantity = `Quantity` (PAYG `UsageQuantity`) on usage rows (not unused commitment,
//!   purchases, tax, …); PricingQuantity = `Quantity` on every row; ConsumedUnit = PricingUnit =
//!   `UnitOfMeasure` as written (`10 Hours`, `1 GB/Month`: block sizes are not expanded).
//! * Tags = `Tags` as a JSON object; EA writes it without the outer braces (`"a": "b","c": "d"`),
//!   which are added; empty and `{}` are no tags; text that is not a JSON object even with braces
//!   is a bad value. Keys are normalised as for every source (`x_RawTags` keeps them as written).
//! * InvoiceId = `InvoiceId`; x_BillingStatus `Estimated` where it is empty, `Final` where it is
//!   set, and `Unknown` for files without the column (EA cost details, PAYG).
//! * x_SourceKind = `azure-ea`, `azure-mca` or `azure-payg` plus `-actual` / `-amortized`
//!   (FocusCost: `azure-focus`, which holds both cost measures).
//!
//! Empty BillingAccountId (after the fallbacks), usage date or billing currency values are bad
//! values: they decide the partition and the totals.
//!
//! # Actual and amortized datasets
//! Azure exports the two cost views as separate datasets with one column for the cost. The
//! dataset of a file is `exportConfig.type` of the manifest that lists it (`ActualCost`,
//! `AmortizedCost`), else the nearest folder or file name containing `amortized` or `actual`
//! (ignoring case), else actual. Scopes below are (BillingAccountId, BillingPeriodStart).
//!
//! * **Only actual** (a scope without amortized rows in the run): BilledCost = EffectiveCost =
//!   cost. There is no amortisation to go by; the partition properties say
//!   `"azure_datasets": ["actual"]`.
//! * **Only amortized**: EffectiveCost = cost; BilledCost = cost except on rows whose PricingModel
//!   is Reservation or SavingsPlan, which get 0 (covered usage is not invoiced, unused commitment
//!   is part of the purchase). BilledCost then lacks the commitment purchases themselves: the
//!   partition properties say so (`azure_billed_cost_note`, and
//!   `azure_billed_cost_incomplete_scopes` when the run held actual data for other scopes).
//! * **Both, for the same scope**: rows = every amortized row (as above) + the actual rows whose
//!   ChargeType is Purchase (or Refund, which reverses one) and whose PricingModel is Reservation
//!   or SavingsPlan, with BilledCost = cost and EffectiveCost 0. Σ BilledCost then equals the
//!   actual export's total and Σ EffectiveCost the amortized export's total. The actual file's
//!   other rows are dropped: the amortized rows carry the same charges.
//!
//! `discover` decides the dataset of each file and, when both datasets are present, reads the
//! scopes of every file (an extra pass over the files); `canonical` reads that plan back from the
//! export context ([`dataset::Plan`]).

pub mod dataset;
mod dates;
pub mod header;
pub mod lookups;
pub mod manifest;
pub mod mapping;

use super::focus::FocusAdapter;
use super::parse::ROW;
use super::scan::scan_raw;
use super::source::{InputFile, data_files_under};
use super::{Adapter, Export, FileContext};
use crate::error::{JobError, Result, from_polars};
use dataset::{Dataset, Plan, dataset_from_path, in_scopes, scope_key};
use header::{AzureColumns, Schema};
use polars::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use warehouse::schema::money_dtype;

/// Adapter for Azure Cost Management exports.
#[derive(Debug, Default)]
pub struct AzureAdapter;

/// A data file chosen for an export, before its dataset is known.
struct ChosenFile {
    path: PathBuf,
    /// The dataset its manifest names.
    named: Option<Dataset>,
    /// Its manifest and the data rows that manifest promises.
    listed_by: Option<(PathBuf, Option<u64>)>,
}

/// The data files and manifests of an export.
struct Chosen {
    files: Vec<ChosenFile>,
    manifests: Vec<manifest::ResolvedManifest>,
    superseded: Vec<PathBuf>,
}

fn choose_files(path: &Path) -> Result<Chosen> {
    let plain = |paths: Vec<PathBuf>| Chosen {
        files: paths
            .into_iter()
            .map(|path| ChosenFile {
                path,
                named: None,
                listed_by: None,
            })
            .collect(),
        manifests: Vec::new(),
        superseded: Vec::new(),
    };
    let manifest_paths = if path.is_dir() {
        let found = manifest::find_manifests(path)?;
        if found.is_empty() {
            return Ok(plain(data_files_under(path)?));
        }
        found
    } else if manifest::is_manifest(path) {
        vec![path.to_path_buf()]
    } else {
        return Ok(plain(vec![path.to_path_buf()]));
    };
    let resolved = manifest_paths
        .iter()
        .map(|m| manifest::read_manifest(m))
        .collect::<Result<Vec<_>>>()?;
    let (manifests, superseded) = manifest::latest_runs(resolved);
    let mut files: Vec<ChosenFile> = Vec::new();
    for m in &manifests {
        for (f, rows) in &m.files {
            // a blob listed by two manifests is read once
            if files.iter().any(|c| c.path == *f) {
                continue;
            }
            files.push(ChosenFile {
                path: f.clone(),
                named: m.manifest.dataset(),
                listed_by: Some((m.path.clone(), *rows)),
            });
        }
    }
    Ok(Chosen {
        files,
        manifests,
        superseded,
    })
}

/// Data rows of a file (the header excluded).
fn data_rows(file: &InputFile) -> Result<u64> {
    let counted = scan_raw(file, &[])
        .and_then(|lf| lf.select([len().alias("n")]).collect())
        .map_err(|e| JobError::BadFile {
            file: file.display(),
            reason: e.to_string(),
        })?;
    let n = counted
        .column("n")
        .and_then(|c| c.cast(&DataType::UInt64))
        .map_err(JobError::from)?;
    Ok(n.u64().ok().and_then(|c| c.get(0)).unwrap_or(0))
}

/// The run's scopes of `file`, mapped as `dataset` without any combination.
fn scopes_of(file: &InputFile, dataset: Dataset) -> Result<BTreeSet<String>> {
    let header = file.header()?;
    let cols = AzureColumns::resolve(&file.display(), &header)?;
    let lf = map_file(file, &cols, dataset, "")?;
    let df = lf
        .select([scope_key().alias("scope")])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()
        .map_err(|e| from_polars(e, Some(&file.display())))?;
    let scopes = df
        .column("scope")?
        .str()?
        .iter()
        .flatten()
        .map(String::from)
        .collect();
    Ok(scopes)
}

fn map_file(
    file: &InputFile,
    cols: &AzureColumns,
    dataset: Dataset,
    run_id: &str,
) -> Result<LazyFrame> {
    let frame = mapping::map_columns(cols, &file.display(), dataset, run_id)?;
    let bad = |e: PolarsError| JobError::BadFile {
        file: file.display(),
        reason: e.to_string(),
    };
    let mut raw = scan_raw(file, &[""]).map_err(bad)?;
    // the header names are BOM-free; make the scan's agree whichever way polars reads a BOM
    let first = raw
        .collect_schema()
        .map_err(bad)?
        .iter_names()
        .find(|n| n.as_str() != ROW)
        .map(|n| n.to_string());
    if let Some(first) = first.filter(|n| n.starts_with('\u{feff}')) {
        let clean = first.trim_start_matches('\u{feff}').to_string();
        raw = raw.rename([first], [clean], true);
    }
    Ok(frame.apply(raw))
}

/// Actual rows of a run that also holds amortized rows for their scope: only the commitment
/// purchases (and refunds) remain there, with EffectiveCost 0 (the amortized rows carry it).
fn combine_actual(lf: LazyFrame, amortized_scopes: &BTreeSet<String>) -> LazyFrame {
    let covered = in_scopes(amortized_scopes);
    let ct = col("x_ChargeType").str().to_lowercase();
    let commitment_purchase = ct
        .clone()
        .eq(lit("purchase"))
        .or(ct.eq(lit("refund")))
        .and(col("PricingCategory").eq(lit("Committed")))
        .fill_null(lit(false));
    lf.filter(commitment_purchase.or(covered.clone().not()))
        .with_column(
            when(covered)
                .then(lit(0).cast(money_dtype()))
                .otherwise(col("EffectiveCost"))
                .alias("EffectiveCost"),
        )
}

impl Adapter for AzureAdapter {
    fn name(&self) -> &'static str {
        "azure"
    }

    fn discover(&self, path: &Path) -> Result<Export> {
        if !path.exists() {
            return Err(JobError::BadPath {
                path: path.into(),
                reason: "does not exist".into(),
            });
        }
        let chosen = choose_files(path)?;
        let mut export = Export::default();
        let mut plan = Plan::default();
        let mut by_dataset: BTreeMap<Dataset, Vec<InputFile>> = BTreeMap::new();
        let mut focus = false;
        for chosen_file in &chosen.files {
            let file = InputFile::inspect(&chosen_file.path)?;
            if let Some((manifest, Some(expected))) = &chosen_file.listed_by {
                let rows = data_rows(&file)?;
                if rows != *expected {
                    return Err(JobError::BadFile {
                        file: manifest.display().to_string(),
                        reason: format!(
                            "blob {}: the manifest says dataRowCount {expected}, the file has {rows} data rows",
                            file.display()
                        ),
                    });
                }
            }
            let cols = AzureColumns::resolve(&file.display(), &file.header()?)?;
            if cols.schema == Schema::Focus {
                focus = true;
            } else {
                let dataset = chosen_file
                    .named
                    .or_else(|| dataset_from_path(&chosen_file.path))
                    .unwrap_or(Dataset::Actual);
                plan.files.insert(file.display(), dataset);
                by_dataset.entry(dataset).or_default().push(file.clone());
            }
            export.files.push(file);
        }

        let mut datasets: Vec<Value> = by_dataset.keys().map(|d| d.name().into()).collect();
        if focus {
            datasets.push("focus".into());
        }
        let props = &mut export.properties;
        props.insert("azure_datasets".into(), Value::Array(datasets));
        const NOTE: &str = "BilledCost lacks reservation and savings plan purchases: only the \
            amortized dataset was ingested for these scopes, whose Reservation/SavingsPlan rows \
            carry BilledCost 0 (ingest the actual export together with it to add the purchases)";
        match (
            by_dataset.get(&Dataset::Actual),
            by_dataset.get(&Dataset::Amortized),
        ) {
            (Some(actual), Some(amortized)) => {
                let mut actual_scopes = BTreeSet::new();
                for f in actual {
                    actual_scopes.extend(scopes_of(f, Dataset::Actual)?);
                }
                for f in amortized {
                    plan.amortized_scopes
                        .extend(scopes_of(f, Dataset::Amortized)?);
                }
                let incomplete: Vec<Value> = plan
                    .amortized_scopes
                    .difference(&actual_scopes)
                    .map(|s| Value::String(s.clone()))
                    .collect();
                if !incomplete.is_empty() {
                    props.insert("azure_billed_cost_note".into(), NOTE.into());
                    props.insert(
                        "azure_billed_cost_incomplete_scopes".into(),
                        Value::Array(incomplete),
                    );
                }
            }
            (None, Some(_)) => {
                props.insert("azure_billed_cost_note".into(), NOTE.into());
            }
            _ => {}
        }
        let runs: Vec<Value> = chosen
            .manifests
            .iter()
            .filter_map(|m| m.manifest.run_info.as_ref()?.run_id.clone())
            .map(Value::String)
            .collect();
        if !runs.is_empty() {
            props.insert("azure_export_runs".into(), Value::Array(runs));
        }
        if !chosen.superseded.is_empty() {
            props.insert(
                "azure_superseded_manifests".into(),
                chosen
                    .superseded
                    .iter()
                    .map(|p| Value::String(p.display().to_string()))
                    .collect(),
            );
        }
        export.exported_at = chosen
            .manifests
            .iter()
            .filter_map(|m| m.manifest.submitted_micros())
            .max()
            .and_then(chrono::DateTime::from_timestamp_micros);
        export.manifests = chosen.manifests.iter().map(|m| m.path.clone()).collect();
        export.context = plan.to_context();
        Ok(export)
    }

    fn canonical(
        &self,
        file: &InputFile,
        header: &[String],
        ctx: &FileContext,
    ) -> Result<LazyFrame> {
        let cols = AzureColumns::resolve(&file.display(), header)?;
        if cols.schema == Schema::Focus {
            let lf = FocusAdapter.canonical(file, header, ctx)?;
            return Ok(lf.with_columns([
                lit("azure-focus").alias("x_SourceKind"),
                first_of_provider().alias("ProviderName"),
            ]));
        }
        let plan = Plan::from_context(&ctx.export_context);
        let dataset = plan
            .files
            .get(&file.display())
            .copied()
            .or_else(|| dataset_from_path(&file.path))
            .unwrap_or(Dataset::Actual);
        let lf = map_file(file, &cols, dataset, &ctx.run_id)?;
        Ok(
            if dataset == Dataset::Actual && !plan.amortized_scopes.is_empty() {
                combine_actual(lf, &plan.amortized_scopes)
            } else {
                lf
            },
        )
    }

    fn provider_key(&self) -> Expr {
        lit("azure")
    }
}

fn first_of_provider() -> Expr {
    super::canonical::first_of(vec![col("ProviderName"), lit("Microsoft")])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/azure")
            .join(rel)
    }

    #[test]
    fn polars_drops_the_bom_from_the_first_column_name() {
        // `map_file` renames a BOM-prefixed first column anyway; this records what polars does
        let file = InputFile::inspect(&fixture("ea_utf8_bom.csv")).unwrap();
        let schema = scan_raw(&file, &[""]).unwrap().collect_schema().unwrap();
        let first = schema.iter_names().find(|n| n.as_str() != ROW).unwrap();
        assert_eq!(first.as_str(), "InvoiceSectionName");
        assert_eq!(file.header().unwrap()[0], "InvoiceSectionName");
    }

    #[test]
    fn discover_plans_datasets_and_scopes() {
        let export = AzureAdapter
            .discover(&fixture("reservation_actual_and_amortized"))
            .unwrap();
        assert_eq!(export.files.len(), 2);
        let plan = Plan::from_context(&export.context);
        let datasets: Vec<Dataset> = plan.files.values().copied().collect();
        assert_eq!(datasets, vec![Dataset::Actual, Dataset::Amortized]);
        assert_eq!(
            plan.amortized_scopes.iter().collect::<Vec<_>>(),
            vec!["87654321|2023-10-01"]
        );
        assert_eq!(
            export.properties["azure_datasets"],
            serde_json::json!(["actual", "amortized"])
        );
    }
}
