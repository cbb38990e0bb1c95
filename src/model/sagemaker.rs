//! SageMaker real-time endpoints: how many instances each production variant runs on, as its
//! endpoint configuration starts it and as it runs now.

use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::SageMakerEndpoint;
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of a SageMaker endpoint.
    pub struct EndpointFacts<'a> {
        /// `InService`, `Creating`, `Updating`, `Failed`, `OutOfService` ...
        pub endpoint_status: Known<&'a str>,
        /// The endpoint configuration it runs.
        pub endpoint_config_name: Known<&'a str>,
        /// Its production variants that run on instances (serverless variants are left out).
        pub instance_variants: Known<Vec<&'a str>>,
        /// How many of its production variants run on instances.
        pub instance_variant_count: Known<i64>,
        /// The smallest `InitialInstanceCount` of those variants in its endpoint configuration:
        /// what a variant returns to when the endpoint is updated or auto scaling scales in to
        /// the configured count.
        pub min_initial_instance_count: Known<i64>,
        /// The smallest number of instances one of those variants runs on now.
        pub min_current_instance_count: Known<i64>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for ep in &ctx.snapshot.sagemaker.endpoints {
        out.push(endpoint(ctx, ep));
    }
}

fn endpoint<'a>(ctx: &Ctx<'a>, ep: &'a SageMakerEndpoint) -> Resource<'a> {
    let running_why = ep.unreadable.get("variants");
    let config_why = ep.unreadable.get("config_variants");
    // A variant runs on instances unless the endpoint or its configuration says serverless.
    let serverless: BTreeSet<&str> = ep
        .variants
        .iter()
        .filter(|v| v.serverless)
        .map(|v| v.variant_name.as_str())
        .chain(
            ep.config_variants
                .iter()
                .filter(|v| v.serverless)
                .map(|v| v.variant_name.as_str()),
        )
        .collect();
    let names: BTreeSet<&str> = ep
        .variants
        .iter()
        .map(|v| v.variant_name.as_str())
        .chain(ep.config_variants.iter().map(|v| v.variant_name.as_str()))
        .filter(|n| !serverless.contains(n))
        .collect();
    let instance_variants: Known<Vec<&str>> = match (running_why, config_why) {
        (Some(why), Some(_)) => Known::unknown(why),
        _ => Known::Is(names.iter().copied().collect()),
    };
    let min_initial = match config_why {
        Some(why) => Known::unknown(why),
        None => min_count(names.iter().map(|n| {
            let count = ep
                .config_variants
                .iter()
                .find(|v| v.variant_name == *n)
                .and_then(|v| v.initial_instance_count);
            said(
                count,
                &format!(
                    "DescribeEndpointConfig returned no InitialInstanceCount for variant {n}"
                ),
            )
        })),
    };
    let min_current = match running_why {
        Some(why) => Known::unknown(why),
        None => min_count(names.iter().map(|n| {
            let count = ep
                .variants
                .iter()
                .find(|v| v.variant_name == *n)
                .and_then(|v| v.current_instance_count);
            said(
                count,
                &format!(
                    "DescribeEndpoint returned no CurrentInstanceCount for variant {n} \
                     (endpoint {})",
                    ep.endpoint_status.as_deref().unwrap_or("in an unknown status")
                ),
            )
        })),
    };
    let f = EndpointFacts {
        endpoint_status: said(
            ep.endpoint_status.as_deref(),
            "DescribeEndpoint returned no EndpointStatus",
        ),
        endpoint_config_name: said(
            ep.endpoint_config_name.as_deref(),
            "DescribeEndpoint returned no EndpointConfigName",
        ),
        instance_variant_count: match &instance_variants {
            Known::Is(v) => Known::Is(v.len() as i64),
            Known::Unknown(why) => Known::unknown(why),
        },
        instance_variants,
        min_initial_instance_count: min_initial,
        min_current_instance_count: min_current,
    };
    let arn = ctx.arn_or(&ep.arn, "sagemaker", &ep.region, "endpoint", &ep.endpoint_name);
    Resource {
        kind: Kind::SageMakerEndpoint,
        id: Cow::Borrowed(&ep.endpoint_name),
        name: Some(Cow::Borrowed(&ep.endpoint_name)),
        arn,
        region: Cow::Borrowed(&ep.region),
        source: Some(ep),
        unreadable: Some(&ep.unreadable),
        facts: Box::new(f),
    }
}

/// The smallest of the counts; unknown when one of them is (it could be the smallest), and
/// when there is none (no variant runs on instances: no rule reads it then).
fn min_count(counts: impl Iterator<Item = Known<i64>>) -> Known<i64> {
    let mut min: Option<i64> = None;
    for c in counts {
        match c {
            Known::Is(n) => min = Some(min.map_or(n, |m| m.min(n))),
            Known::Unknown(why) => return Known::Unknown(why),
        }
    }
    said(min, "the endpoint has no production variant on instances")
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn variant(name: &str, current: Option<i64>, serverless: bool) -> SageMakerVariant {
        SageMakerVariant {
            variant_name: name.into(),
            current_instance_count: current,
            serverless,
        }
    }

    fn config(name: &str, initial: Option<i64>, serverless: bool) -> SageMakerConfigVariant {
        SageMakerConfigVariant {
            variant_name: name.into(),
            instance_type: (!serverless).then(|| "ml.m5.large".into()),
            initial_instance_count: initial,
            serverless,
        }
    }

    #[test]
    fn counts_cover_the_variants_on_instances_and_serverless_ones_are_left_out() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        s.sagemaker.endpoints.push(SageMakerEndpoint {
            region: "r".into(),
            endpoint_name: "scaled".into(),
            endpoint_status: Some("InService".into()),
            endpoint_config_name: Some("cfg".into()),
            // Auto scaling added instances to a variant configured with one.
            variants: vec![variant("a", Some(3), false), variant("s", None, true)],
            config_variants: vec![config("a", Some(1), false), config("s", None, true)],
            ..Default::default()
        });
        s.sagemaker.endpoints.push(SageMakerEndpoint {
            region: "r".into(),
            endpoint_name: "serverless".into(),
            variants: vec![variant("s", None, true)],
            config_variants: vec![config("s", None, true)],
            ..Default::default()
        });
        let mut unread = Unreadable::new();
        unread.insert(
            "config_variants".into(),
            "DescribeEndpointConfig failed: AccessDeniedException".into(),
        );
        s.sagemaker.endpoints.push(SageMakerEndpoint {
            region: "r".into(),
            endpoint_name: "creating".into(),
            endpoint_status: Some("Creating".into()),
            variants: vec![variant("a", None, false), variant("b", Some(2), false)],
            unreadable: unread,
            ..Default::default()
        });
        let m = Model::build(&s);
        let scaled = find(&m, "sagemaker.endpoint", "scaled");
        assert_eq!(scaled.fields()["instance_variants"], json!(["a"]));
        assert_eq!(scaled.fields()["min_initial_instance_count"], json!(1));
        assert_eq!(scaled.fields()["min_current_instance_count"], json!(3));
        assert_eq!(scaled.arn, "arn:aws:sagemaker:r:111122223333:endpoint/scaled");
        let serverless = find(&m, "sagemaker.endpoint", "serverless");
        assert_eq!(serverless.fields()["instance_variant_count"], json!(0));
        let creating = find(&m, "sagemaker.endpoint", "creating");
        assert_eq!(creating.fields()["instance_variant_count"], json!(2));
        let unknown = creating.unknown();
        assert_eq!(
            unknown["min_initial_instance_count"],
            "DescribeEndpointConfig failed: AccessDeniedException"
        );
        assert_eq!(
            unknown["min_current_instance_count"],
            "DescribeEndpoint returned no CurrentInstanceCount for variant a (endpoint Creating)"
        );
    }
}
