//! Rows of the synthetic EA actual-cost export, daily, one at a time.
//!
//! Mix: ~90 % on-demand usage (4 % of VM rows Spot), ~4.5 % VM usage covered by a reservation and
//! ~3 % by a savings plan (cost 0 in the actual dataset, as Cost Management writes it), ~2 %
//! reservation and savings plan purchases, ~0.5 % refunds. ~1.5 % of on-demand rows are a resource
//! that ran for a moment; their tiny costs are written in E-notation (`5.64902E-05`), as EA
//! exports do.

use super::azure_catalog::Daily;
use super::azure_header::{Az, HEADER};
use super::azure_world::{AzOffer, AzWorld, Benefit};
use super::rng::XorShift;
use super::text::{push_decimal, push_fmt};

/// Days in the billing month (October 2026).
const DAYS: u64 = 31;

/// Draws EA cost-detail rows as text cells, in [`HEADER`] order.
pub struct AzRowWriter<'w> {
    world: &'w AzWorld,
    rng: XorShift,
    cells: Vec<String>,
}

impl<'w> AzRowWriter<'w> {
    /// A writer drawing from `world` with its own random stream.
    pub fn new(world: &'w AzWorld, seed: u64) -> Self {
        Self {
            world,
            rng: XorShift::new(seed),
            cells: vec![String::new(); HEADER.len()],
        }
    }

    /// Hands the next row's cells to `emit`.
    ///
    /// # Errors
    /// `emit` failing.
    pub fn next_row(
        &mut self,
        emit: &mut impl FnMut(&[String]) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let x = self.rng.below(10_000);
        match x {
            0..9_000 => self.usage(None),
            9_000..9_450 => {
                let b = self.rng.index(8);
                self.usage(Some(b));
            }
            9_450..9_750 => {
                let b = 8 + self.rng.index(2);
                self.usage(Some(b));
            }
            9_750..9_950 => self.purchase(false),
            _ => self.purchase(true),
        }
        emit(&self.cells)
    }

    fn set(&mut self, c: Az, v: &str) {
        let cell = &mut self.cells[c as usize];
        cell.clear();
        cell.push_str(v);
    }

    fn cell(&mut self, c: Az) -> &mut String {
        let cell = &mut self.cells[c as usize];
        cell.clear();
        cell
    }

    /// Clears the row and fills the enrollment, subscription and date columns.
    fn common(&mut self, subscription: usize, day: u64) {
        for cell in &mut self.cells {
            cell.clear();
        }
        let world = self.world;
        let sub = &world.subscriptions[subscription];
        let account = &world.accounts[sub.account];
        let (department, department_id) = &world.departments[account.department];
        self.set(Az::InvoiceSectionName, department);
        self.set(Az::InvoiceSectionId, department_id);
        self.set(Az::AccountName, &account.name);
        self.set(Az::AccountOwnerId, &account.owner);
        self.set(Az::CostCenter, account.cost_center);
        self.set(Az::SubscriptionId, &sub.id);
        self.set(Az::SubscriptionName, &sub.name);
        self.set(Az::OfferId, sub.offer);
        push_fmt(self.cell(Az::Date), format_args!("10/{day:02}/2026"));
        self.set(Az::BillingAccountId, &world.enrollment);
        self.set(Az::BillingAccountName, "Acme Corp");
        self.set(Az::BillingProfileId, &world.enrollment);
        self.set(Az::BillingProfileName, "Acme Corp");
        self.set(Az::BillingCurrencyCode, "USD");
        self.set(Az::BillingPeriodStartDate, "10/01/2026");
        self.set(Az::BillingPeriodEndDate, "10/31/2026");
        self.set(Az::IsAzureCreditEligible, "True");
        self.set(Az::PublisherType, "Azure");
        self.set(Az::PublisherName, "Microsoft");
    }

    /// A day of usage of one resource; `benefit` covers it (a VM) when given.
    fn usage(&mut self, benefit: Option<usize>) {
        let world = self.world;
        let resource = match benefit {
            None => &world.resources[self.rng.index(world.resources.len())],
            Some(_) => &world.resources[world.vms[self.rng.index(world.vms.len())]],
        };
        let offer = &world.offers[resource.offer];
        let day = 1 + self.rng.below(DAYS);
        self.common(resource.subscription, day);
        self.describe(offer);
        self.set(Az::ResourceGroup, &resource.group);
        self.set(Az::ResourceId, &resource.id);
        self.set(Az::ResourceName, &resource.name);
        self.set(Az::Tags, &resource.tags);
        self.set(Az::AvailabilityZone, resource.zone);
        if let Some((size, vcpus)) = offer.meter.vm {
            push_fmt(
                self.cell(Az::AdditionalInfo),
                format_args!(
                    "{{\"UsageType\":\"ComputeHR\",\"ImageType\":\"Canonical\",\"ServiceType\":\"{size}\",\"VMName\":\"\",\"VMProperties\":\"\",\"VCPUs\":{vcpus},\"CPUs\":0}}"
                ),
            );
        }
        let mut quantity = self.quantity(offer.meter.daily);
        if benefit.is_none() && self.rng.chance(150) {
            // a resource that ran for a moment: tiny quantities and costs (E-notation)
            quantity = ((quantity * 1e-4 * 1e9).round() / 1e9).max(1e-9);
        }
        push_decimal(self.cell(Az::Quantity), quantity, 9);
        self.set(Az::UnitPrice, &offer.unit_price_text);
        self.set(Az::ChargeType, "Usage");
        self.set(Az::Frequency, "UsageBased");
        match benefit {
            None => {
                let spot = offer.meter.vm.is_some() && self.rng.chance(400);
                let price = if spot {
                    offer.unit_price * 0.2
                } else {
                    offer.unit_price
                };
                push_decimal(self.cell(Az::EffectivePrice), price, 8);
                self.set_cost(quantity * price);
                self.set(Az::PricingModel, if spot { "Spot" } else { "OnDemand" });
            }
            Some(b) => {
                let benefit = &world.benefits[b];
                self.set(Az::EffectivePrice, "0");
                self.set(Az::CostInBillingCurrency, "0");
                self.set_benefit(benefit);
            }
        }
    }

    /// The meter and region columns of `offer`.
    fn describe(&mut self, offer: &AzOffer) {
        let (meter, region) = (offer.meter, offer.region);
        self.set(Az::ResourceLocation, region.location);
        self.set(Az::ProductName, &offer.product);
        self.set(Az::MeterCategory, meter.category);
        self.set(Az::MeterSubCategory, meter.subcategory);
        self.set(Az::MeterId, &offer.meter_id);
        self.set(Az::MeterName, meter.name);
        self.set(Az::MeterRegion, region.meter_region);
        self.set(Az::UnitOfMeasure, meter.unit);
        self.set(Az::ConsumedService, meter.service);
        self.set(Az::PartNumber, &offer.part_number);
        self.set(Az::PayGPrice, &offer.payg);
        self.set(Az::ServiceFamily, meter.family);
    }

    fn set_benefit(&mut self, benefit: &Benefit) {
        self.set(Az::PricingModel, benefit.model);
        self.set(Az::BenefitId, &benefit.id);
        self.set(Az::BenefitName, &benefit.name);
        self.set(Az::ReservationId, &benefit.reservation_id);
        self.set(Az::ReservationName, &benefit.name);
        self.set(Az::ProductOrderId, &benefit.order_id);
        self.set(Az::ProductOrderName, &benefit.order_name);
    }

    /// A monthly reservation or savings plan fee (or its refund), billed to a subscription.
    fn purchase(&mut self, refund: bool) {
        let world = self.world;
        let benefit = &world.benefits[self.rng.index(world.benefits.len())];
        let subscription = self.rng.index(world.subscriptions.len());
        let day = if refund { 1 + self.rng.below(DAYS) } else { 1 };
        self.common(subscription, day);
        self.set_benefit(benefit);
        self.set(Az::ProductName, &benefit.order_name);
        let service = if benefit.model == "Reservation" {
            "Microsoft.Capacity"
        } else {
            "Microsoft.BillingBenefits"
        };
        self.set(Az::ConsumedService, service);
        self.set(Az::Term, "12");
        self.set(Az::Quantity, "1");
        self.set(Az::PayGPrice, "0");
        let fee = if refund {
            -(benefit.monthly_fee * self.rng.range(0.1, 1.0) * 100.0).round() / 100.0
        } else {
            benefit.monthly_fee
        };
        push_decimal(self.cell(Az::UnitPrice), fee.abs(), 2);
        push_decimal(self.cell(Az::EffectivePrice), fee.abs(), 2);
        push_decimal(self.cell(Az::CostInBillingCurrency), fee, 2);
        self.set(Az::ChargeType, if refund { "Refund" } else { "Purchase" });
        self.set(Az::Frequency, if refund { "OneTime" } else { "Recurring" });
    }

    fn quantity(&mut self, daily: Daily) -> f64 {
        let rng = &mut self.rng;
        let q = match daily {
            Daily::Hours if rng.chance(9_000) => 24.0,
            Daily::Hours => (1 + rng.below(23)) as f64,
            Daily::MonthShare => 1.0 / DAYS as f64,
            Daily::GbMonth => rng.range(1.0, 4_096.0) / DAYS as f64,
            Daily::TenK => (1 + rng.below(500_000)) as f64 / 10_000.0,
            Daily::Gb => rng.range(0.001, 250.0),
            Daily::KTokens => (1 + rng.below(200_000)) as f64 / 1_000.0,
            Daily::Day => 1.0,
        };
        (q * 1e9).round() / 1e9
    }

    /// A cost as EA writes it: up to 10 decimals, E-notation below 1e-4 (`5.64902E-05`).
    fn set_cost(&mut self, cost: f64) {
        let cell = self.cell(Az::CostInBillingCurrency);
        if cost != 0.0 && cost.abs() < 1e-4 {
            let mantissa = format!("{cost:.5e}");
            let (m, e) = mantissa.split_once('e').unwrap_or((&mantissa, "0"));
            let exp: i32 = e.parse().unwrap_or(0);
            push_fmt(cell, format_args!("{m}E-{:02}", exp.unsigned_abs()));
        } else {
            push_decimal(cell, cost, 10);
        }
    }
}
