use super::Unreadable;
use serde::{Deserialize, Serialize};

/// AWS Storage Gateway gateways.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageGateway {
    #[serde(default)]
    pub gateways: Vec<Gateway>,
}

impl StorageGateway {
    fn sort_lists(&mut self) {
        self.gateways
            .sort_by(|a, b| (&a.region, &a.gateway_id).cmp(&(&b.region, &b.gateway_id)));
    }
}

super::section!(StorageGateway { gateways => Gateway });
super::listed!(Gateway, Gateway, gateway_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    pub region: String,
    pub gateway_id: String,
    #[serde(default)]
    pub gateway_arn: String,
    #[serde(default)]
    pub gateway_name: Option<String>,
    /// `S3_FILE`, `FSX_SMB`, `CACHED`, `STORED`, `VTL` ...
    #[serde(default)]
    pub gateway_type: Option<String>,
    /// `ACTIVE`, `SHUTDOWN` ...
    #[serde(default)]
    pub gateway_operational_state: Option<String>,
    /// Where the gateway's appliance runs: `EC2`, `VMWARE`, `HYPER-V`, `KVM`, `SNOWBALL` or
    /// `OTHER`.
    #[serde(default)]
    pub host_environment: Option<String>,
    /// The EC2 instance of a gateway hosted on EC2.
    #[serde(default)]
    pub ec2_instance_id: Option<String>,
    #[serde(default)]
    pub ec2_instance_region: Option<String>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
