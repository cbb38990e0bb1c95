//! S3 buckets with their versioning and replication: the resources of provider 4 and later
//! (`aws_s3_bucket_versioning`, `aws_s3_bucket_replication_configuration`, joined to their
//! bucket through `bucket`) and the inline `versioning` / `replication_configuration` blocks
//! of older providers. A replication destination's region is its bucket's, when that bucket
//! is in the plan.

use super::reader::*;
use super::*;

/// One replication rule as the configuration states it; its destination is a bucket of the
/// plan (by address) or a name, or why neither is known.
struct RuleIn {
    id: Option<String>,
    status: String,
    destination: Result<String, String>,
    account: Option<String>,
}

/// The replication facts a destination's region or versioning decides.
const CROSS: &[&str] = &["cross_region_replication", "cross_region_copy"];

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn s3(&mut self, instances: &[&Inst<'p>]) {
        let of = |t: &str| -> Vec<&Inst<'p>> {
            instances.iter().copied().filter(|i| i.rtype == t).collect()
        };
        let buckets = of("aws_s3_bucket");
        // Buckets by the name they are given: a resource may name its bucket by that constant.
        let names: Names = buckets
            .iter()
            .filter_map(|b| {
                let r = Reader::new(self.plan, b, self.view);
                let name = r.values.get("bucket").and_then(Value::as_str)?;
                Some((name.to_string(), b.address.clone()))
            })
            .collect();
        let regions: BTreeMap<String, String> = buckets
            .iter()
            .map(|b| (b.address.clone(), self.region(b)))
            .collect();
        // A resource whose bucket is not resolved may belong to any: (facts, why).
        let mut unresolved: Vec<(&[&str], String)> = Vec::new();
        let mut versioning: BTreeMap<String, Result<Option<String>, String>> = BTreeMap::new();
        for v in of("aws_s3_bucket_versioning") {
            let mut r = Reader::new(self.plan, v, self.view);
            let Some(b) = r
                .link("bucket", "bucket")
                .flatten()
                .map(|b| bucket_of(&names, b))
            else {
                let why = format!("the bucket of {} is not resolved", v.address);
                unresolved.push((&["versioning"], why));
                continue;
            };
            let status = match r.nested_str("versioning_configuration", "status") {
                Ok(Some(s)) => Ok((s != "Disabled").then(|| s.to_string())),
                _ => Err(r.after_apply("versioning_configuration.status")),
            };
            versioning.insert(b, status);
        }
        // An object lock configuration turns Object Lock on, for new and existing buckets.
        let mut locked: BTreeSet<String> = BTreeSet::new();
        for l in of("aws_s3_bucket_object_lock_configuration") {
            let mut r = Reader::new(self.plan, l, self.view);
            match r
                .link("bucket", "bucket")
                .flatten()
                .map(|b| bucket_of(&names, b))
            {
                Some(b) => {
                    locked.insert(b);
                }
                None => unresolved.push((
                    &["object_lock_enabled"],
                    format!("the bucket of {} is not resolved", l.address),
                )),
            }
        }
        let repl_facts: &[&str] = &[
            "replication_rules",
            "cross_region_replication",
            "cross_region_copy",
            "replication_missing_destinations",
            "replication_unversioned_destinations",
        ];
        let mut replication: BTreeMap<String, Result<Vec<RuleIn>, String>> = BTreeMap::new();
        for c in of("aws_s3_bucket_replication_configuration") {
            let mut r = Reader::new(self.plan, c, self.view);
            let Some(b) = r
                .link("bucket", "bucket")
                .flatten()
                .map(|b| bucket_of(&names, b))
            else {
                let why = format!("the bucket of {} is not resolved", c.address);
                unresolved.push((repl_facts, why));
                continue;
            };
            let rules = self.rules_of(
                &r,
                &names,
                "rule",
                r.values.get("rule"),
                r.unknown_tree.get("rule"),
                self.plan.expression(c, "rule"),
            );
            replication.insert(b, rules);
        }

        // The buckets, then what their replication tells of each other.
        let mut built = Vec::new();
        let mut versioning_unknown: BTreeMap<String, String> = BTreeMap::new();
        for i in &buckets {
            let region = regions[&i.address].clone();
            let mut r = Reader::new(self.plan, i, self.view);
            let object_lock_enabled = if locked.contains(&i.address) {
                Some(true)
            } else if let Some((_, why)) = unresolved
                .iter()
                .find(|(f, _)| f.contains(&"object_lock_enabled"))
            {
                r.mark("object_lock_enabled", why.clone());
                None
            } else if r.configured("object_lock_configuration") {
                // Older providers: `object_lock_configuration { object_lock_enabled = "Enabled" }`.
                match r.block("object_lock_configuration", "object_lock_enabled") {
                    Some(b) => Some(
                        b.get("object_lock_enabled").and_then(Value::as_str) == Some("Enabled"),
                    ),
                    None => {
                        let why = r.after_apply("object_lock_configuration.object_lock_enabled");
                        r.mark("object_lock_enabled", why);
                        None
                    }
                }
            } else {
                r.scalar("object_lock_enabled", "object_lock_enabled")
                    .and_then(|v| v.as_bool())
            };
            let status = match versioning.remove(&i.address) {
                Some(Ok(s)) => s,
                Some(Err(why)) => {
                    r.mark("versioning", why);
                    None
                }
                None => match unresolved.iter().find(|(f, _)| f.contains(&"versioning")) {
                    Some((_, why)) => {
                        r.mark("versioning", why.clone());
                        None
                    }
                    // The inline block of older providers, else versioning never enabled.
                    None => r
                        .nested_bool("versioning", "enabled", "versioning")
                        .and_then(|on| on.then(|| "Enabled".to_string())),
                },
            };
            if let Some(why) = r.out.unknown.get("versioning") {
                versioning_unknown.insert(i.address.clone(), why.clone());
            }
            let rules = match replication.remove(&i.address) {
                Some(rules) => Some(rules),
                None if r.configured("replication_configuration") => {
                    let block = r
                        .values
                        .get("replication_configuration")
                        .and_then(|b| b.get(0));
                    let unknown = r.unknown_tree.get("replication_configuration");
                    if unknown == Some(&Value::Bool(true))
                        || unknown.and_then(|u| u.get(0)) == Some(&Value::Bool(true))
                    {
                        Some(Err(r.after_apply("replication_configuration")))
                    } else {
                        let exprs = self
                            .plan
                            .expression(i, "replication_configuration")
                            .and_then(|e| e.get(0))
                            .and_then(|e| e.get("rules"));
                        Some(self.rules_of(
                            &r,
                            &names,
                            "replication_configuration.rules",
                            block.and_then(|b| b.get("rules")),
                            unknown.and_then(|u| u.get(0)).and_then(|u| u.get("rules")),
                            exprs,
                        ))
                    }
                }
                None => None,
            };
            if rules.is_none() {
                for (facts, why) in &unresolved {
                    for f in facts.iter().filter(|f| repl_facts.contains(f)) {
                        r.mark(f, why.clone());
                    }
                }
            }
            if region == UNKNOWN_REGION {
                let why = format!("the region of {} is not known from its provider", i.address);
                for f in CROSS {
                    r.mark(f, why.clone());
                }
            }
            built.push((*i, region, status, object_lock_enabled, rules, r.finish()));
        }

        for (i, region, versioning, object_lock_enabled, rules, mut out) in built {
            let mut mark = |f: &str, why: &str| {
                out.unknown
                    .entry(f.to_string())
                    .or_insert_with(|| why.to_string());
            };
            let replication = match rules {
                None => None,
                Some(Err(why)) => {
                    for f in repl_facts {
                        mark(f, &why);
                    }
                    None
                }
                Some(Ok(rules)) => {
                    let mut list = Vec::new();
                    for rule in rules {
                        let enabled = rule.status == "Enabled";
                        let dest = match rule.destination {
                            Ok(d) => d,
                            Err(why) => {
                                for f in repl_facts {
                                    mark(f, &why);
                                }
                                continue;
                            }
                        };
                        match regions.get(&dest) {
                            _ if !enabled => {}
                            None => {
                                let why = format!(
                                    "destination bucket {dest} is not in the plan, so its \
                                     region and versioning are unknown"
                                );
                                for f in CROSS.iter().chain(&[
                                    "replication_missing_destinations",
                                    "replication_unversioned_destinations",
                                ]) {
                                    mark(f, &why);
                                }
                            }
                            Some(r) if r == UNKNOWN_REGION => {
                                let why = format!(
                                    "the region of destination bucket {dest} is not known from \
                                     its provider"
                                );
                                for f in CROSS {
                                    mark(f, &why);
                                }
                            }
                            Some(_) => {
                                if let Some(why) = versioning_unknown.get(&dest) {
                                    mark(
                                        "replication_unversioned_destinations",
                                        &format!("the versioning of destination bucket {dest} is unknown: {why}"),
                                    );
                                }
                            }
                        }
                        list.push(ReplicationRule {
                            id: rule.id,
                            status: rule.status,
                            priority: None,
                            destination_bucket: dest,
                            destination_account: rule.account,
                            storage_class: None,
                        });
                    }
                    Some(Replication {
                        role: None,
                        rules: list,
                    })
                }
            };
            self.snap.s3.buckets.push(Bucket {
                name: i.address.clone(),
                arn: i.address.clone(),
                region: region.clone(),
                creation_date: None,
                versioning,
                mfa_delete: None,
                object_lock_enabled,
                replication,
                tags: tags(i.after),
                unreadable: Unreadable::new(),
            });
            self.entry(i, "s3.bucket", &region, out);
        }
    }

    /// The replication rules at `attr` of an instance (`values` and `unknown` are the rule
    /// lists of `after` and `after_unknown`, `exprs` the configuration's), each destination
    /// resolved to a bucket address or name; or why they are unknown.
    fn rules_of(
        &self,
        r: &Reader,
        names: &Names,
        attr: &str,
        values: Option<&Value>,
        unknown: Option<&Value>,
        exprs: Option<&Value>,
    ) -> Result<Vec<RuleIn>, String> {
        let root = attr.split('.').next().unwrap_or(attr);
        if unknown == Some(&Value::Bool(true)) || r.sensitive(root) {
            return Err(r.after_apply(attr));
        }
        let mut out = Vec::new();
        for (n, rule) in values
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let u = unknown.and_then(|u| u.get(n));
            if u.and_then(|u| u.get("status")).is_some_and(any_true) {
                return Err(r.after_apply(&format!("{attr}.status")));
            }
            let status = rule
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let dest = rule.get("destination").and_then(|d| d.get(0));
            let known = dest
                .and_then(|d| d.get("bucket"))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty());
            let destination = match known {
                Some(arn) => Ok(bucket_of(names, r.literal(arn))),
                None => {
                    let expr = exprs
                        .and_then(|e| e.get(n))
                        .and_then(|e| e.get("destination"))
                        .and_then(|e| e.get(0))
                        .and_then(|e| e.get("bucket"));
                    let field = format!("{attr}.destination.bucket");
                    match expr.map(|e| self.plan.resolve_expression(r.inst, e)) {
                        Some(Ok(t)) => r
                            .targets(t)
                            .into_iter()
                            .next()
                            .map(|b| bucket_of(names, b))
                            .ok_or_else(|| r.after_apply(&field)),
                        Some(Err(why)) => Err(format!(
                            "{}; the configuration does not resolve it: {why}",
                            r.after_apply(&field)
                        )),
                        None => Err(r.after_apply(&field)),
                    }
                }
            };
            out.push(RuleIn {
                id: rule.get("id").and_then(Value::as_str).map(str::to_string),
                status,
                destination,
                account: dest
                    .and_then(|d| d.get("account"))
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            });
        }
        Ok(out)
    }
}

/// Bucket addresses by the names the plan gives them.
type Names = HashMap<String, String>;

/// A bucket as the model names it: its address when it is a bucket of the plan (named by
/// address, name or ARN `arn:aws:s3:::name`), else its name.
fn bucket_of(names: &Names, s: String) -> String {
    let name = match s.strip_prefix("arn:") {
        Some(rest) => rest.rsplit(':').next().unwrap_or(rest).to_string(),
        None => s,
    };
    names.get(&name).cloned().unwrap_or(name)
}
