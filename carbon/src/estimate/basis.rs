//! Whose coefficients and grid factors estimate a row: the provider's own, or, for OCI (which
//! CCF does not cover), a documented proxy (docs/carbon-methodology.md, "OCI proxy").

use super::{Estimate, GridFactor, UnknownRatios, estimate, estimate_unknown, flags, grid_factor};
use crate::tables::Coefficients;
use crate::usage::{Mode, Provider, UnknownBy, Usage};

/// The coefficient basis of an estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Basis {
    /// The provider's own CCF coefficients and grid factors.
    Native(Provider),
    /// Oracle Cloud Infrastructure: AWS's hardware coefficients (PUE, watts, memory, storage,
    /// networking) and the grid factor of the provider region in the OCI region's grid
    /// (`data/greenops-oci-proxy-2026-11/oci_region_grids.csv`). Estimates are flagged
    /// [`flags::PROVIDER_PROXY`].
    OciProxy,
}

impl Basis {
    /// The provider whose hardware coefficients apply.
    pub fn hardware(self) -> Provider {
        match self {
            Basis::Native(provider) => provider,
            Basis::OciProxy => Provider::Aws,
        }
    }

    /// How unknown rows of this basis are scaled (CCF: AWS by cost, GCP and Azure by usage
    /// amount; OCI by cost, its units being too varied to share ratios).
    pub fn unknown_by(self, c: &Coefficients) -> UnknownBy {
        match self {
            Basis::Native(provider) => c.constants(provider).unknown_usage_by,
            Basis::OciProxy => UnknownBy::Cost,
        }
    }

    /// The location-based grid factor of a region of this basis.
    pub fn grid_factor(self, region: &str, mode: Mode, c: &Coefficients) -> GridFactor {
        match self {
            Basis::Native(provider) => grid_factor(provider, region, mode, c),
            Basis::OciProxy => match c.oci_region_proxy(region) {
                Some((provider, proxy_region)) => grid_factor(provider, proxy_region, mode, c),
                None => grid_factor(Provider::Aws, "", mode, c),
            },
        }
    }

    /// Estimates a classified row ([`estimate`] with this basis' coefficients and grid).
    pub fn estimate(
        self,
        usage: &Usage,
        region: &str,
        mode: Mode,
        c: &Coefficients,
    ) -> Vec<Estimate> {
        let mut estimates = estimate(usage, self.hardware(), region, mode, c);
        self.regrid(&mut estimates, region, mode, c);
        estimates
    }

    /// Estimates an unknown row ([`estimate_unknown`] with this basis' grid).
    pub fn estimate_unknown(
        self,
        usage: &Usage,
        region: &str,
        ratios: &UnknownRatios,
        c: &Coefficients,
    ) -> Option<Estimate> {
        let mut estimate = estimate_unknown(usage, self.hardware(), region, ratios, c)?;
        self.regrid(
            std::slice::from_mut(&mut estimate),
            region,
            ratios.mode(),
            c,
        );
        Some(estimate)
    }

    /// Proxy estimates: emissions from the proxy grid factor instead of the hardware
    /// provider's (which does not know the region), and the proxy flag.
    fn regrid(self, estimates: &mut [Estimate], region: &str, mode: Mode, c: &Coefficients) {
        if self != Basis::OciProxy {
            return;
        }
        let factor = self.grid_factor(region, mode, c);
        for e in estimates {
            e.location_t = e.kwh * factor.t_per_kwh;
            if mode == Mode::Ccf {
                e.ccf_reported_kwh = e.kwh + e.embodied_t / factor.t_per_kwh;
            }
            e.flags.retain(|f| {
                *f != flags::GRID_FACTOR_FALLBACK && *f != flags::GRID_FACTOR_MULTI_REGION_MEAN
            });
            e.flags.extend(factor.flag);
            e.flags.push(flags::PROVIDER_PROXY);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oci_rows_use_aws_hardware_and_the_grid_of_their_region() {
        let c = Coefficients::ccf_app();
        let usage = Usage::Compute {
            vcpu_hours: 10.0,
            instance_hours: 0.0,
            instance_type: None,
            processors: vec!["AMD EPYC 2nd Gen".into()],
        };
        // us-sanjose-1 sits in California's grid, as AWS us-west-1 does
        let oci = Basis::OciProxy.estimate(&usage, "us-sanjose-1", Mode::Corrected, c);
        let aws = Basis::Native(Provider::Aws).estimate(&usage, "us-west-1", Mode::Corrected, c);
        assert_eq!(oci.len(), 1);
        assert_eq!(oci[0].kwh, aws[0].kwh);
        assert_eq!(oci[0].location_t, aws[0].location_t);
        assert!(oci[0].flags.contains(&flags::PROVIDER_PROXY));
        assert!(!oci[0].flags.contains(&flags::GRID_FACTOR_FALLBACK));
        // Phoenix: Azure's Arizona region; an unlisted region: AWS's Unknown factor, flagged
        let phoenix = Basis::OciProxy.grid_factor("us-phoenix-1", Mode::Corrected, c);
        assert_eq!(phoenix.t_per_kwh, c.grid_factor(Provider::Azure, "westus3"));
        let jeddah = Basis::OciProxy.estimate(&usage, "me-jeddah-1", Mode::Corrected, c);
        assert_eq!(
            jeddah[0].location_t,
            jeddah[0].kwh * c.grid_factor(Provider::Aws, "Unknown")
        );
        assert!(jeddah[0].flags.contains(&flags::GRID_FACTOR_FALLBACK));
    }

    #[test]
    fn every_oci_proxy_region_has_a_listed_factor() {
        let c = Coefficients::ccf_app();
        assert!(c.oci_regions.len() >= 30);
        for (oci, (provider, region)) in &c.oci_regions {
            assert!(
                c.grid_factor_listed(*provider, region).is_some(),
                "{oci} → {provider:?} {region} has no factor"
            );
        }
    }
}
