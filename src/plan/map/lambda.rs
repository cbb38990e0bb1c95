//! Lambda functions: the AZs of their VPC subnets, reserved concurrency, dead-letter queue,
//! and the on-failure destinations of `aws_lambda_function_event_invoke_config`.

use super::reader::*;
use super::*;

/// The asynchronous invocation settings of the plan, by function address, and why a setting
/// whose function is unknown leaves every function's destinations unknown.
#[derive(Default)]
pub(super) struct InvokeConfigs {
    by_function: HashMap<String, Vec<EventInvokeConfig>>,
    /// Function address -> why one of its destinations is unknown.
    unknown: HashMap<String, String>,
    any_unknown: Option<String>,
}

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn invoke_configs(&self, instances: &[&Inst<'p>]) -> InvokeConfigs {
        let mut out = InvokeConfigs::default();
        for c in of_types(instances, &["aws_lambda_function_event_invoke_config"]) {
            let mut r = Reader::new(self.plan, c, self.view);
            let function = match r.link("function_name", "function_name") {
                Some(Some(f)) => f,
                _ => {
                    let why = r
                        .out
                        .unknown
                        .get("function_name")
                        .cloned()
                        .unwrap_or_default();
                    out.any_unknown
                        .get_or_insert(format!("the function of {} is unknown: {why}", c.address));
                    continue;
                }
            };
            let path = ["destination_config", "on_failure", "destination"];
            let first = |v: &'p Value| -> Option<&'p Value> {
                path.iter().try_fold(v, |v, step| match v.get(*step)? {
                    Value::Array(a) => a.first(),
                    other => Some(other),
                })
            };
            let on_failure_destination = if first(r.unknown_tree).is_some_and(any_true) {
                match self.plan.resolve_path(c, &path) {
                    Ok(t) => r.targets(t).into_iter().next(),
                    Err(why) => {
                        out.unknown.entry(function.clone()).or_insert(format!(
                            "{}; the configuration does not resolve it: {why}",
                            r.after_apply(&path.join("."))
                        ));
                        None
                    }
                }
            } else {
                first(r.values)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(|s| r.literal(s))
            };
            out.by_function
                .entry(function)
                .or_default()
                .push(EventInvokeConfig {
                    function_arn: c.address.clone(),
                    on_failure_destination,
                    on_success_destination: None,
                    maximum_retry_attempts: r
                        .int("maximum_retry_attempts", "maximum_retry_attempts"),
                    maximum_event_age_in_seconds: r.int(
                        "maximum_event_age_in_seconds",
                        "maximum_event_age_in_seconds",
                    ),
                });
        }
        out
    }

    pub(super) fn lambda(&mut self, i: &Inst<'p>, subnet_az: &SubnetAz, invoke: &InvokeConfigs) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let ids = r.nested_links("vpc_config", "subnet_ids", "subnet_azs");
        let known = ids.is_some();
        let (subnet_ids, why) = Self::subnet_links(&mut r, subnet_az, ids, "subnet_ids");
        if let (false, Some(why)) = (known, why) {
            r.mark("vpc_attached", why);
        }
        let dead_letter_target_arn = r
            .nested_links("dead_letter_config", "target_arn", "dead_letter_target_arn")
            .and_then(|t| t.into_iter().next());
        // -1, the provider's default, is no reservation.
        let reserved_concurrency = r
            .int("reserved_concurrent_executions", "reserved_concurrency")
            .filter(|n| *n >= 0);
        if let Some(why) = invoke
            .unknown
            .get(&i.address)
            .or(invoke.any_unknown.as_ref())
        {
            r.mark("on_failure_destinations", why.clone());
        }
        r.mark_all(&["state", "state_reason", "last_update_status"], RUNTIME);
        self.snap.lambda.functions.push(LambdaFunction {
            region: region.clone(),
            function_name: i.address.clone(),
            function_arn: i.address.clone(),
            runtime: r.string("runtime", "runtime"),
            package_type: r.string("package_type", "package_type"),
            state: None,
            state_reason: None,
            last_update_status: None,
            vpc_id: None,
            subnet_ids,
            dead_letter_target_arn,
            reserved_concurrency,
            event_invoke_configs: invoke
                .by_function
                .get(&i.address)
                .cloned()
                .unwrap_or_default(),
            unreadable: Unreadable::new(),
        });
        let out = r.finish();
        self.entry(i, "lambda.function", &region, out);
    }
}
