//! The plan's resource instances and the links between them: every instance with its values
//! and the configuration block it comes from, and the resolution of a block's expression
//! (`references`) to the instances it names, across modules and `count`/`for_each`.

use super::kind_of;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// A JSON path and what is wrong there.
pub type Bad = (String, String);

/// An instance key of `count` (a number) or `for_each` (a string).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    fn of(v: &Value) -> Option<Key> {
        match v {
            Value::Number(n) => n.as_i64().map(Key::Int),
            Value::String(s) => Some(Key::Str(s.clone())),
            _ => None,
        }
    }
}

/// One step of a module path: the call's name and the instance key, if it has one.
pub type Step = (String, Option<Key>);

/// A resource instance of the post-apply (or prior) view.
#[derive(Debug)]
pub struct Inst<'p> {
    pub address: String,
    pub module: Vec<Step>,
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub index: Option<Key>,
    pub provider: String,
    /// `after` (or the prior state's values).
    pub after: &'p Value,
    /// `after_unknown` (null for the prior state: everything is known there).
    pub unknown: &'p Value,
    /// `change.before`, when the plan has it.
    pub before: Option<&'p Value>,
    /// Which values of `after` and `before` are sensitive (`after_sensitive`,
    /// `before_sensitive`, or a state's `sensitive_values`): they are blanked, and the reader
    /// says why they are unknown.
    pub after_sensitive: &'p Value,
    pub before_sensitive: &'p Value,
    /// `create`, `update`, `replace`, `no-op`, `read` or `existing`.
    pub action: &'static str,
    /// Where it is in the plan, for error messages.
    pub at: String,
}

static NULL: Value = Value::Null;

/// The plan, read once: its instances, the configuration, root variables and providers.
pub struct Plan<'p> {
    pub instances: Vec<Inst<'p>>,
    /// Instances that the post-apply view drops (deleted), kept for the `before` view.
    pub deleted: Vec<Inst<'p>>,
    /// Instances Terraform deferred to a later plan (`deferred_changes`, or an unknown
    /// `index`), with why: nothing of them is known, so their kind is incomplete in their
    /// region.
    pub deferred: Vec<(Inst<'p>, String)>,
    /// `complete: false` or `errored: true`: resources may be missing from the plan (it was
    /// made with `-target`, or stopped early), so no kind it maps is complete.
    pub incomplete: Option<String>,
    /// Address -> index into `instances`.
    by_address: HashMap<String, usize>,
    /// Configuration modules by module path of call names (root = empty).
    modules: HashMap<Vec<String>, &'p Map<String, Value>>,
    variables: Option<&'p Map<String, Value>>,
    pub provider_config: Option<&'p Map<String, Value>>,
    /// Known real ids and ARNs of instances -> their address, to join literal values.
    real_ids: HashMap<String, String>,
    /// (module instance, data, type, name) -> its instances, in `instances` order: a
    /// reference is resolved without going through every instance of the plan.
    blocks: HashMap<Block, Vec<usize>>,
    /// (parent module instance, call name) -> the keys of the call's instances, in the order
    /// first seen in `instances`.
    calls: HashMap<(Vec<Step>, String), Vec<Option<Key>>>,
}

/// A resource block in one module instance: (module instance, data, type, name).
type Block = (Vec<Step>, bool, String, String);

fn obj<'p>(v: &'p Value, at: &str) -> Result<&'p Map<String, Value>, Bad> {
    v.as_object().ok_or_else(|| {
        (
            at.to_string(),
            format!("expected an object, found {}", kind_of(v)),
        )
    })
}

fn arr<'p>(v: &'p Value, at: &str) -> Result<&'p Vec<Value>, Bad> {
    v.as_array().ok_or_else(|| {
        (
            at.to_string(),
            format!("expected an array, found {}", kind_of(v)),
        )
    })
}

fn string<'p>(m: &'p Map<String, Value>, key: &str, at: &str) -> Result<&'p str, Bad> {
    match m.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err((
            format!("{at}.{key}"),
            format!("expected a string, found {}", kind_of(other)),
        )),
        None => Err((format!("{at}.{key}"), "missing".to_string())),
    }
}

/// Parses a module address (`module.a["x"].module.b`) into its steps.
pub fn module_path(address: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = address;
    while !rest.is_empty() {
        rest = rest.strip_prefix("module.")?;
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = rest[..end].to_string();
        rest = &rest[end..];
        let mut key = None;
        if rest.starts_with('[') {
            let (k, after) = bracket_key(rest)?;
            key = Some(k);
            rest = after;
        }
        steps.push((name, key));
        if let Some(r) = rest.strip_prefix('.') {
            rest = r;
            if rest.is_empty() {
                return None;
            }
        } else if !rest.is_empty() {
            return None;
        }
    }
    Some(steps)
}

/// `[0]...` or `["k"]...` -> the key and what follows the `]`.
fn bracket_key(s: &str) -> Option<(Key, &str)> {
    let inner = s.strip_prefix('[')?;
    if inner.starts_with('"') {
        // A JSON string: find its end, honouring escapes.
        let mut escaped = false;
        for (i, c) in inner.char_indices().skip(1) {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                let key: String = serde_json::from_str(&inner[..=i]).ok()?;
                let after = inner[i + 1..].strip_prefix(']')?;
                return Some((Key::Str(key), after));
            }
        }
        None
    } else {
        let end = inner.find(']')?;
        let n = inner[..end].parse::<i64>().ok()?;
        Some((Key::Int(n), &inner[end + 1..]))
    }
}

fn step_text(steps: &[Step]) -> String {
    let mut out = String::new();
    for (name, key) in steps {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str("module.");
        out.push_str(name);
        if let Some(k) = key {
            out.push_str(&key_text(k));
        }
    }
    out
}

pub fn key_text(k: &Key) -> String {
    match k {
        Key::Int(i) => format!("[{i}]"),
        Key::Str(s) => format!("[{}]", Value::String(s.clone())),
    }
}

impl<'p> Plan<'p> {
    pub fn read(doc: &'p Value) -> Result<Plan<'p>, Bad> {
        let top = obj(doc, "$")?;
        let mut plan = Plan {
            instances: Vec::new(),
            deleted: Vec::new(),
            deferred: Vec::new(),
            incomplete: None,
            by_address: HashMap::new(),
            modules: HashMap::new(),
            variables: None,
            provider_config: None,
            real_ids: HashMap::new(),
            blocks: HashMap::new(),
            calls: HashMap::new(),
        };
        if let Some(v) = top.get("variables") {
            plan.variables = Some(obj(v, "$.variables")?);
        }
        if let Some(c) = top.get("configuration") {
            let c = obj(c, "$.configuration")?;
            if let Some(p) = c.get("provider_config") {
                plan.provider_config = Some(obj(p, "$.configuration.provider_config")?);
            }
            if let Some(root) = c.get("root_module") {
                plan.index_module(
                    obj(root, "$.configuration.root_module")?,
                    Vec::new(),
                    "$.configuration.root_module".into(),
                    0,
                )?;
            }
        }
        if let Some(changes) = top.get("resource_changes") {
            for (i, rc) in arr(changes, "$.resource_changes")?.iter().enumerate() {
                let at = format!("$.resource_changes[{i}]");
                plan.read_change(rc, at)?;
            }
        }
        if let Some(deferred) = top.get("deferred_changes") {
            for (i, d) in arr(deferred, "$.deferred_changes")?.iter().enumerate() {
                let at = format!("$.deferred_changes[{i}]");
                let d = obj(d, &at)?;
                let reason = d
                    .get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given");
                let rc = d.get("resource_change").ok_or_else(|| {
                    (
                        format!("{at}.resource_change"),
                        "missing: a deferred change names the resource it defers".to_string(),
                    )
                })?;
                if let Some(inst) = Self::change_inst(rc, format!("{at}.resource_change"), false)? {
                    plan.deferred.push((
                        inst,
                        format!("Terraform deferred it to a later plan ({reason})"),
                    ));
                }
            }
        }
        if top.get("errored") == Some(&Value::Bool(true)) {
            plan.incomplete = Some(
                "the plan errored (`errored: true`), so resources may be missing from it".into(),
            );
        } else if top.get("complete") == Some(&Value::Bool(false)) && plan.deferred.is_empty() {
            // Terraform marks a plan with deferred changes incomplete too: then the deferred
            // changes are what is missing, and they are named one by one.
            plan.incomplete = Some(
                "the plan is incomplete (`complete: false`, as -target makes it), so resources \
                 may be missing from it"
                    .into(),
            );
        }
        // Existing resources and data sources read while planning: what the changes do not
        // list is there before and after.
        if let Some(prior) = top.get("prior_state") {
            let prior = obj(prior, "$.prior_state")?;
            if let Some(values) = prior.get("values") {
                let values = obj(values, "$.prior_state.values")?;
                if let Some(root) = values.get("root_module") {
                    plan.read_values(root, "$.prior_state.values.root_module".into(), 0)?;
                }
            }
        }
        // Data sources read only at plan time may appear in planned_values alone.
        if let Some(pv) = top.get("planned_values") {
            let pv = obj(pv, "$.planned_values")?;
            if let Some(root) = pv.get("root_module") {
                plan.read_values(root, "$.planned_values.root_module".into(), 0)?;
            }
        }
        let mut seen_calls: std::collections::HashSet<(Vec<Step>, String, Option<Key>)> =
            std::collections::HashSet::new();
        for (n, o) in plan.instances.iter().enumerate() {
            plan.blocks
                .entry((o.module.clone(), o.data, o.rtype.clone(), o.name.clone()))
                .or_default()
                .push(n);
            for d in 0..o.module.len() {
                let (call, key) = &o.module[d];
                let parent = o.module[..d].to_vec();
                if seen_calls.insert((parent.clone(), call.clone(), key.clone())) {
                    plan.calls
                        .entry((parent, call.clone()))
                        .or_default()
                        .push(key.clone());
                }
            }
        }
        for inst in plan.instances.iter().chain(&plan.deleted) {
            for values in [Some(inst.after), inst.before].into_iter().flatten() {
                for key in ["id", "arn"] {
                    if let Some(Value::String(v)) = values.get(key) {
                        if !v.is_empty() {
                            plan.real_ids.insert(v.clone(), inst.address.clone());
                        }
                    }
                }
            }
        }
        Ok(plan)
    }

    fn index_module(
        &mut self,
        m: &'p Map<String, Value>,
        path: Vec<String>,
        at: String,
        depth: usize,
    ) -> Result<(), Bad> {
        if depth > 64 {
            return Err((at, "modules nested more than 64 deep".into()));
        }
        if let Some(calls) = m.get("module_calls") {
            let calls = obj(calls, &format!("{at}.module_calls"))?;
            for (name, call) in calls {
                let cat = format!("{at}.module_calls.{name}");
                let call = obj(call, &cat)?;
                if let Some(child) = call.get("module") {
                    let mut p = path.clone();
                    p.push(name.clone());
                    self.index_module(
                        obj(child, &format!("{cat}.module"))?,
                        p,
                        format!("{cat}.module"),
                        depth + 1,
                    )?;
                }
            }
        }
        self.modules.insert(path, m);
        Ok(())
    }

    fn read_change(&mut self, rc: &'p Value, at: String) -> Result<(), Bad> {
        let Some(inst) = Self::change_inst(rc, at, true)? else {
            return Ok(());
        };
        // An instance whose key is unknown (its count or for_each depends on something known
        // only after apply) is planned in a later round: nothing is known of it yet.
        if rc.get("index_unknown") == Some(&Value::Bool(true)) {
            self.deferred.push((
                inst,
                "its count or for_each is known only after apply (index_unknown)".into(),
            ));
            return Ok(());
        }
        if inst.action == "delete" {
            self.deleted.push(inst);
            return Ok(());
        }
        if self.by_address.contains_key(&inst.address) {
            return Ok(());
        }
        self.by_address
            .insert(inst.address.clone(), self.instances.len());
        self.instances.push(inst);
        Ok(())
    }

    /// The instance a `resource_changes` entry describes, or `None` for a deposed object.
    /// Not `strict`, a module address Terraform could not expand (`module.m[*]`, in a
    /// deferred change) is read as the root's.
    fn change_inst(rc: &'p Value, at: String, strict: bool) -> Result<Option<Inst<'p>>, Bad> {
        let rc = obj(rc, &at)?;
        let address = string(rc, "address", &at)?.to_string();
        let rtype = string(rc, "type", &at)?.to_string();
        let name = string(rc, "name", &at)?.to_string();
        let data = match rc.get("mode") {
            None => false,
            Some(Value::String(m)) => m == "data",
            Some(other) => {
                return Err((
                    format!("{at}.mode"),
                    format!("expected a string, found {}", kind_of(other)),
                ))
            }
        };
        let provider = string(rc, "provider_name", &at)?.to_string();
        let module = match rc.get("module_address") {
            None => Vec::new(),
            Some(Value::String(m)) if !strict => module_path(m).unwrap_or_default(),
            Some(Value::String(m)) => module_path(m).ok_or_else(|| {
                (
                    format!("{at}.module_address"),
                    format!("not a module address: {m:?}"),
                )
            })?,
            Some(other) => {
                return Err((
                    format!("{at}.module_address"),
                    format!("expected a string, found {}", kind_of(other)),
                ))
            }
        };
        // A deposed object is the old half of a replacement: the new one is listed too.
        if rc.get("deposed").is_some_and(|d| !d.is_null()) {
            return Ok(None);
        }
        let change = obj(rc.get("change").unwrap_or(&NULL), &format!("{at}.change"))?;
        let actions: Vec<&str> = arr(
            change.get("actions").unwrap_or(&NULL),
            &format!("{at}.change.actions"),
        )?
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.as_str().ok_or_else(|| {
                (
                    format!("{at}.change.actions[{i}]"),
                    format!("expected a string, found {}", kind_of(a)),
                )
            })
        })
        .collect::<Result<_, _>>()?;
        let has = |a: &str| actions.contains(&a);
        let action = if has("delete") && has("create") {
            "replace"
        } else if has("delete") || has("forget") {
            "delete"
        } else if has("create") {
            "create"
        } else if has("update") {
            "update"
        } else if has("read") {
            "read"
        } else {
            "no-op"
        };
        let before = change.get("before").filter(|b| !b.is_null());
        let after = change.get("after").unwrap_or(&NULL);
        if action != "delete" && !after.is_null() && !after.is_object() {
            return Err((
                format!("{at}.change.after"),
                format!("expected an object, found {}", kind_of(after)),
            ));
        }
        if let Some(b) = before {
            obj(b, &format!("{at}.change.before"))?;
        }
        let after_sensitive = change.get("after_sensitive").unwrap_or(&NULL);
        let before_sensitive = change.get("before_sensitive").unwrap_or(&NULL);
        let unknown = change.get("after_unknown").unwrap_or(&NULL);
        if !unknown.is_null() && !unknown.is_object() && unknown != &Value::Bool(false) {
            // `true` means the whole object is unknown: kept as is, every field unknown.
            if unknown != &Value::Bool(true) {
                return Err((
                    format!("{at}.change.after_unknown"),
                    format!("expected an object, found {}", kind_of(unknown)),
                ));
            }
        }
        let index = match rc.get("index") {
            None | Some(Value::Null) => None,
            Some(v) => Some(Key::of(v).ok_or_else(|| {
                (
                    format!("{at}.index"),
                    format!("expected a number or a string, found {}", kind_of(v)),
                )
            })?),
        };
        Ok(Some(Inst {
            address,
            module,
            data,
            rtype,
            name,
            index,
            provider,
            after,
            unknown,
            before,
            after_sensitive,
            before_sensitive,
            action,
            at,
        }))
    }

    fn read_values(&mut self, m: &'p Value, at: String, depth: usize) -> Result<(), Bad> {
        if depth > 64 {
            return Err((at, "modules nested more than 64 deep".into()));
        }
        let m = obj(m, &at)?;
        let module = match m.get("address") {
            None => Vec::new(),
            Some(Value::String(a)) => module_path(a).ok_or_else(|| {
                (
                    format!("{at}.address"),
                    format!("not a module address: {a:?}"),
                )
            })?,
            Some(other) => {
                return Err((
                    format!("{at}.address"),
                    format!("expected a string, found {}", kind_of(other)),
                ))
            }
        };
        if let Some(rs) = m.get("resources") {
            for (i, r) in arr(rs, &format!("{at}.resources"))?.iter().enumerate() {
                let rat = format!("{at}.resources[{i}]");
                let r = obj(r, &rat)?;
                let address = string(r, "address", &rat)?.to_string();
                if self.by_address.contains_key(&address)
                    || self.deleted.iter().any(|d| d.address == address)
                {
                    continue;
                }
                let values = r.get("values").unwrap_or(&NULL);
                if !values.is_null() {
                    obj(values, &format!("{rat}.values"))?;
                }
                let index = match r.get("index") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(Key::of(v).ok_or_else(|| {
                        (
                            format!("{rat}.index"),
                            format!("expected a number or a string, found {}", kind_of(v)),
                        )
                    })?),
                };
                let data = r.get("mode").and_then(Value::as_str) == Some("data");
                let inst = Inst {
                    address: address.clone(),
                    module: module.clone(),
                    data,
                    rtype: string(r, "type", &rat)?.to_string(),
                    name: string(r, "name", &rat)?.to_string(),
                    index,
                    provider: string(r, "provider_name", &rat)?.to_string(),
                    after: values,
                    unknown: &NULL,
                    before: Some(values).filter(|v| !v.is_null()),
                    after_sensitive: r.get("sensitive_values").unwrap_or(&NULL),
                    before_sensitive: r.get("sensitive_values").unwrap_or(&NULL),
                    action: if data { "read" } else { "existing" },
                    at: rat,
                };
                self.by_address.insert(address, self.instances.len());
                self.instances.push(inst);
            }
        }
        if let Some(children) = m.get("child_modules") {
            for (i, c) in arr(children, &format!("{at}.child_modules"))?
                .iter()
                .enumerate()
            {
                self.read_values(c, format!("{at}.child_modules[{i}]"), depth + 1)?;
            }
        }
        Ok(())
    }

    /// The configuration block of an instance.
    pub fn block(&self, inst: &Inst) -> Option<&'p Map<String, Value>> {
        let path: Vec<String> = inst.module.iter().map(|(n, _)| n.clone()).collect();
        let module = self.modules.get(&path)?;
        let wanted = if inst.data {
            format!("data.{}.{}", inst.rtype, inst.name)
        } else {
            format!("{}.{}", inst.rtype, inst.name)
        };
        module
            .get("resources")?
            .as_array()?
            .iter()
            .filter_map(Value::as_object)
            .find(|r| r.get("address").and_then(Value::as_str) == Some(wanted.as_str()))
    }

    /// The expression of an attribute in an instance's configuration block.
    pub fn expression(&self, inst: &Inst, attr: &str) -> Option<&'p Value> {
        self.block(inst)?.get("expressions")?.get(attr)
    }

    /// The provider configuration key of an instance's block.
    pub fn provider_key(&self, inst: &Inst) -> Option<&'p str> {
        self.block(inst)?.get("provider_config_key")?.as_str()
    }

    /// A root variable's value.
    pub fn root_variable(&self, name: &str) -> Option<&'p Value> {
        self.variables?.get(name)?.get("value")
    }

    pub fn instance(&self, address: &str) -> Option<&Inst<'p>> {
        self.by_address.get(address).map(|&i| &self.instances[i])
    }

    /// The address of the instance whose known id or ARN is `value`.
    pub fn by_real_id(&self, value: &str) -> Option<&str> {
        self.real_ids.get(value).map(String::as_str)
    }

    /// What an attribute's expression refers to: instance addresses and literal values.
    /// `Err` says why the link cannot be resolved; it is never guessed.
    pub fn resolve(&self, inst: &Inst, attr: &str) -> Result<Vec<Target>, String> {
        let Some(expr) = self.expression(inst, attr) else {
            return Err(format!("`{attr}` has no expression in the configuration"));
        };
        let keys: Vec<Option<Key>> = self.sibling_keys(inst);
        let ctx = Scope {
            module: inst.module.clone(),
            index: inst.index.clone(),
            sibling_keys: keys,
        };
        self.resolve_expr(expr, &ctx, 0)
    }

    /// What an expression of an instance's configuration refers to, wherever it is nested
    /// (`rule[0].destination[0].bucket`).
    pub fn resolve_expression(&self, inst: &Inst, expr: &Value) -> Result<Vec<Target>, String> {
        let ctx = Scope {
            module: inst.module.clone(),
            index: inst.index.clone(),
            sibling_keys: self.sibling_keys(inst),
        };
        self.resolve_expr(expr, &ctx, 0)
    }

    /// What an attribute of a nested block refers to (`subnet_mapping[].subnet_id`): every
    /// block's expression, or only the blocks whose `match_attr` is the constant `match_value`.
    pub fn resolve_nested(
        &self,
        inst: &Inst,
        block: &str,
        attr: &str,
        matching: Option<(&str, &Value)>,
    ) -> Result<Vec<Target>, String> {
        let Some(blocks) = self.expression(inst, block).and_then(Value::as_array) else {
            return Err(format!("`{block}` has no blocks in the configuration"));
        };
        let ctx = Scope {
            module: inst.module.clone(),
            index: inst.index.clone(),
            sibling_keys: self.sibling_keys(inst),
        };
        let mut out = Vec::new();
        let mut found = false;
        for b in blocks {
            if let Some((k, want)) = matching {
                let constant = b.get(k).and_then(|e| e.get("constant_value"));
                match constant {
                    Some(c) if c == want => {}
                    Some(_) => continue,
                    None => {
                        return Err(format!(
                            "`{block}.{k}` is not a constant in the configuration"
                        ))
                    }
                }
            }
            if let Some(e) = b.get(attr) {
                found = true;
                out.extend(self.resolve_expr(e, &ctx, 0)?);
            }
        }
        if !found {
            return Err(format!(
                "no `{block}` block sets `{attr}` in the configuration"
            ));
        }
        Ok(out)
    }

    /// What an attribute inside nested blocks refers to, `path` naming the blocks from the
    /// outermost and the attribute last (`destination_config`, `on_failure`, `destination`):
    /// the expressions of every block on the way.
    pub fn resolve_path(&self, inst: &Inst, path: &[&str]) -> Result<Vec<Target>, String> {
        let (first, rest) = path.split_first().ok_or("an empty path")?;
        let mut exprs: Vec<&Value> = self.expression(inst, first).into_iter().collect();
        for step in rest {
            exprs = exprs
                .iter()
                .filter_map(|e| e.as_array())
                .flatten()
                .filter_map(|b| b.get(*step))
                .collect();
        }
        if exprs.is_empty() {
            return Err(format!(
                "`{}` is not set in the configuration",
                path.join(".")
            ));
        }
        let ctx = Scope {
            module: inst.module.clone(),
            index: inst.index.clone(),
            sibling_keys: self.sibling_keys(inst),
        };
        let mut out = Vec::new();
        for e in exprs {
            out.extend(self.resolve_expr(e, &ctx, 0)?);
        }
        Ok(out)
    }

    /// The instances of a block in a module instance.
    fn instances_of(&self, module: &[Step], data: bool, rtype: &str, name: &str) -> Vec<&Inst<'p>> {
        let key = (module.to_vec(), data, rtype.to_string(), name.to_string());
        self.blocks
            .get(&key)
            .map(|is| is.iter().map(|&i| &self.instances[i]).collect())
            .unwrap_or_default()
    }

    fn sibling_keys(&self, inst: &Inst) -> Vec<Option<Key>> {
        self.instances_of(&inst.module, inst.data, &inst.rtype, &inst.name)
            .into_iter()
            .map(|o| o.index.clone())
            .collect()
    }

    fn resolve_expr(&self, expr: &Value, ctx: &Scope, depth: usize) -> Result<Vec<Target>, String> {
        if depth > 32 {
            return Err("references nested more than 32 deep".into());
        }
        let Some(expr) = expr.as_object() else {
            // A nested block's expressions come as an array of objects; links are read from
            // the attribute's own expression only.
            return Err("a nested block, not an expression".into());
        };
        if let Some(c) = expr.get("constant_value") {
            return Ok(literals(c));
        }
        let Some(refs) = expr.get("references").and_then(Value::as_array) else {
            return Err("the expression has neither a constant value nor references".into());
        };
        let refs: Vec<&str> = refs.iter().filter_map(Value::as_str).collect();
        let mut pairs = false;
        let mut resources: BTreeMap<(bool, String, String), Vec<Key>> = BTreeMap::new();
        let mut outputs: BTreeMap<(String, Option<Key>), Vec<String>> = BTreeMap::new();
        let mut vars: Vec<String> = Vec::new();
        for r in &refs {
            let parts = split_ref(r);
            let Some(first) = parts.first() else { continue };
            match first.0.as_str() {
                "count" | "each" => pairs = true,
                "path" | "terraform" | "self" => {}
                "local" => {
                    return Err(format!(
                        "it refers to `{r}`, a local value, which the plan does not record"
                    ))
                }
                "var" => {
                    if let Some((n, _)) = parts.get(1) {
                        if !vars.contains(n) {
                            vars.push(n.clone());
                        }
                    }
                }
                "module" => {
                    let Some((m, key)) = parts.get(1) else {
                        continue;
                    };
                    let entry = outputs.entry((m.clone(), key.clone())).or_default();
                    if let Some((out, _)) = parts.get(2) {
                        if !entry.contains(out) {
                            entry.push(out.clone());
                        }
                    }
                }
                "data" => {
                    let (Some((t, _)), Some((n, key))) = (parts.get(1), parts.get(2)) else {
                        continue;
                    };
                    let e = resources.entry((true, t.clone(), n.clone())).or_default();
                    if let Some(k) = key {
                        if !e.contains(k) {
                            e.push(k.clone());
                        }
                    }
                }
                t => {
                    let Some((n, key)) = parts.get(1) else {
                        continue;
                    };
                    let e = resources
                        .entry((false, t.to_string(), n.clone()))
                        .or_default();
                    if let Some(k) = key {
                        if !e.contains(k) {
                            e.push(k.clone());
                        }
                    }
                }
            }
        }
        // Terraform adds the bare call (`module.vpc`) to every output reference; a call
        // referred to with no output named (`module.nat[each.key].id`) is not resolvable.
        if let Some(((m, _), _)) = outputs.iter().find(|(_, outs)| outs.is_empty()) {
            let named = outputs
                .iter()
                .any(|((n, _), outs)| n == m && !outs.is_empty());
            if !named {
                return Err(format!(
                    "it refers to `module.{m}` through an index or expression the plan does not record"
                ));
            }
        }
        outputs.retain(|_, outs| !outs.is_empty());
        let sources = resources.len() + outputs.len() + vars.len();
        let mut out = Vec::new();
        for ((data, t, n), keys) in &resources {
            let all: Vec<&Inst> = self.instances_of(&ctx.module, *data, t, n);
            let label = if *data {
                format!("data.{t}.{n}")
            } else {
                format!("{t}.{n}")
            };
            if all.is_empty() {
                return Err(format!("`{label}` is not in the plan"));
            }
            let chosen: Vec<&Inst> = if !keys.is_empty() {
                let picked: Vec<&Inst> = all
                    .iter()
                    .copied()
                    .filter(|o| o.index.as_ref().is_some_and(|k| keys.contains(k)))
                    .collect();
                if picked.len() != keys.len() {
                    return Err(format!(
                        "an instance of `{label}` it names is not in the plan"
                    ));
                }
                picked
            } else if pairs {
                // `count.index` / `each` pick one instance per instance of the referring block:
                // certain only when both have the same keys and nothing else chooses.
                let target_keys: Vec<Option<Key>> = all.iter().map(|o| o.index.clone()).collect();
                if all.len() == 1 {
                    all
                } else if sources == 1
                    && same_keys(&target_keys, &ctx.sibling_keys)
                    && ctx.index.is_some()
                {
                    all.into_iter().filter(|o| o.index == ctx.index).collect()
                } else {
                    return Err(format!(
                        "it picks one of the {} instances of `{label}` by `count.index` or `each`, \
                         and which one is not certain from the plan",
                        all.len()
                    ));
                }
            } else {
                all
            };
            out.extend(
                chosen
                    .into_iter()
                    .map(|o| Target::Instance(o.address.clone())),
            );
        }
        for ((m, key), outs) in &outputs {
            let mut calls: Vec<Vec<Step>> = Vec::new();
            match key {
                Some(k) => {
                    let mut p = ctx.module.clone();
                    p.push((m.clone(), Some(k.clone())));
                    calls.push(p);
                }
                None => {
                    // Every instance of the call (one when it has no count or for_each).
                    for k in self.call_keys(&ctx.module, m) {
                        let mut p = ctx.module.clone();
                        p.push((m.clone(), k));
                        calls.push(p);
                    }
                    if calls.is_empty() {
                        let mut p = ctx.module.clone();
                        p.push((m.clone(), None));
                        calls.push(p);
                    }
                    if pairs && calls.len() > 1 {
                        return Err(format!("it picks one instance of `module.{m}` by `count.index` or `each`, and which one is not certain from the plan"));
                    }
                }
            }
            let names: Vec<String> = ctx
                .module
                .iter()
                .map(|(n, _)| n.clone())
                .chain([m.clone()])
                .collect();
            let Some(child) = self.modules.get(&names) else {
                return Err(format!("`module.{m}` is not in the configuration"));
            };
            for out_name in outs {
                let Some(expr) = child
                    .get("outputs")
                    .and_then(|o| o.get(out_name))
                    .and_then(|o| o.get("expression"))
                else {
                    return Err(format!(
                        "output `{out_name}` of `module.{m}` is not in the configuration"
                    ));
                };
                for call in &calls {
                    let inner = Scope {
                        module: call.clone(),
                        index: None,
                        sibling_keys: Vec::new(),
                    };
                    let got = self.resolve_expr(expr, &inner, depth + 1).map_err(|e| {
                        format!("through output `{out_name}` of `{}`: {e}", step_text(call))
                    })?;
                    if pairs {
                        // `module.vpc.private_subnets[count.index]`: one element of the
                        // output per instance of the referring block.
                        out.push(self.pick_by_key(got, ctx, sources, out_name, m)?);
                    } else {
                        out.extend(got);
                    }
                }
            }
        }
        for v in &vars {
            let v = v.as_str();
            if ctx.module.is_empty() {
                let Some(value) = self.root_variable(v) else {
                    return Err(format!("root variable `var.{v}` has no value in the plan"));
                };
                if pairs {
                    return Err(format!(
                        "it picks an element of `var.{v}` by `count.index` or `each`"
                    ));
                }
                out.extend(literals(value));
                continue;
            }
            let parent: Vec<Step> = ctx.module[..ctx.module.len() - 1].to_vec();
            let (call_name, call_key) = ctx.module[ctx.module.len() - 1].clone();
            let parent_names: Vec<String> = parent.iter().map(|(n, _)| n.clone()).collect();
            let call = self
                .modules
                .get(&parent_names)
                .and_then(|p| p.get("module_calls"))
                .and_then(|c| c.get(&call_name));
            let expr = call
                .and_then(|c| c.get("expressions"))
                .and_then(|e| e.get(v));
            let value = match expr {
                Some(e) => {
                    if pairs {
                        return Err(format!(
                            "it picks an element of `var.{v}` by `count.index` or `each`"
                        ));
                    }
                    let outer = Scope {
                        module: parent.clone(),
                        index: call_key.clone(),
                        sibling_keys: self.call_keys(&parent, &call_name),
                    };
                    self.resolve_expr(e, &outer, depth + 1)
                        .map_err(|e| format!("through `var.{v}` of `module.{call_name}`: {e}"))?
                }
                None => {
                    let names: Vec<String> = ctx.module.iter().map(|(n, _)| n.clone()).collect();
                    let default = self
                        .modules
                        .get(&names)
                        .and_then(|m| m.get("variables"))
                        .and_then(|vs| vs.get(v))
                        .and_then(|d| d.get("default"));
                    match default {
                        Some(d) if !pairs => literals(d),
                        _ => {
                            return Err(format!(
                                "`var.{v}` of `module.{call_name}` is not set by its call"
                            ))
                        }
                    }
                }
            };
            out.extend(value);
        }
        Ok(out)
    }

    /// The element of an output's instances that `count.index` or `each` picks for the
    /// referring instance: certain only when the output is the instances of one block, their
    /// keys are the referring block's, and nothing else in the expression chooses.
    fn pick_by_key(
        &self,
        got: Vec<Target>,
        ctx: &Scope,
        sources: usize,
        out_name: &str,
        m: &str,
    ) -> Result<Target, String> {
        let keys: Option<Vec<Option<Key>>> = got
            .iter()
            .map(|t| match t {
                Target::Instance(a) => self.instance(a).map(|i| i.index.clone()),
                Target::Literal(_) => None,
            })
            .collect();
        let uncertain = || {
            format!(
                "it picks one of the {} elements of output `{out_name}` of `module.{m}` by \
                 `count.index` or `each`, and which one is not certain from the plan",
                got.len()
            )
        };
        if got.len() == 1 {
            return Ok(got[0].clone());
        }
        let Some(keys) = keys else {
            return Err(uncertain());
        };
        if sources != 1 || ctx.index.is_none() || !same_keys(&keys, &ctx.sibling_keys) {
            return Err(uncertain());
        }
        let at = keys
            .iter()
            .position(|k| *k == ctx.index)
            .ok_or_else(uncertain)?;
        Ok(got[at].clone())
    }

    /// The instance keys of a module call (from the instances inside it).
    fn call_keys(&self, parent: &[Step], call: &str) -> Vec<Option<Key>> {
        self.calls
            .get(&(parent.to_vec(), call.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// Where an expression is read: its module instance, and the instance key of the block.
struct Scope {
    module: Vec<Step>,
    index: Option<Key>,
    /// The keys of every instance of the referring block.
    sibling_keys: Vec<Option<Key>>,
}

fn same_keys(a: &[Option<Key>], b: &[Option<Key>]) -> bool {
    let mut a: Vec<&Option<Key>> = a.iter().collect();
    let mut b: Vec<&Option<Key>> = b.iter().collect();
    a.sort();
    b.sort();
    a == b
}

/// What a link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A resource instance of the plan, by address.
    Instance(String),
    /// A literal value (an id given as text, a variable's value).
    Literal(String),
}

fn literals(v: &Value) -> Vec<Target> {
    match v {
        Value::String(s) => vec![Target::Literal(s.clone())],
        Value::Array(a) => a.iter().flat_map(literals).collect(),
        _ => Vec::new(),
    }
}

/// Splits a reference (`module.vpc["a"].private_subnets`, `aws_subnet.a[0].id`) into its
/// names, each with the instance key that follows it.
fn split_ref(r: &str) -> Vec<(String, Option<Key>)> {
    let mut out = Vec::new();
    let mut rest = r;
    while !rest.is_empty() {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = rest[..end].to_string();
        rest = &rest[end..];
        let mut key = None;
        if rest.starts_with('[') {
            match bracket_key(rest) {
                Some((k, after)) => {
                    key = Some(k);
                    rest = after;
                }
                // An index that is not a literal (`[count.index]` is never recorded so).
                None => {
                    out.push((name, None));
                    break;
                }
            }
        }
        out.push((name, key));
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_addresses_with_keys_parse() {
        assert_eq!(
            module_path(r#"module.a["x.y]"].module.b[2]"#),
            Some(vec![
                ("a".into(), Some(Key::Str("x.y]".into()))),
                ("b".into(), Some(Key::Int(2)))
            ])
        );
        assert_eq!(module_path("module.a."), None);
        assert_eq!(module_path("aws_subnet.a"), None);
    }

    #[test]
    fn references_split_into_names_and_keys() {
        assert_eq!(
            split_ref(r#"aws_subnet.a["k"].id"#),
            vec![
                ("aws_subnet".into(), None),
                ("a".into(), Some(Key::Str("k".into()))),
                ("id".into(), None)
            ]
        );
    }
}
