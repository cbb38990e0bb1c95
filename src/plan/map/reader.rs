//! Reads one plan instance's attributes in one view: known values, unknown ones (noted with
//! the reason), provider defaults (noted as assumed) and links resolved to plan addresses.

use super::super::resolve::{Inst, Plan, Target};
use super::super::{defaults, View};
use crate::snapshot::Unreadable;
use serde_json::Value;
use std::collections::BTreeMap;
pub(super) struct Out {
    pub(super) unknown: Unreadable,
    pub(super) assumed: BTreeMap<String, String>,
}

/// Reads one instance's values in one view.
pub(super) struct Reader<'a, 'p> {
    pub(super) plan: &'a Plan<'p>,
    pub(super) inst: &'a Inst<'p>,
    pub(super) values: &'p Value,
    /// `after_unknown`, or null in the `before` view.
    pub(super) unknown_tree: &'p Value,
    /// Which values are sensitive in this view (blanked in the document).
    sensitive_tree: &'p Value,
    pub(super) out: Out,
}

pub(super) enum Got<'p> {
    Known(&'p Value),
    Unknown,
    Unset,
}

/// Whether a marks tree (`after_unknown`, `after_sensitive` ...) marks anything under it.
pub(super) fn any_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(a) => a.iter().any(any_true),
        Value::Object(o) => o.values().any(any_true),
        _ => false,
    }
}

impl<'a, 'p> Reader<'a, 'p> {
    pub(super) fn new(plan: &'a Plan<'p>, inst: &'a Inst<'p>, view: View) -> Reader<'a, 'p> {
        let (values, unknown_tree, sensitive_tree) = match view {
            View::After => (inst.after, inst.unknown, inst.after_sensitive),
            View::Before => (
                inst.before.unwrap_or(&Value::Null),
                &Value::Null,
                inst.before_sensitive,
            ),
        };
        Reader {
            plan,
            inst,
            values,
            unknown_tree,
            sensitive_tree,
            out: Out {
                unknown: Unreadable::new(),
                assumed: BTreeMap::new(),
            },
        }
    }

    pub(super) fn get(&self, attr: &str) -> Got<'p> {
        if self.sensitive(attr)
            || self.unknown_tree == &Value::Bool(true)
            || self.unknown_tree.get(attr).is_some_and(any_true)
        {
            return Got::Unknown;
        }
        match self.values.get(attr) {
            None | Some(Value::Null) => Got::Unset,
            Some(v) => Got::Known(v),
        }
    }

    /// Whether the configuration sets the attribute.
    pub(super) fn configured(&self, attr: &str) -> bool {
        self.plan.expression(self.inst, attr).is_some()
    }

    pub(super) fn mark(&mut self, field: &str, why: String) {
        self.out.unknown.entry(field.to_string()).or_insert(why);
    }

    /// Whether the plan marks the attribute, or part of it, as sensitive.
    pub(super) fn sensitive(&self, attr: &str) -> bool {
        self.sensitive_tree == &Value::Bool(true)
            || self.sensitive_tree.get(attr).is_some_and(any_true)
    }

    /// Why the attribute's value is not known: sensitive (never read), or known only after
    /// apply.
    pub(super) fn after_apply(&self, attr: &str) -> String {
        if self.sensitive(attr) {
            return format!(
                "sensitive in the plan ({}: {attr}), and ha-audit does not read sensitive values",
                self.inst.address
            );
        }
        format!("known only after apply ({}: {attr})", self.inst.address)
    }

    /// A scalar attribute: its value, or the provider's default (noted under `field`), or
    /// `None` when unknown (noted) or unset without a default.
    pub(super) fn scalar(&mut self, attr: &str, field: &str) -> Option<Value> {
        match self.get(attr) {
            Got::Known(v) => Some(v.clone()),
            Got::Unknown if self.configured(attr) || self.sensitive(attr) => {
                let why = self.after_apply(attr);
                self.mark(field, why);
                None
            }
            Got::Unknown | Got::Unset => self.assume(attr, field),
        }
    }

    /// The provider's default of an attribute the configuration does not set (a nested one
    /// as `block.attribute`), noted as assumed under `field`.
    pub(super) fn assume(&mut self, attr: &str, field: &str) -> Option<Value> {
        let d = defaults::of(&self.inst.rtype, attr)?;
        self.out.assumed.insert(
            field.to_string(),
            format!(
                "= {d}: `{attr}` is not set in the configuration of {}, so the provider's \
                 default applies",
                self.inst.address
            ),
        );
        Some(d)
    }

    /// A string of the first `block` (`destination[0].region`): its value (`None` when
    /// unset), or `Err` when it is known only after apply or sensitive. Other attributes of
    /// the block may be unknown.
    pub(super) fn nested_str(&self, block: &str, attr: &str) -> Result<Option<&'p str>, ()> {
        let u = self.unknown_tree;
        let unknown = u == &Value::Bool(true)
            || u.get(block) == Some(&Value::Bool(true))
            || u.get(block)
                .and_then(|b| b.get(0))
                .and_then(|b| b.get(attr))
                .is_some_and(any_true);
        if unknown || self.sensitive(block) {
            return Err(());
        }
        Ok(self
            .values
            .get(block)
            .and_then(|b| b.get(0))
            .and_then(|b| b.get(attr))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty()))
    }

    /// A string AWS picks at apply when the configuration leaves it out (an AZ): its value,
    /// or why it is unknown (noted under `field`).
    pub(super) fn decided(&mut self, attr: &str, field: &str) -> Result<String, String> {
        match self.get(attr) {
            Got::Known(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => {
                let why = self.after_apply(attr);
                self.mark(field, why.clone());
                Err(why)
            }
        }
    }

    /// Marks each of `fields` unknown for the same reason.
    pub(super) fn mark_all(&mut self, fields: &[&str], why: &str) {
        for f in fields {
            self.mark(f, why.to_string());
        }
    }

    pub(super) fn bool(&mut self, attr: &str, field: &str) -> bool {
        self.scalar(attr, field)
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    pub(super) fn int(&mut self, attr: &str, field: &str) -> Option<i64> {
        self.scalar(attr, field).and_then(|v| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        })
    }

    pub(super) fn string(&mut self, attr: &str, field: &str) -> Option<String> {
        self.scalar(attr, field).and_then(|v| match v {
            Value::String(s) if !s.is_empty() => Some(s),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    pub(super) fn strings(&mut self, attr: &str, field: &str) -> Vec<String> {
        match self.scalar(attr, field) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The first element of a nested block (`failover_routing_policy`), when known.
    pub(super) fn block(&mut self, attr: &str, field: &str) -> Option<&'p Value> {
        match self.get(attr) {
            Got::Known(Value::Array(a)) => a.first(),
            Got::Known(v @ Value::Object(_)) => Some(v),
            Got::Unknown => {
                let why = self.after_apply(attr);
                self.mark(field, why);
                None
            }
            _ => None,
        }
    }

    pub(super) fn literal(&self, s: &str) -> String {
        self.plan.by_real_id(s).unwrap_or(s).to_string()
    }

    pub(super) fn targets(&self, t: Vec<Target>) -> Vec<String> {
        t.into_iter()
            .map(|t| match t {
                // The model tells gateways apart by their id's prefix, as AWS writes them.
                Target::Instance(a) => match self.plan.instance(&a).map(|i| i.rtype.as_str()) {
                    Some("aws_internet_gateway") => format!("igw-{a}"),
                    Some("aws_egress_only_internet_gateway") => format!("eigw-{a}"),
                    Some("aws_vpn_gateway") => format!("vgw-{a}"),
                    Some("aws_vpc_endpoint") => format!("vpce-{a}"),
                    _ => a,
                },
                Target::Literal(s) => self.literal(&s),
            })
            .collect()
    }

    /// A link to other resources: the ids it names, resolved to plan addresses, or `None`
    /// (noted under `field`) when neither the plan nor the configuration tells.
    pub(super) fn links(&mut self, attr: &str, field: &str) -> Option<Vec<String>> {
        match self.get(attr) {
            Got::Known(v) => {
                let mut out = Vec::new();
                match v {
                    Value::String(s) if !s.is_empty() => out.push(self.literal(s)),
                    Value::Array(a) => {
                        out.extend(a.iter().filter_map(Value::as_str).map(|s| self.literal(s)))
                    }
                    _ => {}
                }
                Some(out)
            }
            Got::Unset if !self.configured(attr) => Some(Vec::new()),
            Got::Unset | Got::Unknown => match self.plan.resolve(self.inst, attr) {
                Ok(t) => Some(self.targets(t)),
                Err(why) => {
                    let why = format!(
                        "{}; the configuration does not resolve it: {why}",
                        self.after_apply(attr)
                    );
                    self.mark(field, why);
                    None
                }
            },
        }
    }

    /// Whether `attr` of any `block` element is unknown in `after_unknown`.
    fn nested_unknown(&self, block: &str, attr: &str) -> bool {
        match self.unknown_tree {
            Value::Bool(b) => *b,
            t => match t.get(block) {
                Some(Value::Bool(b)) => *b,
                Some(Value::Array(a)) => a.iter().any(|e| e.get(attr).is_some_and(any_true)),
                _ => false,
            },
        }
    }

    /// An attribute of the first element of a nested block (`health_check[0].interval`): its
    /// value, else the provider's default of `block.attr` (noted as assumed under `field`),
    /// or `None` when the configuration sets it to a value known only after apply (noted).
    pub(super) fn nested(&mut self, block: &str, attr: &str, field: &str) -> Option<Value> {
        // A sensitive block is blanked: its absence says nothing, and no default stands in.
        if self.sensitive(block) {
            let why = self.after_apply(block);
            self.mark(field, why);
            return None;
        }
        let set = self
            .plan
            .expression(self.inst, block)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .is_some_and(|b| b.get(attr).is_some());
        if self.nested_unknown(block, attr) && set {
            let why = self.after_apply(&format!("{block}.{attr}"));
            self.mark(field, why);
            return None;
        }
        let known = match self.values.get(block) {
            Some(Value::Array(a)) => a.first().and_then(|b| b.get(attr)),
            Some(v @ Value::Object(_)) => v.get(attr),
            _ => None,
        };
        match known {
            Some(v) if !v.is_null() && !self.nested_unknown(block, attr) => Some(v.clone()),
            _ => self.assume(&format!("{block}.{attr}"), field),
        }
    }

    /// [`Reader::nested`] as a boolean.
    pub(super) fn nested_bool(&mut self, block: &str, attr: &str, field: &str) -> Option<bool> {
        self.nested(block, attr, field).and_then(|v| v.as_bool())
    }

    /// [`Reader::nested`] as an integer.
    pub(super) fn nested_int(&mut self, block: &str, attr: &str, field: &str) -> Option<i64> {
        self.nested(block, attr, field).and_then(|v| v.as_i64())
    }

    /// A link set in every element of a nested block (`default_action[].target_group_arn`,
    /// `vpc_config[0].subnet_ids`): the ids it names, resolved to plan addresses, or `None`
    /// (noted under `field`) when neither the plan nor the configuration tells.
    pub(super) fn nested_links(
        &mut self,
        block: &str,
        attr: &str,
        field: &str,
    ) -> Option<Vec<String>> {
        let configured = self.plan.expression(self.inst, block).is_some();
        let known = match self.values.get(block) {
            Some(Value::Array(a)) if !self.nested_unknown(block, attr) => Some(a),
            _ => None,
        };
        if let Some(blocks) = known {
            let mut out = Vec::new();
            for b in blocks {
                match b.get(attr) {
                    Some(Value::String(s)) if !s.is_empty() => out.push(self.literal(s)),
                    Some(Value::Array(a)) => {
                        out.extend(a.iter().filter_map(Value::as_str).map(|s| self.literal(s)))
                    }
                    _ => {}
                }
            }
            return Some(out);
        }
        if !configured && !self.nested_unknown(block, attr) {
            return Some(Vec::new());
        }
        match self.plan.resolve_nested(self.inst, block, attr, None) {
            Ok(t) => Some(self.targets(t)),
            Err(why) => {
                let why = format!(
                    "{}; the configuration does not resolve it: {why}",
                    self.after_apply(&format!("{block}.{attr}"))
                );
                self.mark(field, why);
                None
            }
        }
    }

    /// A link to one resource. A configuration that names several (a whole list where one
    /// element is picked in a way the plan does not record) leaves it unknown: the first is
    /// never taken for it.
    pub(super) fn link(&mut self, attr: &str, field: &str) -> Option<Option<String>> {
        let mut l = self.links(attr, field)?;
        l.dedup();
        if l.len() > 1 {
            let why = format!(
                "{}; the configuration names {} resources for it ({}, ...) and the plan does not \
                 tell which one",
                self.after_apply(attr),
                l.len(),
                l[0]
            );
            self.mark(field, why);
            return None;
        }
        Some(l.into_iter().next())
    }

    pub(super) fn finish(self) -> Out {
        self.out
    }
}
