//! AZ names and IDs. A failure is of a physical AZ, named by its ID (`use1-az1`), the same in
//! every account; most resources give their AZ by the account's own name for it
//! (`us-east-1a`), which is a different physical AZ in another account.

use crate::model::Model;
use std::collections::{BTreeMap, HashMap};

/// An AZ ID, as an index into [`Zones`].
pub type AzIx = u16;

/// Every AZ ID the snapshots name, with its region and each account's name for it.
#[derive(Debug, Default)]
pub struct Zones {
    ids: Vec<String>,
    regions: Vec<String>,
    by_id: HashMap<String, AzIx>,
    /// (account, AZ name) -> AZ ID.
    by_name: HashMap<(String, String), AzIx>,
    /// AZ ID -> (account -> AZ name), for reports.
    names: Vec<BTreeMap<String, String>>,
}

impl Zones {
    /// The AZ name -> ID maps of every account: `DescribeAvailabilityZones`, and the subnets,
    /// which carry both.
    pub fn new(models: &[Model]) -> Zones {
        let mut z = Zones::default();
        for m in models {
            let s = m.snapshot;
            for az in &s.ec2.availability_zones {
                z.add(&s.account_id, &az.region, &az.zone_name, &az.zone_id);
            }
            for sn in &s.ec2.subnets {
                if let Some(id) = &sn.availability_zone_id {
                    z.add(&s.account_id, &sn.region, &sn.availability_zone, id);
                }
            }
        }
        z
    }

    fn add(&mut self, account: &str, region: &str, name: &str, id: &str) {
        if id.is_empty() || name.is_empty() {
            return;
        }
        let ix = match self.by_id.get(id) {
            Some(ix) => *ix,
            None => {
                let ix = AzIx::try_from(self.ids.len()).expect("fewer than 65,536 AZs");
                self.ids.push(id.to_string());
                self.regions.push(region.to_string());
                self.names.push(BTreeMap::new());
                self.by_id.insert(id.to_string(), ix);
                ix
            }
        };
        self.by_name
            .insert((account.to_string(), name.to_string()), ix);
        self.names[ix as usize].insert(account.to_string(), name.to_string());
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn id(&self, ix: AzIx) -> &str {
        &self.ids[ix as usize]
    }

    pub fn region(&self, ix: AzIx) -> &str {
        &self.regions[ix as usize]
    }

    /// Each account's name for the AZ.
    pub fn names(&self, ix: AzIx) -> &BTreeMap<String, String> {
        &self.names[ix as usize]
    }

    pub fn by_id(&self, id: &str) -> Option<AzIx> {
        self.by_id.get(id).copied()
    }

    /// The AZ an account calls `name`.
    pub fn by_name(&self, account: &str, name: &str) -> Option<AzIx> {
        self.by_name
            .get(&(account.to_string(), name.to_string()))
            .copied()
    }

    /// Every AZ, ordered by region and ID.
    pub fn all(&self) -> Vec<AzIx> {
        let mut all: Vec<AzIx> = (0..self.ids.len() as AzIx).collect();
        all.sort_by(|a, b| (self.region(*a), self.id(*a)).cmp(&(self.region(*b), self.id(*b))));
        all
    }

    /// The AZs of a region.
    pub fn of_region(&self, region: &str) -> Vec<AzIx> {
        self.all()
            .into_iter()
            .filter(|ix| self.region(*ix) == region)
            .collect()
    }
}
