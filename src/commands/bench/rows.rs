//! Line items of the synthetic CUR, one row of text cells (or a covered-usage + negation pair) at a
//! time, handed to the caller's writer (CSV, Parquet, or FOCUS Parquet after mapping).
//!
//! Mix by rows: ~88 % Usage, ~4 % DiscountedUsage (reserved instances), ~3 % SavingsPlanCoveredUsage
//! each followed by its SavingsPlanNegation (~3 %), and ~2 % Tax, Credit, RIFee, Fee and
//! SavingsPlanRecurringFee. Usage is hourly within one month; ~1 % of usage costs are tiny and
//! written in E-notation, as AWS does.

use super::catalog::{Amount, Detail, Instance, REGIONS};
use super::header::{Col, HEADER, POOLED_TAGS};
use super::products::{PRODUCTS, SAVINGS_PLANS};
use super::rng::XorShift;
use super::text::{push_decimal, push_fmt, push_scientific};
use super::world::{Offer, Resource, World};

/// Hours in the billing month.
pub const HOURS: u32 = 744;
/// `bill/BillingPeriodStartDate`.
pub const PERIOD_START: &str = "2026-10-01T00:00:00Z";
/// `bill/BillingPeriodEndDate`.
pub const PERIOD_END: &str = "2026-11-01T00:00:00Z";
const SELLER: &str = "Amazon Web Services, Inc.";

/// Draws line items as rows of text cells, in [`HEADER`] order (empty cell = no value).
pub struct RowWriter<'w> {
    world: &'w World,
    rng: XorShift,
    cells: Vec<String>,
}

/// How a usage row is paid for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Coverage {
    OnDemand,
    Reserved,
    SavingsPlan,
}

impl<'w> RowWriter<'w> {
    /// A writer drawing from `world` with its own random stream.
    pub fn new(world: &'w World, seed: u64) -> Self {
        Self {
            world,
            rng: XorShift::new(seed),
            cells: vec![String::new(); HEADER.len()],
        }
    }

    /// Hands the next line item's cells to `emit` and returns the rows emitted: 2 for a Savings
    /// Plan covered usage with its negation (only when `room >= 2`), else 1.
    ///
    /// # Errors
    /// `emit` failing (the row is not emitted again).
    pub fn next_line_item(
        &mut self,
        room: u64,
        emit: &mut impl FnMut(&[String]) -> anyhow::Result<()>,
    ) -> anyhow::Result<u64> {
        let x = self.rng.below(9_700);
        let pair = (9_200..9_500).contains(&x) && room >= 2;
        if x < 8_800 || ((9_200..9_500).contains(&x) && !pair) {
            self.usage(Coverage::OnDemand);
        } else if x < 9_200 {
            self.usage(Coverage::Reserved);
        } else if pair {
            let (cost, rate) = self.usage(Coverage::SavingsPlan);
            emit(&self.cells)?;
            self.negation(cost, rate);
        } else {
            match x - 9_500 {
                0..60 => self.tax(),
                60..90 => self.credit(),
                90..130 => self.ri_fee(),
                130..150 => self.ri_upfront_fee(),
                _ => self.savings_plan_fee(),
            }
        }
        emit(&self.cells)?;
        Ok(if pair { 2 } else { 1 })
    }

    fn set(&mut self, c: Col, v: &str) {
        let cell = &mut self.cells[c as usize];
        cell.clear();
        cell.push_str(v);
    }

    fn cell(&mut self, c: Col) -> &mut String {
        let cell = &mut self.cells[c as usize];
        cell.clear();
        cell
    }

    fn set_decimal(&mut self, c: Col, v: f64, digits: usize) {
        push_decimal(self.cell(c), v, digits);
    }

    /// A cost: 10–16 fractional digits, or E-notation when `scientific`.
    fn set_cost(&mut self, c: Col, v: f64, scientific: bool) {
        let digits = 10 + self.rng.index(7);
        if scientific && v != 0.0 {
            push_scientific(self.cell(c), v);
        } else {
            self.set_decimal(c, v, digits);
        }
    }

    /// Copies cell `from` into cell `to` without allocating.
    fn copy_cell(&mut self, from: Col, to: Col) {
        let value = std::mem::take(&mut self.cells[from as usize]);
        self.set(to, &value);
        self.cells[from as usize] = value;
    }

    /// Clears the row and fills identity, bill and the line item's account, type and period.
    fn common(&mut self, account: usize, line_item_type: &str, start_hour: u32, end_hour: u32) {
        for cell in &mut self.cells {
            cell.clear();
        }
        self.line_item_id();
        let interval = self.cell(Col::TimeInterval);
        push_hour(interval, start_hour);
        interval.push('/');
        push_hour(interval, end_hour);
        push_hour(self.cell(Col::UsageStartDate), start_hour);
        push_hour(self.cell(Col::UsageEndDate), end_hour);
        // bill/InvoiceId stays empty: the month is not invoiced yet (an estimated month)
        self.set(Col::InvoicingEntity, SELLER);
        self.set(Col::BillingEntity, "AWS");
        self.set(Col::BillType, "Anniversary");
        let world = self.world;
        self.set(Col::PayerAccountId, &world.payer);
        self.set(Col::BillingPeriodStartDate, PERIOD_START);
        self.set(Col::BillingPeriodEndDate, PERIOD_END);
        self.set(Col::UsageAccountId, &world.accounts[account]);
        self.set(Col::LineItemType, line_item_type);
        self.set(Col::CurrencyCode, "USD");
        self.set(Col::LegalEntity, SELLER);
    }

    /// 52 base32 characters, like AWS's line item ids.
    fn line_item_id(&mut self) {
        const B32: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut bits = [0u64; 5];
        for b in &mut bits {
            *b = self.rng.next_u64();
        }
        let id = self.cell(Col::LineItemId);
        for i in 0..52 {
            let word = bits[i / 12];
            id.push(char::from(B32[((word >> ((i % 12) * 5)) & 31) as usize]));
        }
    }

    fn product_basics(&mut self, code: &str, name: &str) {
        self.set(Col::ProductCode, code);
        self.set(Col::ProductName, name);
        self.set(Col::ServiceCode, code);
        self.set(Col::ServiceName, name);
    }

    /// The product, pricing and tag columns of a usage row for `resource`.
    fn describe(&mut self, offer: &Offer, resource: &Resource) {
        let (product, spec, region) = (offer.product, offer.spec, offer.region);
        self.product_basics(product.code, product.name);
        self.set(Col::UsageType, &offer.usage_type);
        self.set(Col::ProductUsageType, &offer.usage_type);
        self.set(Col::Operation, spec.operation);
        self.set(Col::ProductOperation, spec.operation);
        self.set(Col::ProductFamily, spec.family);
        self.set(Col::Sku, &offer.sku);
        self.set(Col::Unit, spec.unit);
        self.set(Col::PricingCurrency, "USD");
        self.set(Col::RateCode, &offer.rate_code);
        self.set(Col::RateId, &offer.rate_id);
        self.set(Col::PublicOnDemandRate, &offer.rate_text);
        self.set(Col::LineItemDescription, &offer.description);
        self.set(Col::ResourceId, &resource.id);
        if product.global {
            self.set(Col::Location, "Global");
            self.set(Col::LocationType, "AWS Edge Location");
        } else {
            self.set(Col::Location, region.location);
            self.set(Col::LocationType, "AWS Region");
            self.set(Col::Region, region.code);
            self.set(Col::RegionCode, region.code);
        }
        match spec.detail {
            Detail::None => {}
            Detail::Instance(i) => {
                self.instance(i);
                self.set(Col::CapacityStatus, "Used");
                self.set(Col::OperatingSystem, "Linux");
                self.set(Col::Tenancy, "Shared");
                self.set(Col::LicenseModel, "No License required");
                self.set(Col::PreInstalledSw, "NA");
                self.set(Col::MarketOption, "OnDemand");
                self.set(Col::ClockSpeed, i.clock);
                self.set(Col::PhysicalProcessor, i.processor);
                self.set(Col::NetworkPerformance, i.network);
                self.set(Col::ProcessorArchitecture, "64-bit");
                self.zone(region.code, resource.az);
            }
            Detail::Database(i, engine) => {
                self.instance(i);
                self.set(Col::DatabaseEngine, engine);
                self.set(Col::DeploymentOption, "Single-AZ");
            }
            Detail::Storage(class, media, api, volume) => {
                self.set(Col::StorageClass, class);
                self.set(Col::StorageMedia, media);
                self.set(Col::VolumeApiName, api);
                self.set(Col::VolumeType, volume);
                if !api.is_empty() {
                    self.zone(region.code, resource.az);
                }
            }
            Detail::Transfer(kind) => {
                self.set(Col::TransferType, kind);
                self.set(Col::FromLocation, region.location);
                self.set(Col::ToLocation, "External");
            }
        }
        if !resource.name.is_empty() {
            self.set(Col::TagName, &resource.name);
        }
        for (col, value) in POOLED_TAGS.iter().zip(resource.tags) {
            self.set(*col, value);
        }
    }

    fn instance(&mut self, i: &Instance) {
        self.set(Col::InstanceType, i.itype);
        self.set(Col::InstanceFamily, i.family);
        self.set(Col::Vcpu, i.vcpu);
        self.set(Col::Memory, i.memory);
        self.set(Col::CurrentGeneration, "Yes");
    }

    fn zone(&mut self, region: &str, az: char) {
        let cell = self.cell(Col::AvailabilityZone);
        cell.push_str(region);
        cell.push(az);
    }

    /// A usage row; returns its on-demand cost and rate (for a following negation).
    fn usage(&mut self, coverage: Coverage) -> (f64, f64) {
        let world = self.world;
        let resource = match coverage {
            Coverage::OnDemand => &world.resources[self.rng.index(world.resources.len())],
            _ => &world.resources[world.compute[self.rng.index(world.compute.len())]],
        };
        let offer = &world.offers[resource.offer];
        let hour = self.rng.below(u64::from(HOURS)) as u32;
        let line_item_type = match coverage {
            Coverage::OnDemand => "Usage",
            Coverage::Reserved => "DiscountedUsage",
            Coverage::SavingsPlan => "SavingsPlanCoveredUsage",
        };
        self.common(resource.account, line_item_type, hour, hour + 1);
        self.describe(offer, resource);

        let scientific = coverage == Coverage::OnDemand && self.rng.chance(115);
        let mut amount = self.amount(offer.spec.amount);
        if scientific {
            amount = (amount * 1e-4 * 1e14).round() / 1e14;
        }
        self.set_decimal(Col::UsageAmount, amount, 14);
        if let Some(i) = world.instance(offer) {
            self.set_decimal(Col::NormalizationFactor, i.factor, 2);
            self.set_decimal(Col::NormalizedUsageAmount, amount * i.factor, 12);
        }
        let cost = amount * offer.rate;
        self.set_cost(Col::PublicOnDemandCost, cost, scientific);
        match coverage {
            Coverage::OnDemand | Coverage::SavingsPlan => {
                self.set(Col::UnblendedRate, &offer.rate_text);
                self.set(Col::BlendedRate, &offer.rate_text);
                self.set_cost(Col::UnblendedCost, cost, scientific);
                self.copy_cell(Col::UnblendedCost, Col::BlendedCost);
                self.set(Col::Term, "OnDemand");
            }
            Coverage::Reserved => self.reserved(offer, cost),
        }
        if coverage == Coverage::SavingsPlan {
            let plan = &world.savings_plans[self.rng.index(world.savings_plans.len())];
            self.set(Col::SpArn, &plan.arn);
            self.set_decimal(Col::SpRate, offer.rate * 0.72, 10);
            self.set_cost(Col::SpEffectiveCost, cost * 0.72, false);
        }
        (cost, offer.rate)
    }

    /// The reservation columns of a DiscountedUsage row (its unblended cost is 0: the RI fee pays).
    fn reserved(&mut self, offer: &Offer, on_demand: f64) {
        let world = self.world;
        let region = REGIONS
            .iter()
            .position(|r| std::ptr::eq(r, offer.region))
            .unwrap_or(0);
        for c in [
            Col::UnblendedRate,
            Col::UnblendedCost,
            Col::BlendedRate,
            Col::BlendedCost,
        ] {
            self.set(c, "0");
        }
        let itype = offer.spec.usage.rsplit(':').next().unwrap_or_default();
        push_fmt(
            self.cell(Col::LineItemDescription),
            format_args!("USD 0.0 hourly fee per Linux/UNIX (Amazon VPC), {itype} instance"),
        );
        self.set(Col::RiReservationArn, &world.reservations[region]);
        let effective = on_demand * 0.62;
        self.set_cost(Col::RiEffectiveCost, effective, false);
        self.set_cost(Col::RiAmortizedUpfrontCostForUsage, effective * 0.45, false);
        self.set_cost(Col::RiRecurringFeeForUsage, effective * 0.55, false);
        self.set(Col::Term, "Reserved");
        self.set(Col::LeaseContractLength, "1yr");
        self.set(Col::OfferingClass, "standard");
        self.set(Col::PurchaseOption, "Partial Upfront");
    }

    /// Turns the covered-usage row just written into its SavingsPlanNegation.
    fn negation(&mut self, cost: f64, rate: f64) {
        self.line_item_id();
        self.set(Col::LineItemType, "SavingsPlanNegation");
        self.set_decimal(Col::UnblendedRate, -rate, 10);
        self.set_decimal(Col::BlendedRate, -rate, 10);
        self.set_cost(Col::UnblendedCost, -cost, false);
        self.copy_cell(Col::UnblendedCost, Col::BlendedCost);
        self.set(Col::SpEffectiveCost, "");
        self.set(Col::SpRate, "");
        let account = self.cells[Col::UsageAccountId as usize].clone();
        let sku = self.cells[Col::Sku as usize].clone();
        push_fmt(
            self.cell(Col::LineItemDescription),
            format_args!("SavingsPlanNegation used by AccountId : {account} and UsageSku : {sku}"),
        );
    }

    fn amount(&mut self, amount: Amount) -> f64 {
        let rng = &mut self.rng;
        let raw = match amount {
            Amount::Hours if rng.chance(9_500) => 1.0,
            Amount::Hours => rng.range(0.01, 1.0),
            Amount::GbMonth => rng.range(1.0, 2_000.0) / f64::from(HOURS),
            Amount::MonthFraction => (1 + rng.below(5)) as f64 / f64::from(HOURS),
            Amount::Requests => (1 + rng.below(100_000)) as f64,
            Amount::Gb => rng.range(0.0001, 80.0),
            Amount::GbSeconds => rng.range(0.5, 40_000.0),
            Amount::Units => rng.range(0.1, 24.0),
        };
        (raw * 1e10).round() / 1e10
    }

    fn month_row(&mut self, line_item_type: &str) {
        let world = self.world;
        let account = world.account_weights.pick(&mut self.rng);
        self.common(account, line_item_type, 0, HOURS);
        let product = &PRODUCTS[world.product_weights.pick(&mut self.rng)];
        self.product_basics(product.code, product.name);
    }

    fn tax(&mut self) {
        self.month_row("Tax");
        let amount = self.rng.range(0.01, 500.0);
        self.set_cost(Col::UnblendedCost, amount, false);
        self.copy_cell(Col::UnblendedCost, Col::BlendedCost);
        self.set(Col::UsageAmount, "1");
        self.set(Col::TaxType, "VAT");
        let code = self.cells[Col::ProductCode as usize].clone();
        push_fmt(
            self.cell(Col::LineItemDescription),
            format_args!("Tax for product code {code}"),
        );
    }

    fn credit(&mut self) {
        self.month_row("Credit");
        let amount = -self.rng.range(0.5, 300.0);
        self.set_cost(Col::UnblendedCost, amount, false);
        self.copy_cell(Col::UnblendedCost, Col::BlendedCost);
        self.set(Col::LineItemDescription, "AWS Activate Credits");
    }

    /// A reserved instance's monthly recurring fee, with its unused part.
    fn ri_fee(&mut self) {
        let (offer, instance) = self.reserved_offer();
        self.common(0, "RIFee", 0, HOURS);
        self.ri_product(offer, instance);
        let units = 1 + self.rng.below(20);
        let hours = units as f64 * f64::from(HOURS);
        let recurring = (offer.rate * 0.4 * 1e4).round() / 1e4;
        self.set_decimal(Col::UsageAmount, hours, 0);
        self.set_decimal(Col::UnblendedRate, recurring, 4);
        self.set_decimal(Col::BlendedRate, recurring, 4);
        self.set_cost(Col::UnblendedCost, hours * recurring, false);
        self.copy_cell(Col::UnblendedCost, Col::BlendedCost);
        push_fmt(
            self.cell(Col::LineItemDescription),
            format_args!(
                "USD {recurring} hourly fee per Linux/UNIX (Amazon VPC), {} instance",
                instance.itype
            ),
        );
        let unused = (hours * self.rng.range(0.0, 0.15)).round();
        let amortized = hours * offer.rate * 0.2;
        self.set_decimal(Col::RiNumberOfReservations, units as f64, 0);
        self.set_decimal(Col::RiUnitsPerReservation, f64::from(HOURS), 0);
        self.set_decimal(Col::RiTotalReservedUnits, hours, 0);
        self.set_decimal(
            Col::RiNormalizedUnitsPerReservation,
            instance.factor * f64::from(HOURS),
            2,
        );
        self.set_decimal(
            Col::RiTotalReservedNormalizedUnits,
            instance.factor * hours,
            2,
        );
        self.set_decimal(Col::RiUnusedQuantity, unused, 0);
        self.set_decimal(
            Col::RiUnusedNormalizedUnitQuantity,
            unused * instance.factor,
            2,
        );
        self.set_cost(Col::RiUnusedRecurringFee, unused * recurring, false);
        self.set_cost(Col::RiAmortizedUpfrontFeeForBillingPeriod, amortized, false);
        self.set_cost(
            Col::RiUnusedAmortizedUpfrontFeeForBillingPeriod,
            amortized * unused / hours,
            false,
        );
        self.set_decimal(Col::RiUpfrontValue, amortized * 12.0, 2);
        self.set(Col::RiModificationStatus, "Active");
    }

    /// A reserved instance's upfront purchase fee.
    fn ri_upfront_fee(&mut self) {
        let (offer, instance) = self.reserved_offer();
        let hour = self.rng.below(u64::from(HOURS)) as u32;
        self.common(0, "Fee", hour, hour + 1);
        self.ri_product(offer, instance);
        self.set(Col::UsageAmount, "1");
        let fee = (self.rng.range(200.0, 6_000.0) * 100.0).round() / 100.0;
        self.set_decimal(Col::UnblendedCost, fee, 2);
        self.set_decimal(Col::BlendedCost, fee, 2);
        let (subscription, plan) = (
            self.rng.below(9_000_000_000) + 1_000_000_000,
            self.rng.below(900_000) + 100_000,
        );
        push_fmt(
            self.cell(Col::LineItemDescription),
            format_args!("Sign up charge for subscription: {subscription}, planId: {plan}"),
        );
    }

    fn reserved_offer(&mut self) -> (&'w Offer, &'static Instance) {
        let world = self.world;
        loop {
            let resource = &world.resources[world.compute[self.rng.index(world.compute.len())]];
            let offer = &world.offers[resource.offer];
            if let Some(instance) = world.instance(offer) {
                return (offer, instance);
            }
        }
    }

    fn ri_product(&mut self, offer: &Offer, instance: &Instance) {
        let world = self.world;
        let region = REGIONS
            .iter()
            .position(|r| std::ptr::eq(r, offer.region))
            .unwrap_or(0);
        self.product_basics(offer.product.code, offer.product.name);
        push_fmt(
            self.cell(Col::UsageType),
            format_args!("{}-HeavyUsage:{}", offer.region.prefix, instance.itype),
        );
        self.set(Col::Operation, "RunInstances");
        self.set(Col::RiReservationArn, &world.reservations[region]);
        self.set(Col::RiStartTime, "2026-03-14T09:12:45.000Z");
        self.set(Col::RiEndTime, "2027-03-14T09:12:44.000Z");
        self.set(Col::Term, "Reserved");
        self.set(Col::LeaseContractLength, "1yr");
        self.set(Col::OfferingClass, "standard");
        self.set(Col::PurchaseOption, "Partial Upfront");
    }

    /// An hour of a Savings Plan's commitment, with what was used of it.
    fn savings_plan_fee(&mut self) {
        let world = self.world;
        let plan = &world.savings_plans[self.rng.index(world.savings_plans.len())];
        let hour = self.rng.below(u64::from(HOURS)) as u32;
        self.common(0, "SavingsPlanRecurringFee", hour, hour + 1);
        self.product_basics(SAVINGS_PLANS.0, SAVINGS_PLANS.1);
        self.set(Col::UsageType, "ComputeSP:1yrNoUpfront");
        self.set(Col::UsageAmount, "1");
        self.set_decimal(Col::UnblendedRate, plan.commitment, 4);
        self.set_decimal(Col::UnblendedCost, plan.commitment, 4);
        self.set_decimal(Col::BlendedRate, plan.commitment, 4);
        self.set_decimal(Col::BlendedCost, plan.commitment, 4);
        self.set(
            Col::LineItemDescription,
            "1 year No Upfront Compute Savings Plan",
        );
        self.set(Col::SpArn, &plan.arn);
        self.set_decimal(Col::SpTotalCommitmentToDate, plan.commitment, 4);
        let used = plan.commitment * self.rng.range(0.82, 1.0);
        self.set_cost(Col::SpUsedCommitment, used, false);
        self.set_decimal(
            Col::SpRecurringCommitmentForBillingPeriod,
            plan.commitment * f64::from(HOURS),
            4,
        );
        self.set(Col::SpAmortizedUpfrontCommitmentForBillingPeriod, "0");
        self.set(Col::SpOfferingType, "ComputeSavingsPlans");
        self.set(Col::SpPaymentOption, "No Upfront");
        self.set(Col::SpPurchaseTerm, "1yr");
        self.set(Col::SpStartTime, "2026-01-01T00:00:00.000Z");
        self.set(Col::SpEndTime, "2026-12-31T23:59:59.000Z");
    }
}

/// Appends the instant `hour` hours after the period start (`2026-10-03T14:00:00Z`); the month's
/// last hour ends at [`PERIOD_END`].
fn push_hour(s: &mut String, hour: u32) {
    if hour >= HOURS {
        s.push_str(PERIOD_END);
    } else {
        push_fmt(
            s,
            format_args!("2026-10-{:02}T{:02}:00:00Z", hour / 24 + 1, hour % 24),
        );
    }
}
