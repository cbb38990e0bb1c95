//! The rule engine: loads rule files, compiles their CEL once, and judges every resource.

mod baseline;
mod celvalue;
mod compiled;
pub mod coverage;
mod evaluate;
mod examples;
mod finding;
mod judgements;
mod loader;
mod message;
mod rule;
mod suppress;
pub mod worsen;

pub use baseline::{diff, failing_identities, mark as mark_baseline, Diff};
pub use celvalue::json_to_cel;
pub use evaluate::{evaluate, evaluate_interpreted, judge, resource_scope, Judgement};
pub use examples::{run_example, ExampleRun};
pub use finding::{Finding, Outcome, OwnedFinding, Summary};
pub use judgements::{Judged, Judgements, Row};
pub use loader::{compile, load_builtin, load_dir, CompiledRule, RuleSet};
pub use message::{render, render_with};
pub use rule::{Category, Example, FailOn, Rule, Severity};
pub use suppress::{apply as apply_suppressions, decide, Decision, Suppression, Target};
