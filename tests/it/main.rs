//! Every integration test of ha-audit, in one test crate so that the library and the AWS SDK
//! are linked once. Each module holds the tests of one subject; a test's name is its module
//! path (`moto_faults::fault_matrix`), and `cargo test --test it MODULE::` runs one module.
//!
//! The end-to-end modules (`moto_*`, `secrets`, and the live test of `scenario_monitoring`)
//! need `scripts/setup-moto`; the HTML report's need `scripts/setup-chromium`. Without them
//! they fail: they never skip. Each starts its own moto, so they run in parallel.

mod support;
mod terraform_plan;
mod terraform_plan_compute;
mod terraform_plan_data;
mod terraform_plan_gaps;
mod terraform_plan_storage;

mod baseline;
mod build_sharing;
mod ci_formats;
mod cli_fixtures;
mod compiled_engine;
mod config;
mod first_run;
mod fuzz_parsers;
mod html_report;
mod install_script;
mod moto_cache;
mod moto_containers;
mod moto_data;
mod moto_data_stores;
mod moto_demo;
mod moto_e2e;
mod moto_edge;
mod moto_edge_network;
mod moto_faults;
mod moto_harness;
mod moto_ml;
mod moto_network;
mod moto_org;
mod moto_rds_durability;
mod moto_safeguards;
mod moto_serverless;
mod moto_simulate;
mod moto_storage;
mod moto_streams;
mod org_offline;
mod resilience_score;
mod rule_catalogue;
mod scenario_cache;
mod scenario_containers;
mod scenario_data;
mod scenario_data_stores;
mod scenario_edge;
mod scenario_edge_network;
mod scenario_global;
mod scenario_ml;
mod scenario_monitoring;
mod scenario_network;
mod scenario_recovery;
mod scenario_safeguards;
mod scenario_serverless;
mod scenario_storage;
mod scenario_streams;
mod secrets;
mod simulate_cli;
