//! `cargo build` and `cargo test` share every compiled dependency.
//!
//! Cargo compiles a crate once per feature set. When a dev-dependency switches on a feature of
//! a crate the binary also uses, `cargo test` and `cargo build` each compile their own copy of
//! it and of everything above it: with serde or hashbrown that is every AWS SDK crate, and the
//! README's `cargo run` after `scripts/test` rebuilt dependencies for many minutes. Cargo.toml
//! pins those features on the normal dependencies; this test fails when a dependency update
//! brings a new difference, and names the crate and the features to add.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each package of the dependency graph with the feature sets it is compiled with.
fn features(edges: &str) -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "--locked", "--offline", "--prefix", "none"])
        .args(["--edges", edges, "--format", "{p}|{f}"])
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree --edges {edges} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        // Feature nodes (`serde feature "derive"`) have no `|`; package nodes do.
        let Some((package, features)) = line.split_once('|') else {
            continue;
        };
        // `(*)` marks a package already listed; it is the same compilation.
        let features = features.trim_end_matches(" (*)").to_string();
        map.entry(package.trim_end_matches(" (*)").to_string())
            .or_default()
            .insert(features);
    }
    map
}

#[test]
fn normal_and_test_builds_resolve_the_same_features() {
    let normal = features("normal,build,features");
    let with_dev = features("normal,build,dev,features");
    assert!(
        normal.keys().any(|p| p.starts_with("aws-sdk-ec2 ")),
        "the normal graph lists the SDK crates: {:?}",
        normal.keys().take(5).collect::<Vec<_>>()
    );
    let differing: Vec<String> = normal
        .iter()
        .filter(|(package, _)| !package.starts_with("ha-audit "))
        .filter_map(|(package, sets)| {
            let test_sets = with_dev.get(package)?;
            (test_sets != sets)
                .then(|| format!("{package}: cargo build {sets:?}, cargo test {test_sets:?}"))
        })
        .collect();
    assert!(
        differing.is_empty(),
        "these crates would be compiled twice, once for `cargo build` and once for `cargo \
         test`; enable the test build's features on a normal dependency in Cargo.toml:\n{}",
        differing.join("\n")
    );
}
