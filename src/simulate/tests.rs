//! Scenarios on hand-built snapshots, one per verdict and edge kind, pinned exactly; and
//! the properties every failure model must keep.

use super::graph::Failure;
use super::judge::Judge;
use super::Target;
use super::*;
use crate::model::Model;
use crate::snapshot::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

const E: &str = "us-east-1";
const W: &str = "us-west-2";

/// A two-region account: three AZs in us-east-1 (names a/b/c are use1-az4/az6/az1, as in
/// many real accounts), two in us-west-2, a VPC with one subnet per AZ in each.
fn account() -> Snapshot {
    let mut s = Snapshot::new("111122223333", vec![E.into(), W.into()], "t".into());
    for (region, name, id) in [
        (E, "us-east-1a", "use1-az4"),
        (E, "us-east-1b", "use1-az6"),
        (E, "us-east-1c", "use1-az1"),
        (W, "us-west-2a", "usw2-az2"),
        (W, "us-west-2b", "usw2-az1"),
    ] {
        s.ec2.availability_zones.push(AvailabilityZone {
            region: region.into(),
            zone_name: name.into(),
            zone_id: id.into(),
            state: "available".into(),
            ..Default::default()
        });
        s.ec2.subnets.push(Subnet {
            region: region.into(),
            subnet_id: format!("subnet-{}", &name[name.len() - 1..]) + &region[3..4],
            vpc_id: format!("vpc-{region}"),
            availability_zone: name.into(),
            availability_zone_id: Some(id.into()),
            available_ip_address_count: Some(200),
            ..Default::default()
        });
    }
    // Every subnet uses its VPC's main table, which routes to an internet gateway.
    for region in [E, W] {
        s.ec2.route_tables.push(RouteTable {
            region: region.into(),
            route_table_id: format!("rtb-main-{region}"),
            vpc_id: format!("vpc-{region}"),
            associations: vec![RouteTableAssociation {
                subnet_id: None,
                main: true,
            }],
            routes: vec![Route {
                destination_cidr_block: Some("0.0.0.0/0".into()),
                gateway_id: Some("igw-1".into()),
                state: Some("active".into()),
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    s
}

/// The subnet of an AZ name (`us-east-1a` -> `subnet-ae`).
fn sn(az: &str) -> String {
    format!("subnet-{}{}", &az[az.len() - 1..], &az[3..4])
}

fn lb(s: &mut Snapshot, region: &str, name: &str, azs: &[&str]) -> String {
    let arn =
        format!("arn:aws:elasticloadbalancing:{region}:111122223333:loadbalancer/app/{name}/1");
    s.elbv2.load_balancers.push(LoadBalancer {
        region: region.into(),
        arn: arn.clone(),
        name: name.into(),
        lb_type: "application".into(),
        scheme: Some("internet-facing".into()),
        dns_name: Some(format!("{name}-1.{region}.elb.amazonaws.com")),
        availability_zones: azs
            .iter()
            .map(|az| LbZone {
                zone_name: az.to_string(),
                subnet_id: Some(sn(az)),
            })
            .collect(),
        ..Default::default()
    });
    let tg = format!("arn:aws:elasticloadbalancing:{region}:111122223333:targetgroup/{name}-tg/1");
    s.elbv2.target_groups.push(TargetGroup {
        region: region.into(),
        arn: tg.clone(),
        name: format!("{name}-tg"),
        load_balancer_arns: vec![arn],
        health_check_interval_seconds: Some(10),
        unhealthy_threshold_count: Some(3),
        ..Default::default()
    });
    tg
}

/// An Auto Scaling group with `per_az` serving instances in each named AZ.
fn asg(
    s: &mut Snapshot,
    region: &str,
    name: &str,
    per_az: &[(&str, u32)],
    desired: i64,
    tg: Option<&str>,
) {
    let mut instances = Vec::new();
    for (az, n) in per_az {
        for i in 0..*n {
            instances.push(AsgInstance {
                instance_id: format!("i-{name}-{az}-{i}"),
                availability_zone: az.to_string(),
                lifecycle_state: Some("InService".into()),
                health_status: Some("Healthy".into()),
                ..Default::default()
            });
        }
    }
    s.autoscaling.groups.push(AutoScalingGroup {
        region: region.into(),
        name: name.into(),
        arn: format!("arn:aws:autoscaling:{region}:111122223333:autoScalingGroup:1:autoScalingGroupName/{name}"),
        availability_zones: per_az.iter().map(|(az, _)| az.to_string()).collect(),
        subnet_ids: per_az.iter().map(|(az, _)| sn(az)).collect(),
        health_check_types: vec!["ELB".into()],
        health_check_grace_period: Some(120),
        target_group_arns: tg.iter().map(|t| t.to_string()).collect(),
        min_size: desired,
        max_size: desired * 2,
        desired_capacity: Some(desired),
        instances,
        ..Default::default()
    });
}

fn rds(s: &mut Snapshot, id: &str, az: &str, multi_az: bool) {
    s.rds.db_instances.push(DbInstance {
        region: E.into(),
        db_instance_identifier: id.into(),
        arn: format!("arn:aws:rds:us-east-1:111122223333:db:{id}"),
        engine: "postgres".into(),
        multi_az,
        availability_zone: Some(az.into()),
        backup_retention_period: 7,
        ..Default::default()
    });
}

struct Outcome {
    verdict: Verdict,
    data_loss: bool,
    estimate: Option<(u32, Option<u32>)>,
    why: String,
    recovery: Vec<Option<Recovery>>,
    capacity: Vec<Capacity>,
}

fn run(s: &Snapshot, target: Target) -> BTreeMap<String, Outcome> {
    let models = vec![Model::build(s)];
    let graph = Graph::build(&models);
    let info = SnapshotInfo {
        accounts: vec![s.account_id.clone()],
        regions: s.regions.clone(),
        taken_at: vec![],
    };
    let sim = simulate(&graph, &target, None, info).expect("a valid scenario");
    sim.workloads
        .into_iter()
        .map(|w| {
            (
                w.id.clone(),
                Outcome {
                    verdict: w.verdict,
                    data_loss: w.data_loss,
                    estimate: w.failover_estimate.as_ref().map(|e| (e.min_s, e.max_s)),
                    why: w.why.clone(),
                    recovery: w.components.iter().map(|c| c.recovery.clone()).collect(),
                    capacity: w
                        .components
                        .iter()
                        .filter_map(|c| c.capacity.clone())
                        .collect(),
                },
            )
        })
        .collect()
}

fn az(id: &str) -> Target {
    Target::Az(id.into())
}

#[test]
fn a_prescaled_group_loses_capacity_but_keeps_what_it_needs() {
    let mut s = account();
    let tg = lb(
        &mut s,
        E,
        "web",
        &["us-east-1a", "us-east-1b", "us-east-1c"],
    );
    asg(
        &mut s,
        E,
        "web",
        &[("us-east-1a", 2), ("us-east-1b", 2), ("us-east-1c", 2)],
        4,
        Some(&tg),
    );
    let out = run(&s, az("use1-az4"));
    let w = &out["lb/web"];
    assert_eq!(w.verdict, Verdict::Degraded);
    assert_eq!(
        w.estimate,
        Some((30, Some(30))),
        "10 s x 3 checks: the LB stops sending to lost targets"
    );
    let cap = &w.capacity[0];
    assert_eq!(
        cap.before,
        BTreeMap::from([
            ("use1-az1".into(), 2),
            ("use1-az4".into(), 2),
            ("use1-az6".into(), 2)
        ])
    );
    assert_eq!((cap.after, cap.required), (4, Some(4)));
    assert_eq!(
        out.len(),
        1,
        "the group belongs to the load balancer's workload"
    );
    // An AZ the stack does not use changes nothing.
    assert_eq!(
        run(&s, az("usw2-az1"))["lb/web"].verdict,
        Verdict::Unaffected
    );
}

#[test]
fn a_group_sized_to_the_load_is_short_until_replacements_launch() {
    let mut s = account();
    let tg = lb(
        &mut s,
        E,
        "web",
        &["us-east-1a", "us-east-1b", "us-east-1c"],
    );
    asg(
        &mut s,
        E,
        "web",
        &[("us-east-1a", 1), ("us-east-1b", 1), ("us-east-1c", 1)],
        3,
        Some(&tg),
    );
    let w = &run(&s, az("use1-az6"))["lb/web"];
    assert_eq!(w.verdict, Verdict::CapacityShort);
    assert_eq!(
        w.why,
        "Auto Scaling group web: 2 of 3 instances left, 3 required"
    );
    // Detection (3 x 10 s) + grace period 120 s, then a launch nobody can bound.
    assert_eq!(w.estimate, Some((150, None)));
    let rec = w.recovery.iter().flatten().next().unwrap();
    assert_eq!(
        (rec.mode.as_str(), rec.automatic),
        ("replaced in the surviving AZs after a gap", true)
    );
}

#[test]
fn a_workloads_file_sets_the_required_capacity() {
    let mut s = account();
    let tg = lb(
        &mut s,
        E,
        "web",
        &["us-east-1a", "us-east-1b", "us-east-1c"],
    );
    asg(
        &mut s,
        E,
        "web",
        &[("us-east-1a", 2), ("us-east-1b", 2), ("us-east-1c", 2)],
        4,
        Some(&tg),
    );
    let spec: Spec = toml::from_str(
        "[[workload]]\nid = \"shop\"\ntags = {}\narns = [\"arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1\"]\n\
         [workload.required]\n\"arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:1:autoScalingGroupName/web\" = 5\n",
    )
    .unwrap();
    let models = vec![Model::build(&s)];
    let mut graph = Graph::build(&models);
    workloads::apply_required(&mut graph, &spec);
    let info = SnapshotInfo {
        accounts: vec![],
        regions: s.regions.clone(),
        taken_at: vec![],
    };
    let sim = simulate(&graph, &az("use1-az4"), Some(&spec), info).unwrap();
    let w = &sim.workloads[0];
    assert_eq!(
        (w.id.as_str(), w.defined_by.as_str(), w.verdict),
        ("shop", "workloads file", Verdict::CapacityShort)
    );
    let cap = w
        .components
        .iter()
        .find_map(|c| c.capacity.clone())
        .unwrap();
    assert_eq!(
        (cap.after, cap.required, cap.required_from.as_deref()),
        (4, Some(5), Some("workloads file (shop)"))
    );
}

#[test]
fn a_fargate_service_behind_a_load_balancer_is_part_of_its_workload() {
    let mut s = account();
    let tg = lb(&mut s, E, "api", &["us-east-1a", "us-east-1b"]);
    s.ecs.services.push(EcsService {
        region: E.into(),
        cluster_name: "prod".into(),
        service_name: "api".into(),
        arn: "arn:aws:ecs:us-east-1:111122223333:service/prod/api".into(),
        desired_count: 2,
        running_count: 2,
        launch_type: Some("FARGATE".into()),
        subnets: vec![sn("us-east-1a"), sn("us-east-1b")],
        target_group_arns: vec![tg],
        tasks: ["us-east-1a", "us-east-1b"]
            .iter()
            .map(|az| EcsTask {
                task_arn: format!("task-{az}"),
                last_status: Some("RUNNING".into()),
                availability_zone: Some(az.to_string()),
                subnet_id: Some(sn(az)),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    });
    let out = run(&s, az("use1-az4"));
    assert_eq!(
        out.keys().collect::<Vec<_>>(),
        ["lb/api"],
        "the service is not a workload of its own"
    );
    let w = &out["lb/api"];
    assert_eq!(w.verdict, Verdict::CapacityShort);
    assert_eq!(w.why, "ECS service prod/api: 1 of 2 tasks left, 2 required");
    let rec = w.recovery.iter().flatten().next().unwrap();
    assert_eq!(
        (rec.mode.as_str(), rec.automatic),
        ("replaced in the surviving AZs after a gap", true)
    );
}

#[test]
fn replacement_counts_only_when_it_can_happen() {
    for (tweak, expected) in [
        ("balanced-only", "none until the AZ recovers: CapacityDistributionStrategy is balanced-only: it keeps launching in the failed AZ [ASG-dist]"),
        ("suspended", "none until the AZ recovers: its Launch process is suspended"),
        ("no-ips", "none until the AZ recovers: its surviving subnets have 0 free addresses for 1 replacements"),
    ] {
        let mut s = account();
        asg(&mut s, E, "jobs", &[("us-east-1a", 1), ("us-east-1b", 1), ("us-east-1c", 1)], 3, None);
        let g = &mut s.autoscaling.groups[0];
        match tweak {
            "balanced-only" => g.capacity_distribution_strategy = Some("balanced-only".into()),
            "suspended" => g.suspended_processes = vec!["Launch".into()],
            _ => {
                for sub in &mut s.ec2.subnets {
                    sub.available_ip_address_count = Some(0);
                }
            }
        }
        let w = &run(&s, az("use1-az4"))["asg/jobs"];
        assert_eq!(w.verdict, Verdict::CapacityShort, "{tweak}");
        let rec = w.recovery[0].as_ref().unwrap();
        assert_eq!((rec.mode.as_str(), rec.automatic), (expected, false), "{tweak}");
        assert_eq!(w.estimate, None, "{tweak}: no automatic recovery, no estimate");
    }
}

#[test]
fn a_group_in_one_az_is_an_outage_and_a_shared_nat_breaks_the_others() {
    let mut s = account();
    asg(&mut s, E, "one-az", &[("us-east-1a", 2)], 2, None);
    asg(
        &mut s,
        E,
        "behind-nat",
        &[("us-east-1b", 2), ("us-east-1c", 2)],
        2,
        None,
    );
    // One NAT gateway in us-east-1a serves the private subnets of b and c.
    s.ec2.nat_gateways.push(NatGateway {
        region: E.into(),
        nat_gateway_id: "nat-a".into(),
        vpc_id: Some(format!("vpc-{E}")),
        subnet_id: Some(sn("us-east-1a")),
        state: "available".into(),
        ..Default::default()
    });
    s.ec2.route_tables.push(RouteTable {
        region: E.into(),
        route_table_id: "rtb-private".into(),
        vpc_id: format!("vpc-{E}"),
        associations: ["us-east-1b", "us-east-1c"]
            .iter()
            .map(|az| RouteTableAssociation {
                subnet_id: Some(sn(az)),
                main: false,
            })
            .collect(),
        routes: vec![Route {
            destination_cidr_block: Some("0.0.0.0/0".into()),
            nat_gateway_id: Some("nat-a".into()),
            state: Some("active".into()),
            ..Default::default()
        }],
        ..Default::default()
    });
    let out = run(&s, az("use1-az4"));
    assert_eq!(out["asg/one-az"].verdict, Verdict::Outage);
    assert_eq!(
        out["asg/one-az"].why,
        "Auto Scaling group one-az: 0 of 2 instances left, 2 required"
    );
    let nat = &out["asg/behind-nat"];
    assert_eq!(nat.verdict, Verdict::Outage);
    assert_eq!(
        nat.why,
        "Auto Scaling group behind-nat: 0 of 4 instances left, 2 required: its subnet in use1-az6 sends internet traffic through NAT gateway nat-a in the failed use1-az4"
    );
    // The instances cut off from the NAT gateway still pass health checks: none is replaced.
    let rec = nat.recovery.iter().flatten().next().unwrap();
    assert_eq!(
        (rec.mode.as_str(), rec.automatic),
        ("none until the AZ recovers or its routes are changed by hand: 4 instances cut off from their NAT gateway still pass health checks, so nothing replaces them", false)
    );
    // Failing us-east-1b leaves c, whose NAT in a is up.
    assert_eq!(
        run(&s, az("use1-az6"))["asg/behind-nat"].verdict,
        Verdict::Degraded
    );
}

fn failover_records(s: &mut Snapshot, checked: bool) {
    s.route53.hosted_zones.push(HostedZone {
        id: "Z1".into(),
        name: "example.com.".into(),
        ..Default::default()
    });
    s.route53.health_checks.push(HealthCheck {
        id: "hc-east".into(),
        check_type: "HTTPS".into(),
        request_interval: Some(10),
        failure_threshold: Some(3),
        ..Default::default()
    });
    for (role, region, name) in [("PRIMARY", E, "east"), ("SECONDARY", W, "west")] {
        s.route53.record_sets.push(RecordSet {
            hosted_zone_id: "Z1".into(),
            name: "www.example.com.".into(),
            record_type: "A".into(),
            set_identifier: Some(name.into()),
            failover: Some(role.into()),
            health_check_id: (checked && role == "PRIMARY").then(|| "hc-east".into()),
            alias_target: Some(AliasTarget {
                dns_name: format!("dualstack.{name}-1.{region}.elb.amazonaws.com."),
                hosted_zone_id: "ZELB".into(),
                evaluate_target_health: false,
            }),
            ..Default::default()
        });
    }
}

fn two_regions(checked: bool) -> Snapshot {
    let mut s = account();
    let east = lb(&mut s, E, "east", &["us-east-1a", "us-east-1b"]);
    asg(
        &mut s,
        E,
        "east",
        &[("us-east-1a", 2), ("us-east-1b", 2)],
        2,
        Some(&east),
    );
    let west = lb(&mut s, W, "west", &["us-west-2a", "us-west-2b"]);
    asg(
        &mut s,
        W,
        "west",
        &[("us-west-2a", 2), ("us-west-2b", 2)],
        2,
        Some(&west),
    );
    failover_records(&mut s, checked);
    s
}

#[test]
fn dns_failover_moves_a_region_failure_to_the_secondary() {
    let s = two_regions(true);
    let out = run(&s, Target::Region(E.into()));
    assert_eq!(out.keys().collect::<Vec<_>>(), ["www.example.com"]);
    let w = &out["www.example.com"];
    assert_eq!(w.verdict, Verdict::Failover);
    // 3 x 10 s health check, then clients may hold the old answer for 60 s.
    assert_eq!(w.estimate, Some((30, Some(90))));
    assert_eq!(
        w.why,
        "load balancer east: its region us-east-1 fails; Route 53 failover to load balancer west"
    );
    // One AZ of the primary region: the primary keeps serving.
    assert_eq!(
        run(&s, az("use1-az4"))["www.example.com"].verdict,
        Verdict::Degraded
    );
    // Losing the secondary's region loses redundancy, not service.
    let west = &run(&s, Target::Region(W.into()))["www.example.com"];
    assert_eq!(west.verdict, Verdict::Degraded);
    assert_eq!(
        west.why,
        "the Route 53 failover target is lost: load balancer west: its region us-west-2 fails"
    );
}

#[test]
fn dns_failover_without_a_health_check_never_moves() {
    let out = run(&two_regions(false), Target::Region(E.into()));
    let w = &out["www.example.com"];
    assert_eq!(w.verdict, Verdict::Outage);
    assert!(
        w.why.ends_with(
            "the primary has no health check, so Route 53 failover never moves away from it"
        ),
        "{}",
        w.why
    );
}

#[test]
fn databases_fail_over_where_a_standby_exists() {
    let mut s = account();
    rds(&mut s, "orders", "us-east-1a", true);
    rds(&mut s, "reports", "us-east-1a", false);
    for (id, az) in [
        ("au-1", "us-east-1a"),
        ("au-2", "us-east-1b"),
        ("solo-1", "us-east-1a"),
    ] {
        s.rds.db_instances.push(DbInstance {
            region: E.into(),
            db_instance_identifier: id.into(),
            engine: "aurora-postgresql".into(),
            availability_zone: Some(az.into()),
            db_cluster_identifier: Some(id[..id.len() - 2].into()),
            ..Default::default()
        });
    }
    for (id, members) in [
        ("au", vec![("au-1", true), ("au-2", false)]),
        ("solo", vec![("solo-1", true)]),
    ] {
        s.rds.db_clusters.push(DbCluster {
            region: E.into(),
            db_cluster_identifier: id.into(),
            arn: format!("arn:aws:rds:us-east-1:111122223333:cluster:{id}"),
            engine: "aurora-postgresql".into(),
            members: members
                .into_iter()
                .map(|(m, w)| DbClusterMember {
                    db_instance_identifier: m.into(),
                    is_writer: w,
                    promotion_tier: None,
                })
                .collect(),
            ..Default::default()
        });
    }
    let out = run(&s, az("use1-az4"));
    let pin = |id: &str| {
        let w = &out[id];
        (w.verdict, w.data_loss, w.estimate)
    };
    // The standby is in another AZ, named or not: RDS guarantees it.
    assert_eq!(
        pin("rds/orders"),
        (Verdict::Failover, false, Some((60, Some(120))))
    );
    assert_eq!(pin("rds/reports"), (Verdict::Outage, true, None));
    assert_eq!(
        pin("rds/au"),
        (Verdict::Failover, false, Some((0, Some(30))))
    );
    // No reader: Aurora makes a new writer by itself, in a time nobody publishes.
    assert_eq!(pin("rds/solo"), (Verdict::Outage, false, Some((0, None))));
    let rec = out["rds/solo"].recovery[0].as_ref().unwrap();
    assert!(rec.automatic);
    // Losing only the standby's AZ loses redundancy, not service.
    assert_eq!(run(&s, az("use1-az6"))["rds/au"].verdict, Verdict::Degraded);
    // An unnamed standby is in another AZ of the DB subnet group: with the group in a and b,
    // failing c cannot touch it; failing b takes it. Without the group, c might hold it.
    assert_eq!(
        run(&s, az("use1-az1"))["rds/orders"].verdict,
        Verdict::Degraded
    );
    s.rds.db_instances[0].subnet_group_azs = vec!["us-east-1a".into(), "us-east-1b".into()];
    assert_eq!(
        run(&s, az("use1-az1"))["rds/orders"].verdict,
        Verdict::Unaffected
    );
    let b = &run(&s, az("use1-az6"))["rds/orders"];
    assert_eq!(
        (b.verdict, b.why.as_str()),
        (Verdict::Degraded, "DB instance orders: its primary survives; 1 of its 1 standbys lost (in one of use1-az6), 0 left")
    );
}

#[test]
fn caches_fail_over_only_with_automatic_failover() {
    let mut s = account();
    for (id, auto) in [("sessions", "enabled"), ("manual", "disabled")] {
        s.elasticache.replication_groups.push(ReplicationGroup {
            region: E.into(),
            replication_group_id: id.into(),
            arn: format!("arn:aws:elasticache:us-east-1:111122223333:replicationgroup:{id}"),
            automatic_failover: Some(auto.into()),
            multi_az: Some(auto.into()),
            node_groups: vec![NodeGroup {
                node_group_id: "0001".into(),
                members: vec![
                    NodeGroupMember {
                        cache_cluster_id: format!("{id}-001"),
                        preferred_availability_zone: Some("us-east-1a".into()),
                        current_role: Some("primary".into()),
                        ..Default::default()
                    },
                    NodeGroupMember {
                        cache_cluster_id: format!("{id}-002"),
                        preferred_availability_zone: Some("us-east-1b".into()),
                        current_role: Some("replica".into()),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            }],
            ..Default::default()
        });
    }
    let out = run(&s, az("use1-az4"));
    assert_eq!(
        (
            out["cache/sessions"].verdict,
            out["cache/sessions"].data_loss,
            out["cache/sessions"].estimate
        ),
        (Verdict::Failover, true, Some((0, None)))
    );
    assert_eq!(out["cache/manual"].verdict, Verdict::Outage);
    assert_eq!(
        out["cache/manual"].why,
        "ElastiCache replication group manual: its primary of shard 0001 is in use1-az4; a replica survives but automatic failover is off"
    );
}

#[test]
fn regional_data_survives_an_az_and_needs_copies_for_a_region() {
    let mut s = account();
    s.efs.file_systems.push(FileSystem {
        region: E.into(),
        file_system_id: "fs-onezone".into(),
        availability_zone_name: Some("us-east-1c".into()),
        ..Default::default()
    });
    s.efs.file_systems.push(FileSystem {
        region: E.into(),
        file_system_id: "fs-regional".into(),
        mount_targets: ["us-east-1a", "us-east-1b"]
            .iter()
            .map(|az| MountTarget {
                mount_target_id: format!("mt-{az}"),
                subnet_id: sn(az),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    });
    for (name, replica) in [("global", true), ("local", false)] {
        s.dynamodb.tables.push(Table {
            region: E.into(),
            table_name: name.into(),
            arn: format!("arn:aws:dynamodb:us-east-1:111122223333:table/{name}"),
            replicas: if replica {
                vec![TableReplica {
                    region_name: W.into(),
                    replica_status: Some("ACTIVE".into()),
                }]
            } else {
                vec![]
            },
            ..Default::default()
        });
    }
    let az1 = run(&s, az("use1-az1"));
    assert_eq!(
        (
            az1["efs/fs-onezone"].verdict,
            az1["efs/fs-onezone"].data_loss
        ),
        (Verdict::Outage, true)
    );
    assert_eq!(az1["efs/fs-regional"].verdict, Verdict::Unaffected);
    assert_eq!(az1["dynamodb/global"].verdict, Verdict::Unaffected);
    let az4 = run(&s, az("use1-az4"));
    assert_eq!(az4["efs/fs-regional"].verdict, Verdict::Degraded);
    assert_eq!(
        az4["efs/fs-regional"].why,
        "EFS file system fs-regional: 1 of its 2 mount targets survive"
    );
    let region = run(&s, Target::Region(E.into()));
    assert_eq!(
        (
            region["dynamodb/global"].verdict,
            region["dynamodb/global"].data_loss
        ),
        (Verdict::Failover, true)
    );
    assert_eq!(
        (
            region["dynamodb/local"].verdict,
            region["dynamodb/local"].data_loss
        ),
        (Verdict::Outage, false)
    );
}

#[test]
fn a_cdn_origin_group_fails_over_per_request() {
    let mut s = account();
    let a = lb(&mut s, E, "origin-a", &["us-east-1a"]);
    asg(&mut s, E, "a", &[("us-east-1a", 2)], 2, Some(&a));
    let b = lb(&mut s, W, "origin-b", &["us-west-2a", "us-west-2b"]);
    asg(
        &mut s,
        W,
        "b",
        &[("us-west-2a", 1), ("us-west-2b", 1)],
        2,
        Some(&b),
    );
    s.cloudfront.distributions.push(Distribution {
        id: "E1".into(),
        arn: "arn:aws:cloudfront::111122223333:distribution/E1".into(),
        domain_name: "d1.cloudfront.net".into(),
        enabled: true,
        origins: vec![
            Origin {
                id: "a".into(),
                domain_name: "origin-a-1.us-east-1.elb.amazonaws.com".into(),
                origin_type: "custom".into(),
            },
            Origin {
                id: "b".into(),
                domain_name: "origin-b-1.us-west-2.elb.amazonaws.com".into(),
                origin_type: "custom".into(),
            },
        ],
        origin_groups: vec![OriginGroup {
            id: "g".into(),
            members: vec!["a".into(), "b".into()],
            ..Default::default()
        }],
        default_target_origin_id: "g".into(),
        ..Default::default()
    });
    let out = run(&s, az("use1-az4"));
    assert_eq!(out.keys().collect::<Vec<_>>(), ["cdn/d1.cloudfront.net"]);
    assert_eq!(
        (
            out["cdn/d1.cloudfront.net"].verdict,
            out["cdn/d1.cloudfront.net"].estimate
        ),
        (Verdict::Failover, Some((0, Some(30))))
    );
}

#[test]
fn what_cannot_be_placed_is_not_evaluated() {
    let mut s = account();
    s.ec2.availability_zones.clear();
    for sub in &mut s.ec2.subnets {
        sub.availability_zone_id = None;
    }
    // A second account keeps one AZ known, so the scenario itself is valid.
    s.ec2.availability_zones.push(AvailabilityZone {
        region: W.into(),
        zone_name: "us-west-2a".into(),
        zone_id: "usw2-az2".into(),
        state: "available".into(),
        ..Default::default()
    });
    rds(&mut s, "orders", "us-east-1a", false);
    let w = &run(&s, az("usw2-az2"))["rds/orders"];
    assert_eq!(w.verdict, Verdict::NotEvaluated);
    assert_eq!(
        w.why,
        "DB instance orders: AZ us-east-1a of account 111122223333 has no AZ ID in the snapshot"
    );
}

#[test]
fn az_names_resolve_per_account_and_ambiguity_is_an_error() {
    let a = account();
    let mut b = account();
    b.account_id = "444455556666".into();
    for z in &mut b.ec2.availability_zones {
        if z.zone_name == "us-east-1a" {
            z.zone_id = "use1-az2".into();
        }
    }
    for sub in &mut b.ec2.subnets {
        if sub.availability_zone == "us-east-1a" {
            sub.availability_zone_id = Some("use1-az2".into());
        }
    }
    let one = vec![Model::build(&a)];
    let g = Graph::build(&one);
    let (ix, note) = resolve_az(&g, "us-east-1b").unwrap();
    assert_eq!(g.zones.id(ix), "use1-az6");
    assert_eq!(
        note.unwrap(),
        "AZ name us-east-1b resolved to AZ ID use1-az6 through the AZ map of account(s) 111122223333; the same name is a different AZ in other accounts, so prefer the ID"
    );
    let both = vec![Model::build(&a), Model::build(&b)];
    let g = Graph::build(&both);
    assert_eq!(
        resolve_az(&g, "us-east-1a").unwrap_err(),
        "--fail-az us-east-1a: this name is a different AZ in different accounts (use1-az2 in 444455556666; use1-az4 in 111122223333); give an AZ ID"
    );
    assert!(resolve_az(&g, "use1-az9").unwrap_err().starts_with(
        "--fail-az use1-az9: not an AZ ID or name of the snapshot; AZ IDs: use1-az1, use1-az2"
    ));
}

#[test]
fn every_az_reports_each_workloads_worst_and_a_score() {
    let mut s = account();
    let tg = lb(
        &mut s,
        E,
        "web",
        &["us-east-1a", "us-east-1b", "us-east-1c"],
    );
    asg(
        &mut s,
        E,
        "web",
        &[("us-east-1a", 1), ("us-east-1b", 1), ("us-east-1c", 1)],
        3,
        Some(&tg),
    );
    rds(&mut s, "reports", "us-east-1b", false);
    let models = vec![Model::build(&s)];
    let graph = Graph::build(&models);
    let info = SnapshotInfo {
        accounts: vec![],
        regions: s.regions.clone(),
        taken_at: vec![],
    };
    let sim = simulate(&graph, &Target::AllAzs, None, info).unwrap();
    let worst: Vec<(&str, Verdict, Option<&str>)> = sim
        .workloads
        .iter()
        .map(|w| (w.id.as_str(), w.verdict, w.az_id.as_deref()))
        .collect();
    assert_eq!(
        worst,
        [
            ("rds/reports", Verdict::Outage, Some("use1-az6")),
            ("lb/web", Verdict::CapacityShort, Some("use1-az1")),
        ]
    );
    assert_eq!(sim.per_az.len(), 5);
    // Score: outage 0, capacity short 0.5 x 2/3; mean x 100.
    assert_eq!(sim.summary.az_resilience_score, Some(17));
    let az6 = sim.per_az.iter().find(|a| a.az_id == "use1-az6").unwrap();
    assert_eq!((az6.summary.outage, az6.summary.capacity_short), (1, 1));
    let west = sim.per_az.iter().find(|a| a.az_id == "usw2-az1").unwrap();
    assert_eq!(
        (west.summary.unaffected, west.summary.az_resilience_score),
        (2, Some(100))
    );
}

/// A random stack in us-east-1: groups with random instances per AZ, databases, a load
/// balancer; failing a set of AZs, then a superset of it.
fn arb_stack() -> impl Strategy<Value = (Snapshot, Vec<usize>, Vec<usize>)> {
    let azs = ["us-east-1a", "us-east-1b", "us-east-1c"];
    (
        prop::collection::vec(
            (prop::collection::vec(0u32..3, 3), 0i64..6, any::<bool>()),
            1..4,
        ),
        prop::collection::vec((0usize..3, any::<bool>()), 0..3),
        prop::collection::vec(any::<bool>(), 3),
        prop::collection::vec(any::<bool>(), 3),
    )
        .prop_map(move |(groups, dbs, first, extra)| {
            let mut s = account();
            for (i, (counts, desired, behind_lb)) in groups.into_iter().enumerate() {
                let per: Vec<(&str, u32)> = azs.iter().copied().zip(counts).collect();
                let tg = behind_lb.then(|| lb(&mut s, E, &format!("lb{i}"), &azs));
                asg(&mut s, E, &format!("g{i}"), &per, desired, tg.as_deref());
            }
            for (i, (az, multi)) in dbs.into_iter().enumerate() {
                rds(&mut s, &format!("db{i}"), azs[az], multi);
            }
            let small: Vec<usize> = (0..3).filter(|i| first[*i]).collect();
            let big: Vec<usize> = (0..3).filter(|i| first[*i] || extra[*i]).collect();
            (s, small, big)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn failing_more_never_improves_a_verdict((s, small, big) in arb_stack()) {
        let models = vec![Model::build(&s)];
        let graph = Graph::build(&models);
        let ids = ["use1-az4", "use1-az6", "use1-az1"];
        let pick = |set: &[usize]| -> Vec<zones::AzIx> {
            set.iter().map(|i| graph.zones.by_id(ids[*i]).unwrap()).collect()
        };
        let f_small = Failure::azs(&graph.zones, &pick(&small));
        let f_big = Failure::azs(&graph.zones, &pick(&big));
        let f_region = Failure::region(&graph.zones, E);
        let mut a = Judge::new(&graph.nodes, &graph.zones, &f_small);
        let mut b = Judge::new(&graph.nodes, &graph.zones, &f_big);
        let mut c = Judge::new(&graph.nodes, &graph.zones, &f_region);
        for n in 0..graph.nodes.len() {
            let (va, vb, vc) = (a.effective(n).verdict, b.effective(n).verdict, c.effective(n).verdict);
            prop_assert!(va <= vb, "node {}: {:?} then {:?} failing {:?} then {:?}", graph.nodes[n].label(), va, vb, small, big);
            prop_assert!(vb <= vc, "node {}: {:?} then {:?} for the region", graph.nodes[n].label(), vb, vc);
        }
    }

    #[test]
    fn failing_an_az_that_holds_nothing_changes_nothing((s, _small, _big) in arb_stack()) {
        let models = vec![Model::build(&s)];
        let graph = Graph::build(&models);
        // us-west-2 holds nothing in these stacks.
        let f = Failure::azs(&graph.zones, &[graph.zones.by_id("usw2-az1").unwrap()]);
        let none = Failure::azs(&graph.zones, &[]);
        let mut j = Judge::new(&graph.nodes, &graph.zones, &f);
        let mut base = Judge::new(&graph.nodes, &graph.zones, &none);
        for n in 0..graph.nodes.len() {
            prop_assert_eq!(j.effective(n), base.effective(n));
        }
    }
}
