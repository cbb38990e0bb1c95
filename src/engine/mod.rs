//! The rule engine: loads rule files, compiles their CEL once, and judges every resource.

mod baseline;
mod celvalue;
mod evaluate;
mod examples;
mod finding;
mod loader;
mod message;
mod rule;
mod suppress;

pub use baseline::{diff, load_report, mark as mark_baseline, Diff, ReportFindings};
pub use celvalue::json_to_cel;
pub use evaluate::{evaluate, judge, resource_scope, Evaluation, Judgement};
pub use examples::{run_example, ExampleRun};
pub use finding::{Finding, Outcome, Summary};
pub use loader::{compile, load_builtin, load_dir, CompiledRule, RuleSet};
pub use message::render;
pub use rule::{Category, Example, Rule, Severity};
pub use suppress::{apply as apply_suppressions, Suppression};
