//! AWS Database Migration Service: replication instances (`DescribeReplicationInstances`),
//! with the subnets of their replication subnet group.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dms {
    #[serde(default)]
    pub replication_instances: Vec<DmsReplicationInstance>,
}

impl Dms {
    fn sort_lists(&mut self) {
        self.replication_instances.sort_by(|a, b| {
            (&a.region, &a.replication_instance_identifier)
                .cmp(&(&b.region, &b.replication_instance_identifier))
        });
        for i in &mut self.replication_instances {
            i.subnets.sort_by(|a, b| a.subnet_id.cmp(&b.subnet_id));
        }
    }
}

super::section!(Dms { replication_instances => DmsReplicationInstance });
super::listed!(DmsReplicationInstance, DmsReplicationInstance, replication_instance_identifier);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DmsReplicationInstance {
    pub region: String,
    pub replication_instance_identifier: String,
    #[serde(default)]
    pub arn: String,
    /// `available`, `creating`, `modifying`, `deleting` ...
    #[serde(default)]
    pub replication_instance_status: Option<String>,
    /// `dms.t3.medium`, `dms.r5.large` ...
    #[serde(default)]
    pub replication_instance_class: Option<String>,
    #[serde(default)]
    pub engine_version: Option<String>,
    /// Whether it has a standby in another AZ (the API's default, false, when absent).
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// The standby's AZ, for a Multi-AZ instance.
    #[serde(default)]
    pub secondary_availability_zone: Option<String>,
    #[serde(default)]
    pub replication_subnet_group_identifier: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The subnets of its replication subnet group.
    #[serde(default)]
    pub subnets: Vec<DmsSubnet>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DmsSubnet {
    pub subnet_id: String,
    #[serde(default)]
    pub availability_zone: Option<String>,
}
