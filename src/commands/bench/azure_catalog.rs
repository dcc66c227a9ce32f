//! The synthetic Azure price list: regions (as EA exports spell them) and ~30 meters of the
//! services a typical enterprise runs, with pay-as-you-go prices in US regions.

/// An Azure region.
#[derive(Debug)]
pub struct AzRegion {
    /// `ResourceLocation` as EA writes it (`EastUS`).
    pub location: &'static str,
    /// `MeterRegion` (`US East`).
    pub meter_region: &'static str,
    /// Share of resources placed here.
    pub weight: u64,
    /// Price relative to the US regions.
    pub price_factor: f64,
}

const fn region(
    location: &'static str,
    meter_region: &'static str,
    weight: u64,
    f: f64,
) -> AzRegion {
    AzRegion {
        location,
        meter_region,
        weight,
        price_factor: f,
    }
}

/// The regions resources live in.
pub static AZ_REGIONS: &[AzRegion] = &[
    region("EastUS", "US East", 24, 1.0),
    region("EastUS2", "US East 2", 14, 1.0),
    region("WestUS2", "US West 2", 9, 1.0),
    region("CentralUS", "US Central", 6, 1.05),
    region("SouthCentralUS", "US South Central", 3, 1.05),
    region("WestEurope", "EU West", 14, 1.12),
    region("NorthEurope", "EU North", 8, 1.08),
    region("UKSouth", "UK South", 4, 1.15),
    region("GermanyWestCentral", "DE West Central", 4, 1.18),
    region("FranceCentral", "FR Central", 2, 1.16),
    region("SwedenCentral", "SE Central", 2, 1.1),
    region("JapanEast", "JA East", 3, 1.25),
    region("SoutheastAsia", "AP Southeast", 3, 1.2),
    region("AustraliaEast", "AU East", 2, 1.27),
    region("CanadaCentral", "CA Central", 1, 1.1),
    region("CentralIndia", "IN Central", 1, 1.02),
];

/// How a meter's daily quantity is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Daily {
    /// Hours in the day: mostly 24.
    Hours,
    /// A monthly item accrued over one day (1/31).
    MonthShare,
    /// GB-months accrued in one day.
    GbMonth,
    /// Operations, in units of 10,000.
    TenK,
    /// Gigabytes processed or transferred.
    Gb,
    /// Thousands of tokens.
    KTokens,
    /// One unit per day.
    Day,
}

/// A billable meter (one per region in the world).
#[derive(Debug)]
pub struct Meter {
    /// `MeterCategory`.
    pub category: &'static str,
    /// `MeterSubCategory`.
    pub subcategory: &'static str,
    /// `MeterName`.
    pub name: &'static str,
    /// `UnitOfMeasure`.
    pub unit: &'static str,
    /// `ConsumedService`, also the ARM provider of the resource id.
    pub service: &'static str,
    /// ARM resource type under the provider (`virtualMachines`).
    pub rtype: &'static str,
    /// `ServiceFamily`.
    pub family: &'static str,
    /// Pay-as-you-go price per unit in the US regions.
    pub price: f64,
    /// Daily quantity.
    pub daily: Daily,
    /// Share of resources (per mille).
    pub weight: u64,
    /// A virtual machine size and its vCPUs (for AdditionalInfo and reservations).
    pub vm: Option<(&'static str, u32)>,
    /// Resource name prefix (`vm`, `disk`, `st`).
    pub prefix: &'static str,
}

const BASE: Meter = Meter {
    category: "",
    subcategory: "",
    name: "",
    unit: "1 Hour",
    service: "",
    rtype: "",
    family: "",
    price: 0.0,
    daily: Daily::Hours,
    weight: 0,
    vm: None,
    prefix: "res",
};

const fn vm(
    subcategory: &'static str,
    name: &'static str,
    size: &'static str,
    vcpus: u32,
    price: f64,
    weight: u64,
) -> Meter {
    Meter {
        category: "Virtual Machines",
        subcategory,
        name,
        service: "Microsoft.Compute",
        rtype: "virtualMachines",
        family: "Compute",
        price,
        weight,
        vm: Some((size, vcpus)),
        prefix: "vm",
        ..BASE
    }
}

const fn disk(subcategory: &'static str, name: &'static str, price: f64, weight: u64) -> Meter {
    Meter {
        category: "Storage",
        subcategory,
        name,
        unit: "1/Month",
        service: "Microsoft.Compute",
        rtype: "disks",
        family: "Storage",
        price,
        daily: Daily::MonthShare,
        weight,
        prefix: "disk",
        ..BASE
    }
}

#[allow(clippy::too_many_arguments)]
const fn other(
    category: &'static str,
    subcategory: &'static str,
    name: &'static str,
    unit: &'static str,
    (service, rtype, family): (&'static str, &'static str, &'static str),
    price: f64,
    daily: Daily,
    weight: u64,
    prefix: &'static str,
) -> Meter {
    Meter {
        category,
        subcategory,
        name,
        unit,
        service,
        rtype,
        family,
        price,
        daily,
        weight,
        prefix,
        ..BASE
    }
}

const STORAGE: (&str, &str, &str) = ("Microsoft.Storage", "storageAccounts", "Storage");
const NETWORK_IP: (&str, &str, &str) = ("Microsoft.Network", "publicIPAddresses", "Networking");

/// The meters.
pub static METERS: &[Meter] = &[
    vm("Dv3/DSv3 Series", "D2s v3", "Standard_D2s_v3", 2, 0.096, 70),
    vm("Dv3/DSv3 Series", "D4s v3", "Standard_D4s_v3", 4, 0.192, 80),
    vm("Dv3/DSv3 Series", "D8s v3", "Standard_D8s_v3", 8, 0.384, 40),
    vm("Dsv5 Series", "D4s v5", "Standard_D4s_v5", 4, 0.192, 60),
    vm("Esv5 Series", "E8s v5", "Standard_E8s_v5", 8, 0.504, 30),
    vm("BS Series", "B2s", "Standard_B2s", 2, 0.0416, 60),
    vm("FSv2 Series", "F4s v2", "Standard_F4s_v2", 4, 0.169, 20),
    vm(
        "NCasT4 v3 Series",
        "NC4as T4 v3",
        "Standard_NC4as_T4_v3",
        4,
        0.526,
        5,
    ),
    disk("Premium SSD Managed Disks", "P10 LRS Disk", 19.71, 70),
    disk("Premium SSD Managed Disks", "P30 LRS Disk", 135.17, 25),
    disk("Standard SSD Managed Disks", "E10 LRS Disk", 9.6, 40),
    disk("Standard HDD Managed Disks", "S10 LRS Disk", 5.89, 20),
    other(
        "Storage",
        "General Block Blob v2",
        "Hot LRS Data Stored",
        "1 GB/Month",
        STORAGE,
        0.0184,
        Daily::GbMonth,
        50,
        "st",
    ),
    other(
        "Storage",
        "General Block Blob v2",
        "Hot Read Operations",
        "10K",
        STORAGE,
        0.0044,
        Daily::TenK,
        30,
        "st",
    ),
    other(
        "Storage",
        "Files v2",
        "LRS Data Stored",
        "1 GB/Month",
        STORAGE,
        0.06,
        Daily::GbMonth,
        15,
        "st",
    ),
    other(
        "Bandwidth",
        "Rtn Preference: MGN",
        "Standard Data Transfer Out",
        "1 GB",
        NETWORK_IP,
        0.087,
        Daily::Gb,
        25,
        "pip",
    ),
    other(
        "Virtual Network",
        "IP Addresses",
        "Standard IPv4 Static Public IP",
        "1 Hour",
        NETWORK_IP,
        0.005,
        Daily::Hours,
        40,
        "pip",
    ),
    other(
        "Load Balancer",
        "Standard",
        "Standard Data Processed",
        "1 GB",
        ("Microsoft.Network", "loadBalancers", "Networking"),
        0.005,
        Daily::Gb,
        15,
        "lb",
    ),
    other(
        "Application Gateway",
        "Standard v2",
        "Standard Fixed Cost",
        "1 Hour",
        ("Microsoft.Network", "applicationGateways", "Networking"),
        0.246,
        Daily::Hours,
        5,
        "agw",
    ),
    other(
        "NAT Gateway",
        "Standard",
        "Standard Gateway",
        "1 Hour",
        ("Microsoft.Network", "natGateways", "Networking"),
        0.045,
        Daily::Hours,
        5,
        "nat",
    ),
    other(
        "SQL Database",
        "General Purpose - Compute Gen5",
        "vCore",
        "1 Hour",
        ("Microsoft.Sql", "servers", "Databases"),
        0.2529,
        Daily::Hours,
        20,
        "sql",
    ),
    other(
        "Azure Database for PostgreSQL",
        "Flexible Server General Purpose Dsv3 Series Compute",
        "vCore",
        "1 Hour",
        ("Microsoft.DBforPostgreSQL", "flexibleServers", "Databases"),
        0.0875,
        Daily::Hours,
        15,
        "psql",
    ),
    other(
        "Azure Cosmos DB",
        "RUs",
        "100 RU/s",
        "1 Hour",
        ("Microsoft.DocumentDB", "databaseAccounts", "Databases"),
        0.008,
        Daily::Hours,
        10,
        "cosmos",
    ),
    other(
        "Redis Cache",
        "Standard",
        "C1 Cache Instance",
        "1 Hour",
        ("Microsoft.Cache", "redis", "Databases"),
        0.1,
        Daily::Hours,
        8,
        "redis",
    ),
    other(
        "Azure App Service",
        "Premium v3 Plan",
        "P1 v3 App",
        "1 Hour",
        ("Microsoft.Web", "serverFarms", "Compute"),
        0.2,
        Daily::Hours,
        25,
        "asp",
    ),
    other(
        "Azure Kubernetes Service",
        "Standard",
        "Standard Uptime SLA",
        "1 Hour",
        ("Microsoft.ContainerService", "managedClusters", "Compute"),
        0.1,
        Daily::Hours,
        8,
        "aks",
    ),
    other(
        "Key Vault",
        "Standard",
        "Operations",
        "10K",
        ("Microsoft.KeyVault", "vaults", "Security"),
        0.03,
        Daily::TenK,
        20,
        "kv",
    ),
    other(
        "Log Analytics",
        "Analytics Logs",
        "Pay-as-you-go Data Ingestion",
        "1 GB",
        (
            "Microsoft.OperationalInsights",
            "workspaces",
            "Management and Governance",
        ),
        2.76,
        Daily::Gb,
        10,
        "log",
    ),
    other(
        "Event Hubs",
        "Standard",
        "Standard Throughput Unit",
        "1 Hour",
        ("Microsoft.EventHub", "namespaces", "Integration"),
        0.03,
        Daily::Hours,
        6,
        "evh",
    ),
    other(
        "Container Registry",
        "Standard",
        "Standard Registry Unit",
        "1/Day",
        ("Microsoft.ContainerRegistry", "registries", "Containers"),
        0.6667,
        Daily::Day,
        6,
        "acr",
    ),
    other(
        "Cognitive Services",
        "Azure OpenAI",
        "gpt-4o-mini-0718-Inp-glbl Tokens",
        "1K",
        (
            "Microsoft.CognitiveServices",
            "accounts",
            "AI + Machine Learning",
        ),
        0.000165,
        Daily::KTokens,
        4,
        "oai",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_sane() {
        assert!(METERS.len() >= 30);
        assert!(METERS.iter().all(|m| m.price > 0.0 && m.weight > 0));
        assert!(AZ_REGIONS.len() >= 15);
    }
}
