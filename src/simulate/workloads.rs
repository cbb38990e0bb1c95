//! Which components form a workload, by precedence: a workloads file (ARNs, CloudFormation
//! stacks, tags), the CloudFormation stack tag, then the closure of each entry point (DNS
//! record, CDN distribution, internet-facing load balancer) along its dependencies. What is
//! left that holds data or runs code becomes a workload of its own.

use super::build::Graph;
use super::graph::{Body, Node};
use crate::error::{Error, Result};
use crate::registry::Kind;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

const STACK_TAG: &str = "aws:cloudformation:stack-name";

/// A workloads file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default, rename = "workload")]
    pub workloads: Vec<SpecWorkload>,
}

/// One workload of the file: the resources it names, the stacks and the tags that pick
/// them, and required capacities that override what the account says.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecWorkload {
    pub id: String,
    #[serde(default)]
    pub arns: Vec<String>,
    #[serde(default)]
    pub stacks: Vec<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Component ARN -> units it needs to carry the load.
    #[serde(default)]
    pub required: BTreeMap<String, u32>,
}

impl Spec {
    pub fn load(path: &Path) -> Result<Spec> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Input {
            path: path.to_path_buf(),
            detail: format!("cannot read: {e}"),
        })?;
        let spec: Spec = toml::from_str(&text).map_err(|e| Error::Input {
            path: path.to_path_buf(),
            detail: format!(
                "not a workloads file ([[workload]] tables with id, arns, stacks, tags, required): {e}"
            ),
        })?;
        let mut seen = HashSet::new();
        for (i, w) in spec.workloads.iter().enumerate() {
            if w.id.trim().is_empty() {
                return Err(Error::Input {
                    path: path.to_path_buf(),
                    detail: format!("workload {}: `id` is empty", i + 1),
                });
            }
            if !seen.insert(w.id.as_str()) {
                return Err(Error::Input {
                    path: path.to_path_buf(),
                    detail: format!("workload `{}` is defined twice", w.id),
                });
            }
            if w.arns.is_empty() && w.stacks.is_empty() && w.tags.is_empty() {
                return Err(Error::Input {
                    path: path.to_path_buf(),
                    detail: format!(
                        "workload `{}` selects nothing: give arns, stacks or tags",
                        w.id
                    ),
                });
            }
        }
        Ok(spec)
    }
}

/// A workload: its components, and the ones nothing else in it depends on (where its
/// clients come in).
#[derive(Debug, Clone)]
pub struct Workload {
    pub id: String,
    pub defined_by: String,
    pub members: Vec<usize>,
    pub roots: Vec<usize>,
}

/// Everything `start` depends on, itself included, in a stable order.
fn closure(nodes: &[Node], start: &[usize]) -> Vec<usize> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<usize> = start.to_vec();
    while let Some(n) = stack.pop() {
        if seen.insert(n) {
            stack.extend(nodes[n].deps.iter().map(|d| d.to));
        }
    }
    seen.into_iter().collect()
}

fn roots(nodes: &[Node], members: &[usize]) -> Vec<usize> {
    let inside: HashSet<usize> = members.iter().copied().collect();
    let depended: HashSet<usize> = members
        .iter()
        .flat_map(|m| nodes[*m].deps.iter().map(|d| d.to))
        .filter(|t| inside.contains(t))
        .collect();
    let r: Vec<usize> = members
        .iter()
        .copied()
        .filter(|m| !depended.contains(m))
        .collect();
    // A loop of dependencies has no root: judge it from every member.
    if r.is_empty() {
        members.to_vec()
    } else {
        r
    }
}

/// Sets the required capacities a workloads file gives.
pub fn apply_required(graph: &mut Graph, spec: &Spec) {
    for w in &spec.workloads {
        for (arn, n) in &w.required {
            for node in graph.nodes.iter_mut().filter(|x| &x.arn == arn) {
                if let Body::Pool(p) = &mut node.body {
                    p.required = Some((*n, format!("workloads file ({})", w.id)));
                }
            }
        }
    }
}

pub fn discover(graph: &Graph, spec: Option<&Spec>) -> Vec<Workload> {
    let nodes = &graph.nodes;
    let mut out: Vec<Workload> = Vec::new();
    let mut claimed: HashSet<usize> = HashSet::new();
    let add = |out: &mut Vec<Workload>,
               claimed: &mut HashSet<usize>,
               id: String,
               by: String,
               start: Vec<usize>| {
        let members = closure(nodes, &start);
        claimed.extend(members.iter().copied());
        let roots = roots(nodes, &members);
        out.push(Workload {
            id,
            defined_by: by,
            members,
            roots,
        });
    };
    if let Some(spec) = spec {
        for w in &spec.workloads {
            let start: Vec<usize> = (0..nodes.len())
                .filter(|i| {
                    let n = &nodes[*i];
                    w.arns.contains(&n.arn)
                        || n.tags.is_some_and(|t| {
                            t.get(STACK_TAG).is_some_and(|s| w.stacks.contains(s))
                                || (!w.tags.is_empty()
                                    && w.tags.iter().all(|(k, v)| t.get(k) == Some(v)))
                        })
                })
                .collect();
            add(
                &mut out,
                &mut claimed,
                w.id.clone(),
                "workloads file".into(),
                start,
            );
        }
    }
    let mut stacks: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if claimed.contains(&i) {
            continue;
        }
        if let Some(stack) = n.tags.and_then(|t| t.get(STACK_TAG)) {
            stacks.entry(stack).or_default().push(i);
        }
    }
    for (stack, start) in stacks {
        add(
            &mut out,
            &mut claimed,
            format!("stack/{stack}"),
            format!("tag {STACK_TAG}={stack}"),
            start,
        );
    }
    // Entry points, outermost first: DNS names, then CDNs, then load balancers.
    for kind in [Kind::Record, Kind::Distribution, Kind::LoadBalancer] {
        for (i, n) in nodes.iter().enumerate() {
            if n.kind != kind || !n.entry || claimed.contains(&i) {
                continue;
            }
            let id = match kind {
                Kind::Record => n.name.clone().unwrap_or_else(|| n.id.clone()),
                _ => format!("{}/{}", short(kind), n.name.as_deref().unwrap_or(&n.id)),
            };
            add(
                &mut out,
                &mut claimed,
                id,
                format!("entry point ({})", kind.label()),
                vec![i],
            );
        }
    }
    // What is left that holds data or runs something.
    for (i, n) in nodes.iter().enumerate() {
        let runs = matches!(
            n.kind,
            Kind::AutoScalingGroup
                | Kind::EcsService
                | Kind::EksCluster
                | Kind::Function
                | Kind::LoadBalancer
                | Kind::Instance
        );
        if claimed.contains(&i) || !(n.stateful || runs) {
            continue;
        }
        let id = format!("{}/{}", short(n.kind), n.name.as_deref().unwrap_or(&n.id));
        add(&mut out, &mut claimed, id, "resource".into(), vec![i]);
    }
    // Ids are unique: the same name in two regions or accounts is told apart.
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for w in &out {
        *count.entry(w.id.clone()).or_default() += 1;
    }
    let mut taken: HashSet<String> = HashSet::new();
    for w in &mut out {
        if count[&w.id] > 1 {
            let n = &nodes[w.roots[0]];
            let mut id = match n.kind {
                Kind::Record => format!("{} {}", w.id, record_type(&n.id)),
                _ => format!("{} ({} {})", w.id, n.account, n.region),
            };
            let mut k = 2;
            while taken.contains(&id) {
                id = format!("{} #{k}", w.id);
                k += 1;
            }
            w.id = id;
        }
        taken.insert(w.id.clone());
    }
    out
}

/// The type of a record from its id (`<zone>/<name>/<type>[/<set>]`).
fn record_type(id: &str) -> &str {
    id.split('/').nth(2).unwrap_or("")
}

/// A short prefix for workload ids: `asg/web`, `rds/orders`.
fn short(kind: Kind) -> &'static str {
    match kind {
        Kind::AutoScalingGroup => "asg",
        Kind::EcsService => "ecs",
        Kind::EksCluster => "eks",
        Kind::Function => "lambda",
        Kind::LoadBalancer => "lb",
        Kind::Instance => "ec2",
        Kind::DbInstance | Kind::DbCluster => "rds",
        Kind::ReplicationGroup | Kind::CacheCluster => "cache",
        Kind::FileSystem => "efs",
        Kind::Table => "dynamodb",
        Kind::Bucket => "s3",
        Kind::Distribution => "cdn",
        _ => kind.key(),
    }
}
