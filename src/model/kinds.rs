//! The resource kinds rules can target, and the service each belongs to.

pub struct KindInfo {
    pub kind: &'static str,
    /// Service key used in coverage and for `--services` style filters.
    pub service: &'static str,
    /// Human label used in reports.
    pub label: &'static str,
    /// True when the kind is account-wide (reported in region `global`).
    pub global: bool,
}

pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: "ec2.vpc",
        service: "ec2",
        label: "VPC",
        global: false,
    },
    KindInfo {
        kind: "ec2.subnet",
        service: "ec2",
        label: "subnet",
        global: false,
    },
    KindInfo {
        kind: "ec2.instance",
        service: "ec2",
        label: "EC2 instance",
        global: false,
    },
    KindInfo {
        kind: "ec2.nat_gateway",
        service: "ec2",
        label: "NAT gateway",
        global: false,
    },
    KindInfo {
        kind: "ec2.route_table",
        service: "ec2",
        label: "route table",
        global: false,
    },
    KindInfo {
        kind: "ec2.vpc_endpoint",
        service: "ec2",
        label: "VPC endpoint",
        global: false,
    },
    KindInfo {
        kind: "ec2.region",
        service: "ec2",
        label: "region's EC2 fleet",
        global: false,
    },
    KindInfo {
        kind: "rds.db_instance",
        service: "rds",
        label: "DB instance",
        global: false,
    },
    KindInfo {
        kind: "rds.db_cluster",
        service: "rds",
        label: "DB cluster",
        global: false,
    },
    KindInfo {
        kind: "elbv2.load_balancer",
        service: "elbv2",
        label: "load balancer",
        global: false,
    },
    KindInfo {
        kind: "elbv2.target_group",
        service: "elbv2",
        label: "target group",
        global: false,
    },
    KindInfo {
        kind: "autoscaling.group",
        service: "autoscaling",
        label: "Auto Scaling group",
        global: false,
    },
    KindInfo {
        kind: "s3.bucket",
        service: "s3",
        label: "S3 bucket",
        global: false,
    },
    KindInfo {
        kind: "efs.file_system",
        service: "efs",
        label: "EFS file system",
        global: false,
    },
    KindInfo {
        kind: "ebs.volume",
        service: "ebs",
        label: "EBS volume",
        global: false,
    },
    KindInfo {
        kind: "backup.plan",
        service: "backup",
        label: "backup plan",
        global: false,
    },
    KindInfo {
        kind: "backup.region",
        service: "backup",
        label: "region's AWS Backup set-up",
        global: false,
    },
    KindInfo {
        kind: "vpn.connection",
        service: "vpn",
        label: "VPN connection",
        global: false,
    },
    KindInfo {
        kind: "ecs.service",
        service: "ecs",
        label: "ECS service",
        global: false,
    },
    KindInfo {
        kind: "eks.cluster",
        service: "eks",
        label: "EKS cluster",
        global: false,
    },
    KindInfo {
        kind: "eks.nodegroup",
        service: "eks",
        label: "EKS node group",
        global: false,
    },
    KindInfo {
        kind: "route53.hosted_zone",
        service: "route53",
        label: "hosted zone",
        global: true,
    },
    KindInfo {
        kind: "route53.record",
        service: "route53",
        label: "DNS record",
        global: true,
    },
    KindInfo {
        kind: "route53.health_check",
        service: "route53",
        label: "health check",
        global: true,
    },
    KindInfo {
        kind: "elasticache.replication_group",
        service: "elasticache",
        label: "ElastiCache replication group",
        global: false,
    },
    KindInfo {
        kind: "elasticache.cache_cluster",
        service: "elasticache",
        label: "ElastiCache cluster",
        global: false,
    },
    KindInfo {
        kind: "dynamodb.table",
        service: "dynamodb",
        label: "DynamoDB table",
        global: false,
    },
    KindInfo {
        kind: "lambda.function",
        service: "lambda",
        label: "Lambda function",
        global: false,
    },
    KindInfo {
        kind: "cloudfront.distribution",
        service: "cloudfront",
        label: "CloudFront distribution",
        global: true,
    },
    KindInfo {
        kind: "cloudwatch.alarm",
        service: "cloudwatch",
        label: "CloudWatch alarm",
        global: false,
    },
];

pub fn kind_info(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind)
}
