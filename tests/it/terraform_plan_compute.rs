//! `scan --terraform-plan` on the compute plans of `fixtures/terraform/` (written by
//! `make_compute_plans.py`): target groups joined to their load balancers through listeners
//! and rules and to Auto Scaling groups through attachments, Lambda functions, ECS services
//! and EKS clusters with their AZs from the plan's subnets. Each defect of the fail plan is
//! pinned, the pass plan passes them, and values known only after apply, runtime states and
//! provider defaults are said.

use crate::support::plan::{pairs, plan, reason, report, scan_plan, with};

const ASG: &str = "aws_autoscaling_group.app";
const LEGACY: &str = "aws_autoscaling_group.legacy";
const API_ASG: &str = "aws_autoscaling_group.api";
const TG: &str = "aws_lb_target_group.web";
const API: &str = "aws_lb_target_group.api";
const LB: &str = "aws_lb.web";
const WORKER: &str = "module.worker.aws_lambda_function.this";
const THUMBS: &str = "aws_lambda_function.thumbnailer";
const API_SVC: &str = "aws_ecs_cluster.main/aws_ecs_service.api";
const WORKERS_SVC: &str = "aws_ecs_cluster.main/aws_ecs_service.workers";
const EKS: &str = "aws_eks_cluster.main";
const NODES: &str = "aws_eks_cluster.main/module.nodes.aws_eks_node_group.this";
const OLD_TG: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/old/0123456789abcdef";

/// Every failure of the fail plan: each defect once.
const FAILS: [(&str, &str); 18] = [
    // EC2 health checks only, a minimum of one, and an AZ (c) the load balancer of its
    // target group (through the attachment and the listener) is not enabled in.
    ("HA-ASG-002", ASG),
    ("HA-ASG-007", ASG),
    ("HA-ASG-008", ASG),
    // A service on one subnet, wanting one task, with AZ rebalancing off and no circuit breaker
    // (the default); it takes its cluster's default capacity providers (Fargate). The EC2
    // service binpacks without spreading over AZs first.
    ("HA-ECS-002", API_SVC),
    ("HA-ECS-003", API_SVC),
    ("HA-ECS-004", WORKERS_SVC),
    ("HA-ECS-005", API_SVC),
    ("HA-ECS-006", API_SVC),
    // Its task definition's container logs through awslogs in blocking mode.
    ("HA-ECS-007", API_SVC),
    // A cluster on one subnet, whose node group (in a module, named through its input) is
    // on that subnet with a minimum of one node, and without deletion protection (the
    // default).
    ("HA-EKS-001", EKS),
    ("HA-EKS-002", EKS),
    ("HA-EKS-003", EKS),
    ("HA-EKS-005", EKS),
    // Cross-zone turned off on the group, overriding the load balancer.
    ("HA-ELB-004", TG),
    // A VPC function in one AZ (a subnet passed through a module output and input), with no
    // dead-letter queue or failure destination and no reserved concurrency (the default).
    ("HA-LAM-001", WORKER),
    ("HA-LAM-002", WORKER),
    ("HA-LAM-003", WORKER),
    // Concurrency reserved at zero: it is never invoked.
    ("HA-LAM-004", THUMBS),
];

#[test]
fn the_compute_plan_fails_exactly_its_defects() {
    let r = scan_plan("compute.fail.json", 1);
    assert_eq!(with("fail", &r), pairs(&FAILS));
    // A target group named by ARN that the plan does not hold: neither missing nor present.
    let missing = format!(
        "`missing_target_group_arns` could not be read: target group {OLD_TG} is not in the plan"
    );
    assert_eq!(reason(&r, "HA-ASG-009", LEGACY), missing);
    assert_eq!(
        reason(&r, "HA-ASG-008", LEGACY),
        format!("`azs_not_served_by_load_balancer` could not be read: target group {OLD_TG} is not in the plan")
    );
    // Registered targets' health is a runtime state, whatever the plan says.
    let runtime =
        "`healthy_target_count` could not be read: a runtime state, not known before apply";
    assert_eq!(reason(&r, "HA-ELB-006", TG), runtime);
    assert_eq!(reason(&r, "HA-ELB-006", API), runtime);
    assert_eq!(
        reason(&r, "HA-ELB-008", LB),
        "`cross_zone_off_azs_without_healthy_targets` could not be read: a runtime state, not \
         known before apply"
    );
    assert_eq!(
        reason(&r, "HA-CW-003", LB),
        "`health_alarms` could not be read: CloudWatch alarms are not read from a plan"
    );
    assert_eq!(
        reason(&r, "HA-LAM-003", WORKER),
        "assumed default: `reserved_concurrency` = -1: `reserved_concurrent_executions` is not \
         set in the configuration of module.worker.aws_lambda_function.this, so the provider's \
         default applies"
    );
    // The dead-letter queue is created by the plan: its ARN is unknown, its link is not.
    assert!(with("pass", &r).contains(&("HA-LAM-002".into(), THUMBS.into())));
    let state = "`last_update_status` could not be read: a runtime state, not known before \
                 apply; `state` could not be read: a runtime state, not known before apply";
    assert_eq!(reason(&r, "HA-LAM-005", WORKER), state);
    assert_eq!(
        reason(&r, "HA-ECS-006", API_SVC),
        "assumed default: `circuit_breaker_enabled` = false: `deployment_circuit_breaker.enable` \
         is not set in the configuration of aws_ecs_service.api, so the provider's default \
         applies; `deployment_controller` = \"ECS\": `deployment_controller.type` is not set in \
         the configuration of aws_ecs_service.api, so the provider's default applies"
    );
    assert_eq!(
        reason(&r, "HA-EKS-005", EKS),
        "assumed default: `deletion_protection` = false: `deletion_protection` is not set in the \
         configuration of aws_eks_cluster.main, so the provider's default applies"
    );
    // Running tasks and node group health are not in a plan, nor a task definition named by
    // family and revision.
    assert_eq!(
        reason(&r, "HA-ECS-008", API_SVC),
        "`running_count` could not be read: a runtime state, not known before apply"
    );
    assert_eq!(
        reason(&r, "HA-ECS-007", WORKERS_SVC),
        "`blocking_log_containers` could not be read: task definition workers:7 is not in the \
         plan"
    );
    assert_eq!(
        reason(&r, "HA-EKS-004", NODES),
        "`health_issues` could not be read: a runtime state, not known before apply; `status` \
         could not be read: a runtime state, not known before apply"
    );
    // The rule's target group leaves cross-zone to the load balancer: the provider's default.
    assert!(with("pass", &r).contains(&("HA-ELB-004".into(), API.into())));
    assert_eq!(
        reason(&r, "HA-ELB-004", API),
        "assumed default: `cross_zone` = \"use_load_balancer_configuration\": \
         `load_balancing_cross_zone_enabled` is not set in the configuration of \
         aws_lb_target_group.api, so the provider's default applies"
    );
    // A group joined to the load balancer through its traffic source attachment, target
    // group "api" and the listener rule's weighted forward block: in its two AZs, it passes.
    let passed = with("pass", &r);
    for rule in ["HA-ASG-002", "HA-ASG-007", "HA-ASG-008", "HA-ASG-009"] {
        assert!(passed.contains(&(rule.into(), API_ASG.into())), "{rule}");
    }
    assert_eq!(r["summary"]["pass"], 38);
    assert_eq!(r["summary"]["not_evaluated"], 26);
}

#[test]
fn the_fixed_compute_plan_passes_them() {
    let r = scan_plan("compute.pass.json", 0);
    assert_eq!(with("fail", &r), Vec::<(String, String)>::new());
    let passed = with("pass", &r);
    for (rule, id) in FAILS {
        assert!(passed.contains(&(rule.into(), id.into())), "{rule} {id}");
    }
    assert_eq!(r["summary"]["pass"], 58);
    assert_eq!(r["summary"]["not_evaluated"], 26);
}

#[test]
fn compute_values_known_only_after_apply_are_not_evaluated() {
    let r = scan_plan("compute.unknown.json", 1);
    let rule_tg = "the target groups listener rule aws_lb_listener_rule.api forwards to are \
                   unknown: known only after apply (aws_lb_listener_rule.api: \
                   action.target_group_arn); the configuration does not resolve it: root \
                   variable `var.api_target_group_arn` has no value in the plan";
    // Any target group may serve the load balancer through that rule.
    assert_eq!(
        reason(&r, "HA-ASG-008", ASG),
        format!(
            "`azs_not_served_by_load_balancer` could not be read: the load balancers of target \
             group aws_lb_target_group.web are unknown: {rule_tg}"
        )
    );
    assert_eq!(
        reason(&r, "HA-ELB-004", TG),
        "`cross_zone` could not be read: known only after apply (aws_lb_target_group.web: \
         load_balancing_cross_zone_enabled)"
    );
    assert_eq!(
        reason(&r, "HA-ELB-006", API),
        format!(
            "`healthy_target_count` could not be read: a runtime state, not known before apply; \
             `load_balancer_arns` could not be read: {rule_tg}"
        )
    );
    assert_eq!(
        reason(&r, "HA-LAM-001", WORKER),
        "`subnet_azs` could not be read: the AZ of subnet \
         module.network.aws_subnet.private[\"c\"] is known only after apply \
         (module.network.aws_subnet.private[\"c\"]: availability_zone)"
    );
    // The failure destination of the invoke config (named through a module output).
    assert_eq!(
        reason(&r, "HA-LAM-002", WORKER),
        "`on_failure_destinations` could not be read: known only after apply \
         (aws_lambda_function_event_invoke_config.worker: \
         destination_config.on_failure.destination); the configuration does not resolve it: \
         root variable `var.failure_queue_arn` has no value in the plan"
    );
    assert_eq!(
        reason(&r, "HA-ECS-004", WORKERS_SVC),
        "`runs_on_ec2` could not be read: known only after apply (aws_ecs_service.workers: \
         launch_type)"
    );
    assert_eq!(
        reason(&r, "HA-ECS-007", API_SVC),
        "`blocking_log_containers` could not be read: known only after apply \
         (aws_ecs_task_definition.api: container_definitions)"
    );
    // Unset on a new service: ECS enables it only for a service it deems compatible.
    assert_eq!(
        reason(&r, "HA-ECS-005", API_SVC),
        "`availability_zone_rebalancing` could not be read: known only after apply \
         (aws_ecs_service.api: availability_zone_rebalancing)"
    );
    assert_eq!(
        reason(&r, "HA-EKS-001", EKS),
        "`compute_azs` could not be read: node group module.nodes.aws_eks_node_group.this: the \
         AZ of subnet module.network.aws_subnet.private[\"c\"] is known only after apply \
         (module.network.aws_subnet.private[\"c\"]: availability_zone)"
    );
    assert_eq!(
        reason(&r, "HA-EKS-005", EKS),
        "`deletion_protection` could not be read: known only after apply \
         (aws_eks_cluster.main: deletion_protection)"
    );
    assert_eq!(
        with("fail", &r),
        pairs(&[
            ("HA-ASG-002", ASG),
            ("HA-ASG-007", ASG),
            ("HA-ECS-003", API_SVC),
            ("HA-ECS-006", API_SVC),
            ("HA-EKS-002", EKS),
            ("HA-LAM-003", WORKER),
            ("HA-LAM-004", THUMBS),
        ])
    );
    // Target groups named through a variable without a value: the group serves some load
    // balancer, which one is unknown.
    assert_eq!(
        reason(&r, "HA-ASG-002", LEGACY),
        "`has_load_balancer` could not be read: known only after apply \
         (aws_autoscaling_group.legacy: target_group_arns); the configuration does not resolve \
         it: root variable `var.legacy_target_groups` has no value in the plan"
    );
    assert_eq!(r["summary"]["pass"], 33);
    assert_eq!(r["summary"]["not_evaluated"], 43);
}

#[test]
fn changes_only_reports_what_an_update_of_compute_resources_breaks_or_worsens() {
    let p = plan("compute.update.json");
    let all = scan_plan("compute.update.json", 1);
    let svc = API_SVC;
    let changed = pairs(&[
        ("HA-ECS-002", svc),
        ("HA-ECS-003", svc),
        ("HA-EKS-002", EKS),
        ("HA-LAM-001", "aws_lambda_function.worker"),
    ]);
    assert_eq!(with("fail", &all), changed);
    let r = report(
        &[
            "--format",
            "json",
            "--changes-only",
            "--terraform-plan",
            p.to_str().unwrap(),
        ],
        1,
    );
    // Introduced: a subnet (and its AZ) removed from the service and the function. Worsened:
    // failing before and after, the measured number moved the wrong way.
    assert_eq!(with("fail", &r), changed);
    assert_eq!(reason(&r, "HA-ECS-002", svc), "");
    assert_eq!(reason(&r, "HA-LAM-001", "aws_lambda_function.worker"), "");
    assert_eq!(
        reason(&r, "HA-ECS-003", svc),
        "worsens: `desired_count` goes from 1 to 0"
    );
    assert_eq!(
        reason(&r, "HA-EKS-002", EKS),
        "worsens: `total_min_nodes` goes from 1 to 0"
    );
    assert_eq!(r["summary"]["pass"], 0);
    assert_eq!(r["summary"]["not_evaluated"], 0);
}
