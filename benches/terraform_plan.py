#!/usr/bin/env python3
"""Terraform plan benchmark: `ha-audit scan --terraform-plan` on a generated plan of about
5,000 resources, median wall time of several runs.

    python3 benches/terraform_plan.py --resources 5000 --runs 5     # or: scripts/bench plan

The plan is written with the builder of the test fixtures (fixtures/terraform/make_plans.py),
in the shape of `terraform show -json` (format 1.2): copies of one stack, each an instance of a
`for_each` module `stack` holding a nested module `network` (two deep), with `count`ed
subnets, NAT gateways, route tables and associations paired by `count.index` (and a public
route table to the internet gateway), a database on a
subnet group, an Aurora cluster with a member per AZ, a DynamoDB table with a replica, a Redis
replication group on a cache subnet group, an EFS file system with a mount target per AZ and a
backup policy, an Auto Scaling group and a load balancer on the network module's subnet outputs
(module output -> module input references), a listener forwarding to a target group, and a
failover record aliasing the
load balancer in a zone of the root module. Every id is unknown until apply, so every link goes
through the configuration's references. One copy, then two, are scanned first: the outcomes of
the measured plan must be exactly the fixed part plus the per-copy part times the copies.

The measured binary is `HA_AUDIT_BIN`, else `release/ha-audit` under `CARGO_TARGET_DIR`
(default `target`). Each run: `ha-audit scan --terraform-plan FILE --format json --fail-on never
--timings --output REPORT` under /usr/bin/time (wall time and peak memory).
"""
import argparse, importlib.util, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

spec = importlib.util.spec_from_file_location("make_plans", os.path.join(REPO, "fixtures/terraform/make_plans.py"))
mp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mp)
ref, const = mp.ref, mp.const

AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


def stack_plan(copies):
    """A plan of `copies` stacks; returns it and its number of resource instances."""
    p = mp.Plan("1.2")
    keys = [f"s{i:05d}" for i in range(copies)]
    p.block([], "aws_route53_zone", "main", {"name": const("example.com")})
    p.change("", "aws_route53_zone", "main", {"name": "example.com", "vpc": []}, {"zone_id": True, "id": True})
    p.block([], "aws_caller_identity", "current", {}, mode="data")
    p.existing("", "aws_caller_identity", "current", {"account_id": "111122223333", "arn": "arn:aws:iam::111122223333:user/ci", "id": "111122223333", "user_id": "AIDA"})
    p.call(["stack"], {"zone_id": ref("aws_route53_zone.main.zone_id", "aws_route53_zone.main"), "name": ref("each.key")}, for_each=const({k: k for k in keys}))
    p.call(["stack", "network"], {"azs": const(AZS)}, outputs={
        "private_subnet_ids": ref("aws_subnet.private"),
        "public_subnet_ids": ref("aws_subnet.public"),
    })
    net = ["stack", "network"]
    vpc = ref("aws_vpc.this.id", "aws_vpc.this")
    p.block(net, "aws_vpc", "this", {"cidr_block": const("10.0.0.0/16")})
    p.block(net, "aws_internet_gateway", "this", {"vpc_id": vpc})
    for tier in ["private", "public"]:
        p.block(net, "aws_subnet", tier, {"vpc_id": vpc, "availability_zone": ref("var.azs", "count.index")}, count=const(3))
    p.block(net, "aws_nat_gateway", "this", {"subnet_id": ref("aws_subnet.public", "count.index")}, count=const(3))
    p.block(net, "aws_route_table", "private", {"vpc_id": vpc, "route": [{"cidr_block": const("0.0.0.0/0"), "nat_gateway_id": ref("aws_nat_gateway.this", "count.index")}]}, count=const(3))
    p.block(net, "aws_route_table_association", "private", {"subnet_id": ref("aws_subnet.private", "count.index"), "route_table_id": ref("aws_route_table.private", "count.index")}, count=const(3))
    p.block(net, "aws_route_table", "public", {"vpc_id": vpc, "route": [{"cidr_block": const("0.0.0.0/0"), "gateway_id": ref("aws_internet_gateway.this.id", "aws_internet_gateway.this")}]})
    p.block(net, "aws_route_table_association", "public", {"subnet_id": ref("aws_subnet.public", "count.index"), "route_table_id": ref("aws_route_table.public.id", "aws_route_table.public")}, count=const(3))
    p.block(["stack"], "aws_db_subnet_group", "this", {"subnet_ids": ref("module.network.private_subnet_ids", "module.network")})
    p.block(["stack"], "aws_db_instance", "this", {"engine": const("postgres"), "instance_class": const("db.m6g.large"), "multi_az": const(True), "backup_retention_period": const(7), "deletion_protection": const(True), "db_subnet_group_name": ref("aws_db_subnet_group.this.name", "aws_db_subnet_group.this")})
    p.block(["stack"], "aws_autoscaling_group", "app", {"vpc_zone_identifier": ref("module.network.private_subnet_ids", "module.network"), "min_size": const(2), "max_size": const(6), "capacity_rebalance": const(True)})
    p.block(["stack"], "aws_lb", "web", {"subnets": ref("module.network.public_subnet_ids", "module.network"), "enable_deletion_protection": const(True), "load_balancer_type": const("application")})
    p.block(["stack"], "aws_lb_listener", "http", {"load_balancer_arn": ref("aws_lb.web.arn", "aws_lb.web"), "port": const(80),
                                                   "default_action": [{"type": const("forward"), "target_group_arn": ref("aws_lb_target_group.web.arn", "aws_lb_target_group.web")}]})
    p.block(["stack"], "aws_lb_target_group", "web", {"port": const(8080), "protocol": const("HTTP"), "health_check": [{"path": const("/health"), "interval": const(10), "unhealthy_threshold": const(2)}]})
    p.block(["stack"], "aws_efs_file_system", "shared", {"creation_token": ref("var.name"), "encrypted": const(True)})
    p.block(["stack"], "aws_efs_mount_target", "shared", {"file_system_id": ref("aws_efs_file_system.shared.id", "aws_efs_file_system.shared"), "subnet_id": ref("module.network.private_subnet_ids", "module.network", "count.index")}, count=const(3))
    p.block(["stack"], "aws_efs_backup_policy", "shared", {"file_system_id": ref("aws_efs_file_system.shared.id", "aws_efs_file_system.shared"), "backup_policy": [{"status": const("ENABLED")}]})
    # Data stores: an Aurora cluster with a member in each AZ on the database subnet group, a
    # DynamoDB table with a replica, a Redis replication group on a cache subnet group.
    p.block(["stack"], "aws_rds_cluster", "orders", {"engine": const("aurora-postgresql"), "master_username": const("app"), "backup_retention_period": const(7), "deletion_protection": const(True), "db_subnet_group_name": ref("aws_db_subnet_group.this.name", "aws_db_subnet_group.this")})
    p.block(["stack"], "aws_rds_cluster_instance", "orders", {"cluster_identifier": ref("aws_rds_cluster.orders.id", "aws_rds_cluster.orders"), "engine": const("aurora-postgresql"), "instance_class": const("db.r6g.large"), "monitoring_interval": const(60), "availability_zone": ref("local.azs", "count.index")}, count=const(3))
    p.block(["stack"], "aws_dynamodb_table", "sessions", {"name": ref("var.name"), "billing_mode": const("PAY_PER_REQUEST"), "hash_key": const("id"), "point_in_time_recovery": [{"enabled": const(True)}], "deletion_protection_enabled": const(True), "replica": [{"region_name": const("eu-central-1")}]})
    p.block(["stack"], "aws_elasticache_subnet_group", "cache", {"name": ref("var.name"), "subnet_ids": ref("module.network.private_subnet_ids", "module.network")})
    p.block(["stack"], "aws_elasticache_replication_group", "cache", {"replication_group_id": ref("var.name"), "engine": const("redis"), "node_type": const("cache.r7g.large"), "num_cache_clusters": const(2), "automatic_failover_enabled": const(True), "multi_az_enabled": const(True), "snapshot_retention_limit": const(7), "preferred_cache_cluster_azs": const(AZS[:2]), "subnet_group_name": ref("aws_elasticache_subnet_group.cache.name", "aws_elasticache_subnet_group.cache")})
    p.block(["stack"], "aws_route53_record", "app", {"zone_id": ref("var.zone_id"), "name": ref("var.name"), "type": const("A"), "set_identifier": const("primary"),
                                                     "failover_routing_policy": [{"type": const("PRIMARY")}],
                                                     "alias": [{"name": ref("aws_lb.web.dns_name", "aws_lb.web"), "zone_id": ref("aws_lb.web.zone_id", "aws_lb.web"), "evaluate_target_health": const(True)}]})
    for n, k in enumerate(keys):
        m = f'module.stack["{k}"]'
        nm = m + ".module.network"
        p.change(nm, "aws_vpc", "this", {"cidr_block": "10.0.0.0/16"}, {"id": True, "arn": True})
        p.change(nm, "aws_internet_gateway", "this", {}, {"id": True, "vpc_id": True})
        p.change(nm, "aws_route_table", "public", {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": None, "nat_gateway_id": ""}]}, {"id": True, "vpc_id": True, "route": [{"gateway_id": True}]})
        for i, az in enumerate(AZS):
            p.change(nm, "aws_route_table_association", "public", {}, {"id": True, "subnet_id": True, "route_table_id": True}, index=i)
            p.change(nm, "aws_subnet", "private", {"availability_zone": az, "cidr_block": f"10.0.{i}.0/24", "map_public_ip_on_launch": False}, {"id": True, "arn": True, "vpc_id": True}, index=i)
            p.change(nm, "aws_subnet", "public", {"availability_zone": az, "cidr_block": f"10.0.{100 + i}.0/24", "map_public_ip_on_launch": True}, {"id": True, "arn": True, "vpc_id": True}, index=i)
            p.change(nm, "aws_nat_gateway", "this", {"connectivity_type": "public"}, {"id": True, "subnet_id": True, "allocation_id": True}, index=i)
            p.change(nm, "aws_route_table", "private", {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "", "nat_gateway_id": None}]}, {"id": True, "vpc_id": True, "route": [{"nat_gateway_id": True}]}, index=i)
            p.change(nm, "aws_route_table_association", "private", {}, {"id": True, "subnet_id": True, "route_table_id": True}, index=i)
        p.change(m, "aws_db_subnet_group", "this", {"name": f"db-{k}"}, {"id": True, "arn": True, "subnet_ids": True})
        p.change(m, "aws_db_instance", "this", {"engine": "postgres", "instance_class": "db.m6g.large", "multi_az": True, "backup_retention_period": 7, "deletion_protection": True, "publicly_accessible": False, "monitoring_interval": 60}, {"id": True, "arn": True, "availability_zone": True, "db_subnet_group_name": True})
        p.change(m, "aws_autoscaling_group", "app", {"min_size": 2, "max_size": 6, "desired_capacity": 2, "capacity_rebalance": True, "suspended_processes": [], "target_group_arns": [],
                                                      "mixed_instances_policy": [{"launch_template": [{"override": [{"instance_type": "m6i.large", "instance_requirements": []}, {"instance_type": "m7i.large", "instance_requirements": []}]}]}]},
                 {"id": True, "arn": True, "availability_zones": True, "health_check_type": True, "vpc_zone_identifier": True})
        p.change(m, "aws_lb", "web", {"load_balancer_type": "application", "internal": False, "enable_deletion_protection": True, "subnet_mapping": []}, {"id": True, "arn": True, "dns_name": True, "zone_id": True, "subnets": True, "subnet_mapping": True})
        p.change(m, "aws_lb_listener", "http", {"port": 80, "protocol": "HTTP", "default_action": [{"type": "forward"}]}, {"id": True, "arn": True, "load_balancer_arn": True, "default_action": [{"target_group_arn": True}]})
        p.change(m, "aws_lb_target_group", "web", {"port": 8080, "protocol": "HTTP", "target_type": "instance", "health_check": [{"enabled": True, "path": "/health", "interval": 10, "unhealthy_threshold": 2, "healthy_threshold": 3}]}, {"id": True, "arn": True, "vpc_id": True, "load_balancer_arns": True, "load_balancing_cross_zone_enabled": True})
        p.change(m, "aws_efs_file_system", "shared", {"creation_token": k, "encrypted": True}, {"id": True, "arn": True, "dns_name": True, "availability_zone_id": True, "availability_zone_name": True, "number_of_mount_targets": True, "size_in_bytes": True, "owner_id": True})
        for i in range(3):
            p.change(m, "aws_efs_mount_target", "shared", {}, {"id": True, "file_system_id": True, "subnet_id": True, "availability_zone_name": True, "ip_address": True, "network_interface_id": True}, index=i)
        p.change(m, "aws_efs_backup_policy", "shared", {"backup_policy": [{"status": "ENABLED"}]}, {"id": True, "file_system_id": True})
        p.change(m, "aws_rds_cluster", "orders", {"engine": "aurora-postgresql", "engine_mode": "provisioned", "master_username": "app", "backup_retention_period": 7, "deletion_protection": True, "backtrack_window": 0, "db_subnet_group_name": f"db-{k}"}, {"id": True, "arn": True, "availability_zones": True, "db_cluster_parameter_group_name": True})
        for i, az in enumerate(AZS):
            p.change(m, "aws_rds_cluster_instance", "orders", {"engine": "aurora-postgresql", "instance_class": "db.r6g.large", "publicly_accessible": False, "promotion_tier": 0, "monitoring_interval": 60, "availability_zone": az}, {"id": True, "arn": True, "cluster_identifier": True, "endpoint": True, "db_subnet_group_name": True}, index=i)
        p.change(m, "aws_dynamodb_table", "sessions", {"name": k, "billing_mode": "PAY_PER_REQUEST", "hash_key": "id", "point_in_time_recovery": [{"enabled": True}], "deletion_protection_enabled": True, "replica": [{"region_name": "eu-central-1", "point_in_time_recovery": False, "propagate_tags": False}], "global_secondary_index": []}, {"id": True, "arn": True, "stream_arn": True, "replica": [{"arn": True}]})
        p.change(m, "aws_elasticache_subnet_group", "cache", {"name": k}, {"id": True, "arn": True, "subnet_ids": True, "vpc_id": True})
        p.change(m, "aws_elasticache_replication_group", "cache", {"replication_group_id": k, "engine": "redis", "node_type": "cache.r7g.large", "num_cache_clusters": 2, "automatic_failover_enabled": True, "multi_az_enabled": True, "snapshot_retention_limit": 7, "preferred_cache_cluster_azs": AZS[:2], "subnet_group_name": k}, {"id": True, "arn": True, "member_clusters": True, "primary_endpoint_address": True})
        p.change(m, "aws_route53_record", "app", {"name": f"{k}.example.com", "type": "A", "set_identifier": "primary", "failover_routing_policy": [{"type": "PRIMARY"}], "alias": [{"evaluate_target_health": True}], "records": None, "ttl": None},
                 {"id": True, "zone_id": True, "fqdn": True, "alias": [{"name": True, "zone_id": True}]})
    return p.json(), len(p.changes)


PER_COPY = len(stack_plan(1)[0]["resource_changes"]) - 1


def binary():
    if os.environ.get("HA_AUDIT_BIN"):
        return os.environ["HA_AUDIT_BIN"]
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    b = os.path.join(target, "release", "ha-audit")
    if not os.path.exists(b):
        sys.exit(f"{b} not found: run `cargo build --release` first (or set HA_AUDIT_BIN)")
    return b


def scan(bin_, plan):
    report = plan + ".report.json"
    out = subprocess.run(["/usr/bin/time", "-f", "time %e %M", bin_, "scan", "--terraform-plan", plan, "--format", "json",
                          "--fail-on", "never", "--timings", "--output", report], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"scan failed: {out.stderr}")
    timings = next(json.loads(l[len("ha-audit: timings "):]) for l in out.stderr.splitlines() if l.startswith("ha-audit: timings "))
    wall, rss = next(l.split()[1:3] for l in out.stderr.splitlines() if l.startswith("time "))
    with open(report) as f:
        summary = json.load(f)["summary"]
    os.remove(report)
    return {"wall": float(wall), "rss_mb": int(rss) // 1024, "timings": timings, "summary": summary}


def write(dir_, copies):
    doc, n = stack_plan(copies)
    path = os.path.join(dir_, f"plan-{copies}.json")
    with open(path, "w") as f:
        # `terraform show -json` writes one line.
        json.dump(doc, f, separators=(",", ":"))
    return path, n


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--resources", type=int, default=5000)
    a.add_argument("--runs", type=int, default=5)
    args = a.parse_args()
    bin_ = binary()
    copies = max(1, -(-(args.resources - 1) // PER_COPY))
    print(f"terraform plan benchmark: {PER_COPY} resources per stack; {os.cpu_count()} cores; median of {args.runs} run(s); binary {bin_}")
    with tempfile.TemporaryDirectory() as d:
        one, two = scan(bin_, write(d, 1)[0]), scan(bin_, write(d, 2)[0])
        path, n = write(d, copies)
        mb = os.path.getsize(path) / 1e6
        runs = sorted((scan(bin_, path) for _ in range(args.runs)), key=lambda r: r["wall"])
        run = runs[len(runs) // 2]
        # Exactness: each stack adds exactly what the second one added.
        for outcome in ["fail", "pass", "not_evaluated"]:
            per = two["summary"][outcome] - one["summary"][outcome]
            fixed = one["summary"][outcome] - per
            assert run["summary"][outcome] == fixed + per * copies, (outcome, run["summary"], fixed, per, copies)
        ph = run["timings"]["phases_s"]
        print("| plan resources | stacks | plan MB | wall s (median) | min s | max s | peak RSS MB | read s | model s | evaluate s | report s | pass | fail | not evaluated |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        print(f"| {n} | {copies} | {mb:.1f} | {run['wall']:.2f} | {runs[0]['wall']:.2f} | {runs[-1]['wall']:.2f} | {run['rss_mb']} | "
              f"{ph.get('read', 0):.2f} | {ph.get('model', 0):.2f} | {ph.get('evaluate', 0):.2f} | {ph.get('report', 0):.2f} | "
              f"{run['summary']['pass']} | {run['summary']['fail']} | {run['summary']['not_evaluated']} |")


if __name__ == "__main__":
    main()
