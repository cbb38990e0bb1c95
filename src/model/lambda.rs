//! Lambda functions, with the AZs of their VPC subnets.

use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::LambdaFunction;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a Lambda function.
    pub struct FunctionFacts<'a> {
        /// Whether it runs in a VPC (has subnets).
        pub vpc_attached: Always<bool>,
        /// The AZs of its VPC subnets.
        pub subnet_azs: Known<Vec<&'a str>>,
        /// Where its asynchronous invocations go when they fail.
        pub on_failure_destinations: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for f in &ctx.snapshot.lambda.functions {
        out.push(function(ctx, f));
    }
}

fn function<'a>(ctx: &Ctx<'a>, f: &'a LambdaFunction) -> Resource<'a> {
    // Subnet -> AZ through the EC2 listing. Lambda's VpcId cannot be trusted to find them
    // (some emulators return a constant), the subnet ids can.
    let azs: Vec<&str> = f
        .subnet_ids
        .iter()
        .filter_map(|sn| ctx.subnet_az(&f.region, sn))
        .collect();
    let mut facts = FunctionFacts {
        vpc_attached: Always(!f.subnet_ids.is_empty()),
        subnet_azs: Known::Is(distinct(azs.iter().copied())),
        on_failure_destinations: Known::Is(distinct(
            f.event_invoke_configs
                .iter()
                .filter_map(|c| c.on_failure_destination.as_deref()),
        )),
    };
    if let Some(missing) = f
        .subnet_ids
        .iter()
        .find(|sn| ctx.subnet_az(&f.region, sn).is_none())
    {
        facts.subnet_azs = Known::unknown(format!(
            "subnet {missing} is not in the EC2 subnet listing of {}, so its AZ is unknown",
            f.region
        ));
    }
    crate::unknown_if!(ctx.incomplete(Kind::Subnet, &f.region) => facts.subnet_azs);
    crate::unknown_if!(f.unreadable.get("event_invoke_configs") => facts.on_failure_destinations);
    Resource {
        kind: Kind::Function,
        id: Cow::Borrowed(&f.function_name),
        name: Some(Cow::Borrowed(&f.function_name)),
        arn: Cow::Borrowed(&f.function_arn),
        region: Cow::Borrowed(&f.region),
        source: Some(f),
        unreadable: Some(&f.unreadable),
        facts: Box::new(facts),
    }
}
