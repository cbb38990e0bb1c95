//! The one list of the AWS services ha-audit reads and of the resource kinds they hold.
//!
//! Every layer derives what it needs from [`for_each_service!`]: the snapshot its sections
//! (`snapshot/<key>.rs`, type `Section`), the collectors their jobs and IAM actions
//! (`collect/<key>.rs`), the model its builders (`model/<key>.rs`), and everyone the
//! [`Kind`] enum below. Adding a service is a collector file, a snapshot file, a model file
//! and one line here; the compiler then points at anything the new line needs.
//!
//! A line reads `key Section where file_shape [ kinds ]`:
//! - `key`: the service's coverage name, snapshot field and module name in each layer;
//! - `Section`: the snapshot section type in `snapshot/<key>.rs`;
//! - `where`: `regional` (read in each region) or `global` (read once per account, from the
//!   partition's global region, and reported in region `global`);
//! - `file_shape`: `always` (the section is always written) or `omit_empty` (left out of a
//!   snapshot file when empty: the sections added after the first release, so that a
//!   snapshot of an account without them is written byte for byte as before and SARIF line
//!   numbers into it do not move);
//! - `kinds`: `Variant "key" "label" role [places [fields]]`, where `role` is `listed` (a
//!   resource list of the section), `derived` (built by the model from other kinds, e.g. a
//!   region's EC2 fleet) or `part` (listed, but only as part of other resources: no rule
//!   judges it alone), and `places` names the fields that say in which AZs a workload of the
//!   kind runs: one list field (where its members run; it may span AZs), or AZ fields of one
//!   placement each (an instance and its standby). Network containers (VPCs, subnets) are
//!   not workloads and have none. The kind's schema checks that each is one of its fields.
//!
//! The order of the lines is the order of the sections in a snapshot file.

/// Calls `$callback!` with the whole service list (see the module documentation).
#[macro_export]
macro_rules! for_each_service {
    ($callback:path) => {
        $callback! {
            ec2 Ec2 regional always [
                AvailabilityZone "ec2.availability_zone" "availability zone" part,
                Vpc "ec2.vpc" "VPC" listed,
                Subnet "ec2.subnet" "subnet" listed,
                RouteTable "ec2.route_table" "route table" listed,
                NatGateway "ec2.nat_gateway" "NAT gateway" listed places [availability_zone],
                Instance "ec2.instance" "EC2 instance" listed places [availability_zone],
                VpcEndpoint "ec2.vpc_endpoint" "VPC endpoint" listed places [subnet_azs],
                ElasticIp "ec2.elastic_ip" "Elastic IP address" listed,
                Ec2Region "ec2.region" "region's EC2 fleet" derived,
            ];
            rds Rds regional always [
                DbInstance "rds.db_instance" "DB instance" listed
                    places [availability_zone, secondary_availability_zone],
                DbCluster "rds.db_cluster" "DB cluster" listed places [member_azs],
            ];
            elbv2 Elbv2 regional always [
                LoadBalancer "elbv2.load_balancer" "load balancer" listed places [azs],
                TargetGroup "elbv2.target_group" "target group" listed,
            ];
            s3 S3 global always [
                Bucket "s3.bucket" "S3 bucket" listed,
            ];
            route53 Route53 global always [
                HostedZone "route53.hosted_zone" "hosted zone" listed,
                Record "route53.record" "DNS record" listed,
                HealthCheck "route53.health_check" "health check" listed,
            ];
            autoscaling AutoScaling regional always [
                AutoScalingGroup "autoscaling.group" "Auto Scaling group" listed places [azs],
            ];
            elasticache ElastiCache regional omit_empty [
                ReplicationGroup "elasticache.replication_group" "ElastiCache replication group" listed,
                CacheCluster "elasticache.cache_cluster" "ElastiCache cluster" listed,
                CacheSubnetGroup "elasticache.subnet_group" "ElastiCache subnet group" part,
            ];
            dynamodb DynamoDb regional omit_empty [
                Table "dynamodb.table" "DynamoDB table" listed,
            ];
            efs Efs regional omit_empty [
                FileSystem "efs.file_system" "EFS file system" listed,
            ];
            ebs Ebs regional omit_empty [
                Volume "ebs.volume" "EBS volume" listed places [availability_zone],
            ];
            backup Backup regional omit_empty [
                BackupPlan "backup.plan" "backup plan" listed,
                BackupRegion "backup.region" "region's AWS Backup set-up" derived,
            ];
            lambda Lambda regional omit_empty [
                Function "lambda.function" "Lambda function" listed places [subnet_azs],
            ];
            cloudfront CloudFront global omit_empty [
                Distribution "cloudfront.distribution" "CloudFront distribution" listed,
            ];
            cloudwatch CloudWatch regional omit_empty [
                Alarm "cloudwatch.alarm" "CloudWatch alarm" listed,
            ];
            vpn Vpn regional omit_empty [
                VpnConnection "vpn.connection" "VPN connection" listed,
                CustomerGateway "vpn.customer_gateway" "customer gateway" part,
            ];
            ecs Ecs regional omit_empty [
                EcsService "ecs.service" "ECS service" listed places [subnet_azs],
            ];
            eks Eks regional omit_empty [
                EksCluster "eks.cluster" "EKS cluster" listed places [subnet_azs],
                EksNodegroup "eks.nodegroup" "EKS node group" listed places [subnet_azs],
            ];
            networkfirewall NetworkFirewall regional omit_empty [
                Firewall "networkfirewall.firewall" "Network Firewall firewall" listed
                    places [endpoint_azs],
            ];
            route53resolver Route53Resolver regional omit_empty [
                ResolverEndpoint "route53resolver.endpoint" "Route 53 Resolver endpoint" listed
                    places [ip_azs],
            ];
            directconnect DirectConnect regional omit_empty [
                DxConnection "directconnect.connection" "Direct Connect connection" listed,
                DxVirtualInterface "directconnect.virtual_interface"
                    "Direct Connect virtual interface" listed,
                DxRegion "directconnect.region" "region's Direct Connect connections" derived,
            ];
            cloudtrail CloudTrail regional omit_empty [
                Trail "cloudtrail.trail" "CloudTrail trail" listed,
                TrailRegion "cloudtrail.region" "region's CloudTrail coverage" derived,
            ];
            mq Mq regional omit_empty [
                MqBroker "mq.broker" "Amazon MQ broker" listed places [subnet_azs],
            ];
            msk Msk regional omit_empty [
                MskCluster "msk.cluster" "MSK cluster" listed places [broker_azs],
            ];
            kinesis Kinesis regional omit_empty [
                KinesisStream "kinesis.stream" "Kinesis data stream" listed,
            ];
            fsx Fsx regional omit_empty [
                FsxFileSystem "fsx.file_system" "FSx file system" listed places [subnet_azs],
            ];
            cloudhsm CloudHsm regional omit_empty [
                HsmCluster "cloudhsm.cluster" "CloudHSM cluster" listed places [hsm_azs],
            ];
            memorydb MemoryDb regional omit_empty [
                MemoryDbCluster "memorydb.cluster" "MemoryDB cluster" listed places [node_azs],
            ];
            dax Dax regional omit_empty [
                DaxCluster "dax.cluster" "DAX cluster" listed places [node_azs],
            ];
            redshift Redshift regional omit_empty [
                RedshiftCluster "redshift.cluster" "Redshift cluster" listed
                    places [availability_zone, secondary_availability_zone],
            ];
            opensearch OpenSearch regional omit_empty [
                OpenSearchDomain "opensearch.domain" "OpenSearch Service domain" listed
                    places [vpc_azs],
            ];
            dms Dms regional omit_empty [
                DmsReplicationInstance "dms.replication_instance" "DMS replication instance" listed
                    places [availability_zone, secondary_availability_zone],
            ];
            elb Elb regional omit_empty [
                ClassicLoadBalancer "elb.load_balancer" "Classic Load Balancer" listed places [azs],
            ];
            wafv2 Wafv2 regional omit_empty [
                WebAcl "wafv2.web_acl" "WAF web ACL" listed,
            ];
            shield Shield global omit_empty [
                ShieldProtection "shield.protection" "Shield Advanced protection" listed,
            ];
            globalaccelerator GlobalAccelerator global omit_empty [
                Accelerator "globalaccelerator.accelerator" "Global Accelerator accelerator" listed,
            ];
            storagegateway StorageGateway regional omit_empty [
                Gateway "storagegateway.gateway" "Storage Gateway gateway" listed,
            ];
            outposts Outposts regional omit_empty [
                Outpost "outposts.outpost" "Outpost" listed,
            ];
            sagemaker SageMaker regional omit_empty [
                SageMakerEndpoint "sagemaker.endpoint" "SageMaker endpoint" listed,
            ];
            comprehend Comprehend regional omit_empty [
                ComprehendEndpoint "comprehend.endpoint" "Comprehend endpoint" listed,
            ];
            kms Kms regional omit_empty [
                KmsKey "kms.key" "KMS key" part,
            ];
            directoryservice DirectoryService regional omit_empty [
                Directory "directoryservice.directory" "Directory Service directory" listed,
            ];
            cloudformation CloudFormation regional omit_empty [
                CfnStack "cloudformation.stack" "CloudFormation stack" listed,
            ];
            cognito Cognito regional omit_empty [
                CognitoUserPool "cognito.user_pool" "Cognito user pool" listed,
            ];
            eventbridge EventBridge regional omit_empty [
                GlobalEndpoint "eventbridge.endpoint" "EventBridge global endpoint" listed,
            ];
            ssmincidents SsmIncidents regional omit_empty [
                IncidentReplicationSet "ssmincidents.replication_set"
                    "Incident Manager replication set" derived,
            ];
            drs Drs regional omit_empty [
                DrsSourceServer "drs.source_server" "Elastic Disaster Recovery source server" listed,
            ];
            lightsail Lightsail regional omit_empty [
                LightsailInstance "lightsail.instance" "Lightsail instance" listed
                    places [availability_zone],
                LightsailDatabase "lightsail.database" "Lightsail database" listed
                    places [availability_zone, secondary_availability_zone],
            ];
        }
    };
}

/// Where a service is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// In each region scanned.
    Regional,
    /// Once per account, from the partition's global region.
    Global,
}

/// What a kind is to the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A resource list of the snapshot, judged by rules.
    Listed,
    /// Built by the model from other kinds.
    Derived,
    /// Listed, but only as part of other resources.
    Part,
}

macro_rules! reach {
    (regional) => {
        Reach::Regional
    };
    (global) => {
        Reach::Global
    };
}

macro_rules! role {
    (listed) => {
        Role::Listed
    };
    (derived) => {
        Role::Derived
    };
    (part) => {
        Role::Part
    };
}

macro_rules! define_registry {
    ($(
        $key:ident $section:ident $reach:ident $shape:ident [
            $($variant:ident $kind:literal $label:literal $role:ident
                $(places [$($place:ident),*])?),* $(,)?
        ];
    )*) => {
        /// A service ha-audit reads.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(non_camel_case_types)]
        pub enum Service {
            $($key,)*
        }

        impl Service {
            /// Every service, in snapshot order.
            pub const ALL: &'static [Service] = &[$(Service::$key,)*];

            /// The coverage name: `ec2`, `elbv2`, `route53` ...
            pub fn key(self) -> &'static str {
                match self {
                    $(Service::$key => stringify!($key),)*
                }
            }

            pub fn from_key(key: &str) -> Option<Service> {
                match key {
                    $(stringify!($key) => Some(Service::$key),)*
                    _ => None,
                }
            }

            pub fn reach(self) -> Reach {
                match self {
                    $(Service::$key => reach!($reach),)*
                }
            }

            /// The kinds the service holds.
            pub fn kinds(self) -> &'static [Kind] {
                match self {
                    $(Service::$key => &[$(Kind::$variant,)*],)*
                }
            }
        }

        /// A resource kind: what a rule's `resource` names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $($($variant,)*)*
        }

        impl Kind {
            /// Every kind, grouped by service in snapshot order.
            pub const ALL: &'static [Kind] = &[$($(Kind::$variant,)*)*];

            /// `rds.db_instance`.
            pub fn key(self) -> &'static str {
                match self {
                    $($(Kind::$variant => $kind,)*)*
                }
            }

            pub fn from_key(key: &str) -> Option<Kind> {
                match key {
                    $($($kind => Some(Kind::$variant),)*)*
                    _ => None,
                }
            }

            /// Human label used in reports: `DB instance`.
            pub fn label(self) -> &'static str {
                match self {
                    $($(Kind::$variant => $label,)*)*
                }
            }

            pub fn service(self) -> Service {
                match self {
                    $($(Kind::$variant => Service::$key,)*)*
                }
            }

            pub fn role(self) -> Role {
                match self {
                    $($(Kind::$variant => role!($role),)*)*
                }
            }

            /// The fields that say in which AZs a workload of this kind runs (see the
            /// module documentation); empty for kinds that are not placed in AZs.
            pub fn placement(self) -> &'static [&'static str] {
                match self {
                    $($(Kind::$variant => &[$($(stringify!($place),)*)?],)*)*
                }
            }
        }
    };
}

crate::for_each_service!(define_registry);

impl Kind {
    /// Account-wide kinds are reported in region `global`.
    pub fn is_global(self) -> bool {
        self.service().reach() == Reach::Global
    }

    /// Kinds rules can judge.
    pub fn is_judged(self) -> bool {
        self.role() != Role::Part
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// `^[a-z]{2}(-[a-z]+)+-\d+$`, e.g. `us-east-1`, `us-gov-west-1`, `ap-southeast-3`.
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let n = parts.len();
    n >= 3
        && parts[0].len() == 2
        && parts[..n - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !parts[n - 1].is_empty()
        && parts[n - 1].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-3",
            "eu-central-2",
        ] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "us-east-9x",
            "us-east",
            "useast-1",
            "US-EAST-1",
            "u-east-1",
            "us--1",
            "",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn keys_round_trip_and_name_their_service() {
        assert_eq!(Service::ALL.len(), 47);
        assert_eq!(Kind::ALL.len(), 68);
        for &k in Kind::ALL {
            assert_eq!(Kind::from_key(k.key()), Some(k));
            let (service, _) = k.key().split_once('.').expect("service.kind");
            assert_eq!(service, k.service().key(), "{k}");
            assert!(k.service().kinds().contains(&k));
        }
        for &s in Service::ALL {
            assert_eq!(Service::from_key(s.key()), Some(s));
        }
        assert_eq!(Kind::from_key("rds.nothing"), None);
        let judged = Kind::ALL.iter().filter(|k| k.is_judged()).count();
        assert_eq!(judged, 64);
        assert!(Kind::Record.is_global() && !Kind::DbInstance.is_global());
    }
}
