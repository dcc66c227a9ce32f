//! The synthetic organisation behind the CUR: one payer, its usage accounts, the price list per
//! region, ~100k resources with tags, and the reservations and Savings Plans that cover some usage.
//! Built once from the seed; rows then only look things up.

use super::catalog::{Detail, IdKind, Instance, Product, REGIONS, Region, Spec};
use super::products::PRODUCTS;
use super::rng::{Weighted, XorShift};
use super::text::{decimal, push_fmt};

/// Resources in the organisation (distinct `lineItem/ResourceId`s, less the id-less ones).
pub const RESOURCES: usize = 100_000;
/// Usage accounts under the payer (the payer is the first).
pub const ACCOUNTS: usize = 20;

/// One usage type in one region, with its price.
#[derive(Debug)]
pub struct Offer {
    /// The product.
    pub product: &'static Product,
    /// The usage type before the region prefix.
    pub spec: &'static Spec,
    /// The region.
    pub region: &'static Region,
    /// `USE1-BoxUsage:m5.large`.
    pub usage_type: String,
    /// `$0.096 per On Demand Linux m5.large Instance Hour`.
    pub description: String,
    /// `product/sku`.
    pub sku: String,
    /// On-demand rate.
    pub rate: f64,
    /// The rate as written.
    pub rate_text: String,
    /// `pricing/RateCode`.
    pub rate_code: String,
    /// `pricing/RateId`.
    pub rate_id: String,
}

/// One billed resource.
#[derive(Debug)]
pub struct Resource {
    /// Index into [`World::offers`].
    pub offer: usize,
    /// Index into [`World::accounts`].
    pub account: usize,
    /// Availability zone letter (`a`…`c`), used by zonal resources.
    pub az: char,
    /// `lineItem/ResourceId` (empty when the usage type has none).
    pub id: String,
    /// `resourceTags/user:Name` (empty when untagged).
    pub name: String,
    /// Values of [`super::header::POOLED_TAGS`] (empty when absent).
    pub tags: [&'static str; 7],
}

/// A Savings Plan.
#[derive(Debug)]
pub struct SavingsPlan {
    /// `savingsPlan/SavingsPlanARN`.
    pub arn: String,
    /// Hourly commitment, USD.
    pub commitment: f64,
}

/// Everything rows are drawn from.
#[derive(Debug)]
pub struct World {
    /// `bill/PayerAccountId`.
    pub payer: String,
    /// Usage account ids.
    pub accounts: Vec<String>,
    /// Account choice for account-level rows (tax, credits).
    pub account_weights: Weighted,
    /// Every (product, usage type, region).
    pub offers: Vec<Offer>,
    /// The resources.
    pub resources: Vec<Resource>,
    /// Resources that reservations and Savings Plans can cover (EC2 instances).
    pub compute: Vec<usize>,
    /// Product choice for tax and credit rows (indexes [`PRODUCTS`]).
    pub product_weights: Weighted,
    /// One reserved-instance ARN per region (indexes like [`REGIONS`]).
    pub reservations: Vec<String>,
    /// The Savings Plans.
    pub savings_plans: Vec<SavingsPlan>,
}

const ACCOUNT_WEIGHTS: [u64; ACCOUNTS] = [
    5, 20, 15, 12, 10, 8, 6, 5, 4, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1,
];
/// Tag value pool.
pub(super) const APPLICATIONS: &[&str] = &[
    "checkout",
    "search",
    "billing-api",
    "data-lake",
    "web-frontend",
    "auth",
    "reporting",
    "ml-platform",
];
const BUSINESS_UNITS: &[&str] = &["retail", "wholesale", "corporate", "research"];
/// Tag value pool.
pub(super) const COST_CENTERS: &[&str] = &[
    "CC-1001", "CC-1002", "CC-1003", "CC-1010", "CC-1011", "CC-2001", "CC-2002", "CC-3000",
];
/// Tag value pool.
pub(super) const ENVIRONMENTS: &[&str] = &["prod", "prod", "staging", "dev", "test", "sandbox"];
/// Tag value pool.
pub(super) const OWNERS: &[&str] = &[
    "Doe, Jane",
    "Smith, John",
    "platform-team@example.com",
    "Garcia, Maria",
    "data-eng@example.com",
    "Nguyen, An",
];
/// Tag value pool.
pub(super) const PROJECTS: &[&str] = &[
    "apollo", "gemini", "mercury", "atlas", "orion", "zephyr", "hermes",
];
/// Tag value pool.
pub(super) const TEAMS: &[&str] = &[
    "platform", "payments", "data", "ml", "web", "mobile", "sre", "security",
];
/// Pools of [`super::header::POOLED_TAGS`], in the same order, with the chance (per 10k) a tagged
/// resource carries the tag.
const TAG_POOLS: [(&[&str], u64); 7] = [
    (APPLICATIONS, 8_000),
    (BUSINESS_UNITS, 5_000),
    (COST_CENTERS, 7_000),
    (ENVIRONMENTS, 9_000),
    (OWNERS, 6_000),
    (PROJECTS, 5_000),
    (TEAMS, 7_500),
];

impl World {
    /// The organisation for `seed`.
    pub fn build(seed: u64) -> Self {
        let mut rng = XorShift::new(seed);
        let payer = twelve_digits(&mut rng);
        let accounts: Vec<String> = std::iter::once(payer.clone())
            .chain((1..ACCOUNTS).map(|_| twelve_digits(&mut rng)))
            .collect();
        let (offers, offer_base) = build_offers(&mut rng);
        let product_weights = Weighted::new(PRODUCTS.iter().map(|p| p.weight));
        let region_weights = Weighted::new(REGIONS.iter().map(|r| r.weight));
        let account_weights = Weighted::new(ACCOUNT_WEIGHTS);
        let mut resources = Vec::with_capacity(RESOURCES);
        let mut compute = Vec::new();
        for n in 0..RESOURCES {
            let p = product_weights.pick(&mut rng);
            let s = rng.index(PRODUCTS[p].specs.len());
            let region = region_weights.pick(&mut rng);
            let account = account_weights.pick(&mut rng);
            let offer = offer_base[p][s] + region;
            let spec = &PRODUCTS[p].specs[s];
            if matches!(spec.detail, Detail::Instance(_)) {
                compute.push(n);
            }
            let id = resource_id(
                &mut rng,
                spec.id,
                REGIONS[region].code,
                &accounts[account],
                n,
            );
            let (name, tags) = resource_tags(&mut rng, n);
            let az = char::from(b'a' + rng.below(3) as u8);
            resources.push(Resource {
                offer,
                account,
                az,
                id,
                name,
                tags,
            });
        }
        let reservations = REGIONS
            .iter()
            .map(|r| {
                format!(
                    "arn:aws:ec2:{}:{payer}:reserved-instances/{}",
                    r.code,
                    uuid(&mut rng)
                )
            })
            .collect();
        let savings_plans = [12.5, 4.0, 0.75]
            .into_iter()
            .map(|commitment| SavingsPlan {
                arn: format!(
                    "arn:aws:savingsplans::{payer}:savingsplan/{}",
                    uuid(&mut rng)
                ),
                commitment,
            })
            .collect();
        Self {
            payer,
            accounts,
            account_weights,
            offers,
            resources,
            compute,
            product_weights,
            reservations,
            savings_plans,
        }
    }

    /// The EC2 instance attributes of a compute resource's offer.
    pub fn instance(&self, offer: &Offer) -> Option<&'static Instance> {
        match offer.spec.detail {
            Detail::Instance(i) => Some(i),
            _ => None,
        }
    }
}

/// Offers for every product × usage type × region, and the index of region 0 of each usage type.
fn build_offers(rng: &mut XorShift) -> (Vec<Offer>, Vec<Vec<usize>>) {
    let mut offers = Vec::new();
    let mut base = Vec::new();
    for product in PRODUCTS {
        let mut per_spec = Vec::new();
        for spec in product.specs {
            per_spec.push(offers.len());
            let global_sku = upper_alnum(rng, 16);
            for region in REGIONS {
                let factor = if product.global {
                    1.0
                } else {
                    region.price_factor
                };
                let rate_text = decimal(spec.rate * factor, 10);
                let rate = rate_text.parse().unwrap_or(spec.rate);
                let usage_type = if product.global {
                    spec.usage.to_string()
                } else {
                    format!("{}-{}", region.prefix, spec.usage)
                };
                let sku = if product.global {
                    global_sku.clone()
                } else {
                    upper_alnum(rng, 16)
                };
                offers.push(Offer {
                    product,
                    spec,
                    region,
                    description: format!("${rate_text} per {}", spec.what),
                    rate_code: format!("{sku}.JRTCKXETXF.{}", upper_alnum(rng, 10)),
                    rate_id: (1_000_000_000 + rng.below(9_000_000_000)).to_string(),
                    usage_type,
                    sku,
                    rate,
                    rate_text,
                });
            }
        }
        base.push(per_spec);
    }
    (offers, base)
}

fn resource_id(rng: &mut XorShift, kind: IdKind, region: &str, account: &str, n: usize) -> String {
    const STEMS: &[&str] = &[
        "orders", "payments", "events", "users", "reports", "ingest", "search", "billing",
    ];
    let stem = STEMS[n % STEMS.len()];
    match kind {
        IdKind::None => String::new(),
        IdKind::Hex(prefix) => format!("{prefix}{}", hex(rng, 17)),
        IdKind::Arn(service, path) => {
            format!("arn:aws:{service}:{region}:{account}:{path}{stem}-{n:05}")
        }
        IdKind::GlobalArn(service, path) => format!(
            "arn:aws:{service}::{account}:{path}{}",
            upper_alnum(rng, 13)
        ),
        IdKind::Bucket => format!("acme-{stem}-{region}-{n:05}"),
    }
}

fn resource_tags(rng: &mut XorShift, n: usize) -> (String, [&'static str; 7]) {
    let mut tags = [""; 7];
    if !rng.chance(7_000) {
        return (String::new(), tags);
    }
    for (slot, (pool, per_10k)) in tags.iter_mut().zip(TAG_POOLS) {
        if rng.chance(per_10k) {
            *slot = pool[rng.index(pool.len())];
        }
    }
    let app = if tags[0].is_empty() { "svc" } else { tags[0] };
    let env = if tags[3].is_empty() {
        "shared"
    } else {
        tags[3]
    };
    (format!("{app}-{env}-{n}"), tags)
}

fn twelve_digits(rng: &mut XorShift) -> String {
    (100_000_000_000 + rng.below(900_000_000_000)).to_string()
}

/// `len` random lower-case hex digits.
pub(super) fn hex(rng: &mut XorShift, len: usize) -> String {
    let mut s = String::with_capacity(len);
    while s.len() < len {
        push_fmt(&mut s, format_args!("{:016x}", rng.next_u64()));
    }
    s.truncate(len);
    s
}

/// `len` random upper-case letters and digits.
pub(super) fn upper_alnum(rng: &mut XorShift, len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..len)
        .map(|_| char::from(CHARS[rng.index(CHARS.len())]))
        .collect()
}

/// A random lower-case UUID (`8-4-4-4-12` hex digits).
pub(super) fn uuid(rng: &mut XorShift) -> String {
    let h = hex(rng, 32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_has_realistic_cardinalities() {
        let w = World::build(1);
        assert_eq!(w.accounts.len(), ACCOUNTS);
        assert_eq!(w.resources.len(), RESOURCES);
        let usage_types: std::collections::HashSet<_> =
            w.offers.iter().map(|o| &o.usage_type).collect();
        assert!(
            (450..700).contains(&usage_types.len()),
            "{}",
            usage_types.len()
        );
        assert!(PRODUCTS.len() >= 30);
        assert!(!w.compute.is_empty());
    }
}
