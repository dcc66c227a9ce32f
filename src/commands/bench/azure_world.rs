//! The synthetic Azure enrollment behind the EA export: departments and enrollment accounts, ~48
//! subscriptions with ~600 resource groups, ~500 meters (meter × region), 60k tagged resources,
//! and the reservations and savings plans that cover some VM usage. Built once from the seed.

use super::azure_catalog::{AZ_REGIONS, AzRegion, METERS, Meter};
use super::rng::{Weighted, XorShift};
use super::text::decimal;
use super::world::{
    APPLICATIONS, COST_CENTERS, ENVIRONMENTS, OWNERS, PROJECTS, TEAMS, upper_alnum, uuid,
};

/// Resources in the enrollment.
pub const AZ_RESOURCES: usize = 60_000;
/// Subscriptions in the enrollment.
pub const SUBSCRIPTIONS: usize = 48;
const DEPARTMENTS: &[&str] = &[
    "Platform Engineering",
    "Payments",
    "Data & Analytics",
    "Retail Web",
    "Corporate IT",
    "Research",
];

/// An enrollment account (EA `AccountName`), in a department (`InvoiceSectionName`).
#[derive(Debug)]
pub struct Account {
    /// `AccountName`.
    pub name: String,
    /// `AccountOwnerId`.
    pub owner: String,
    /// `CostCenter`.
    pub cost_center: &'static str,
    /// Index into [`AzWorld::departments`].
    pub department: usize,
}

/// A subscription and its resource groups.
#[derive(Debug)]
pub struct Subscription {
    /// `SubscriptionId` (a GUID).
    pub id: String,
    /// `SubscriptionName`.
    pub name: String,
    /// Index into [`AzWorld::accounts`].
    pub account: usize,
    /// `OfferId` (`MS-AZR-0017P` production, `MS-AZR-0148P` dev/test).
    pub offer: &'static str,
    /// Resource group names.
    pub groups: Vec<String>,
}

/// One meter in one region, with its prices.
#[derive(Debug)]
pub struct AzOffer {
    /// The meter.
    pub meter: &'static Meter,
    /// The region.
    pub region: &'static AzRegion,
    /// `MeterId`.
    pub meter_id: String,
    /// `ProductName`.
    pub product: String,
    /// `PartNumber`.
    pub part_number: String,
    /// `PayGPrice` as written.
    pub payg: String,
    /// `UnitPrice` (the enrollment's negotiated price).
    pub unit_price: f64,
    /// The unit price as written.
    pub unit_price_text: String,
}

/// One billed resource.
#[derive(Debug)]
pub struct AzResource {
    /// Index into [`AzWorld::offers`].
    pub offer: usize,
    /// Index into [`AzWorld::subscriptions`].
    pub subscription: usize,
    /// `ResourceGroup`.
    pub group: String,
    /// `ResourceName`.
    pub name: String,
    /// `ResourceId` (ARM id).
    pub id: String,
    /// `Tags` as EA writes them: JSON members without the outer braces; empty when untagged.
    pub tags: String,
    /// `AvailabilityZone` (`1`…`3`, or empty).
    pub zone: &'static str,
}

/// A reservation or savings plan.
#[derive(Debug)]
pub struct Benefit {
    /// `benefitId` (the ARM id of the reservation or savings plan).
    pub id: String,
    /// `ReservationId` (the reservation's GUID).
    pub reservation_id: String,
    /// `benefitName` / `ReservationName`.
    pub name: String,
    /// `ProductOrderId`.
    pub order_id: String,
    /// `ProductOrderName`.
    pub order_name: String,
    /// `PricingModel` (`Reservation`, `SavingsPlan`).
    pub model: &'static str,
    /// Monthly fee, USD.
    pub monthly_fee: f64,
}

/// Everything Azure rows are drawn from.
#[derive(Debug)]
pub struct AzWorld {
    /// `BillingAccountId` (the enrollment number), also `BillingProfileId`.
    pub enrollment: String,
    /// Department (invoice section) names and ids.
    pub departments: Vec<(&'static str, String)>,
    /// Enrollment accounts.
    pub accounts: Vec<Account>,
    /// Subscriptions.
    pub subscriptions: Vec<Subscription>,
    /// Every (meter, region).
    pub offers: Vec<AzOffer>,
    /// The resources.
    pub resources: Vec<AzResource>,
    /// Resources that are virtual machines (reservations and savings plans cover them).
    pub vms: Vec<usize>,
    /// Reservations, then savings plans.
    pub benefits: Vec<Benefit>,
}

impl AzWorld {
    /// The enrollment for `seed`.
    pub fn build(seed: u64) -> Self {
        let mut rng = XorShift::new(seed);
        let enrollment = (10_000_000 + rng.below(90_000_000)).to_string();
        let departments = DEPARTMENTS
            .iter()
            .map(|d| (*d, (100_000 + rng.below(900_000)).to_string()))
            .collect();
        let accounts: Vec<Account> = TEAMS
            .iter()
            .enumerate()
            .map(|(i, team)| Account {
                name: format!("acme-{team}"),
                owner: format!("{team}-lead@acme.example"),
                cost_center: COST_CENTERS[i % COST_CENTERS.len()],
                department: i % DEPARTMENTS.len(),
            })
            .collect();
        let subscriptions = (0..SUBSCRIPTIONS)
            .map(|n| {
                let account = rng.index(accounts.len());
                let env = ENVIRONMENTS[rng.index(ENVIRONMENTS.len())];
                let groups = (0..6 + rng.below(13))
                    .map(|g| {
                        let app = APPLICATIONS[rng.index(APPLICATIONS.len())];
                        format!("rg-{app}-{env}-{g:02}")
                    })
                    .collect();
                Subscription {
                    id: uuid(&mut rng),
                    name: format!("{}-{env}-{n:02}", TEAMS[account]),
                    account,
                    offer: if env == "prod" {
                        "MS-AZR-0017P"
                    } else {
                        "MS-AZR-0148P"
                    },
                    groups,
                }
            })
            .collect();
        let offers = build_offers(&mut rng);
        let mut world = Self {
            enrollment,
            departments,
            accounts,
            subscriptions,
            offers,
            resources: Vec::with_capacity(AZ_RESOURCES),
            vms: Vec::new(),
            benefits: Vec::new(),
        };
        world.add_resources(&mut rng);
        world.add_benefits(&mut rng);
        world
    }

    fn add_resources(&mut self, rng: &mut XorShift) {
        let meters = Weighted::new(METERS.iter().map(|m| m.weight));
        let regions = Weighted::new(AZ_REGIONS.iter().map(|r| r.weight));
        for n in 0..AZ_RESOURCES {
            let (m, r) = (meters.pick(rng), regions.pick(rng));
            let meter = &METERS[m];
            let s = rng.index(self.subscriptions.len());
            let sub = &self.subscriptions[s];
            let group = sub.groups[rng.index(sub.groups.len())].clone();
            let app = APPLICATIONS[rng.index(APPLICATIONS.len())];
            let name = format!("{}-{app}-{n:05}", meter.prefix);
            let id = format!(
                "/subscriptions/{}/resourceGroups/{group}/providers/{}/{}/{name}",
                sub.id, meter.service, meter.rtype
            );
            let zonal = meter.vm.is_some() || meter.rtype == "disks";
            let zone = if zonal && rng.chance(5_000) {
                ["1", "2", "3"][rng.index(3)]
            } else {
                ""
            };
            if meter.vm.is_some() {
                self.vms.push(n);
            }
            let tags = tags(rng, app);
            self.resources.push(AzResource {
                offer: m * AZ_REGIONS.len() + r,
                subscription: s,
                group,
                name,
                id,
                tags,
                zone,
            });
        }
    }

    fn add_benefits(&mut self, rng: &mut XorShift) {
        for _ in 0..8 {
            let vm = &self.resources[self.vms[rng.index(self.vms.len())]];
            let offer = &self.offers[vm.offer];
            let (size, _) = offer.meter.vm.unwrap_or(("Standard_D4s_v3", 4));
            let (order, reservation) = (uuid(rng), uuid(rng));
            let hourly = offer.unit_price * 0.6 * (1 + rng.below(10)) as f64;
            self.benefits.push(Benefit {
                id: format!(
                    "/providers/Microsoft.Capacity/reservationOrders/{order}/reservations/{reservation}"
                ),
                reservation_id: reservation,
                name: format!("VM_RI_{:02}-{:02}-2026_{}", 1 + rng.below(9), 1 + rng.below(28), upper_alnum(rng, 4)),
                order_id: order,
                order_name: format!(
                    "Reserved VM Instance, {size}, {}, 1 Year",
                    offer.region.meter_region
                ),
                model: "Reservation",
                monthly_fee: (hourly * 744.0 * 100.0).round() / 100.0,
            });
        }
        for commitment in [8.0, 2.5] {
            let (order, plan) = (uuid(rng), uuid(rng));
            self.benefits.push(Benefit {
                id: format!(
                    "/providers/Microsoft.BillingBenefits/savingsPlanOrders/{order}/savingsPlans/{plan}"
                ),
                reservation_id: plan,
                name: format!("Compute_SavingsPlan_{}", upper_alnum(rng, 6)),
                order_id: order,
                order_name: "Azure savings plan for compute, 1 Year".into(),
                model: "SavingsPlan",
                monthly_fee: commitment * 744.0,
            });
        }
    }
}

fn build_offers(rng: &mut XorShift) -> Vec<AzOffer> {
    let mut offers = Vec::with_capacity(METERS.len() * AZ_REGIONS.len());
    for meter in METERS {
        let discount = 1.0 - rng.below(15) as f64 / 100.0;
        for region in AZ_REGIONS {
            let payg = decimal(meter.price * region.price_factor, 6);
            let unit_price_text = decimal(payg.parse::<f64>().unwrap_or(0.0) * discount, 6);
            offers.push(AzOffer {
                meter,
                region,
                meter_id: uuid(rng),
                product: format!(
                    "{} {} - {} - {}",
                    meter.category, meter.subcategory, meter.name, region.meter_region
                ),
                part_number: format!("{}-{:05}", upper_alnum(rng, 3), rng.below(100_000)),
                unit_price: unit_price_text.parse().unwrap_or(0.0),
                unit_price_text,
                payg,
            });
        }
    }
    offers
}

/// EA's tag text (`"Environment": "prod","Team": "data"`), empty for untagged resources.
fn tags(rng: &mut XorShift, app: &str) -> String {
    if !rng.chance(7_000) {
        return String::new();
    }
    let mut parts = vec![format!("\"Application\": \"{app}\"")];
    let pools: [(&str, &[&str], u64); 5] = [
        ("Environment", ENVIRONMENTS, 9_000),
        ("CostCenter", COST_CENTERS, 7_000),
        ("Owner", OWNERS, 5_000),
        ("Project", PROJECTS, 4_000),
        ("Team", TEAMS, 7_500),
    ];
    for (key, pool, per_10k) in pools {
        if rng.chance(per_10k) {
            parts.push(format!("\"{key}\": \"{}\"", pool[rng.index(pool.len())]));
        }
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrollment_has_realistic_cardinalities() {
        let w = AzWorld::build(3);
        assert_eq!(w.subscriptions.len(), SUBSCRIPTIONS);
        let groups: usize = w.subscriptions.iter().map(|s| s.groups.len()).sum();
        assert!((300..900).contains(&groups), "{groups}");
        assert_eq!(w.offers.len(), METERS.len() * AZ_REGIONS.len());
        assert_eq!(w.resources.len(), AZ_RESOURCES);
        assert!(w.vms.len() > AZ_RESOURCES / 5);
        let tagged = w.resources.iter().filter(|r| !r.tags.is_empty()).count();
        assert!((35_000..50_000).contains(&tagged), "{tagged}");
        assert_eq!(w.benefits.len(), 10);
    }
}
