//! Code the integration tests share: running the real binary, reading its JSON reports, the
//! expected outcomes of the scenarios, a moto server per test, the seed scenarios under
//! `fixtures/moto/`, and a recording, fault-injecting proxy in front of moto.
//!
//! The benches include this module too (`#[path]`) and use only a part of it.
#![allow(dead_code)]

pub mod cbor;
pub mod cli;
pub mod emulator_gaps;
pub mod expected;
pub mod faults;
pub mod http;
pub mod live;
pub mod moto;
pub mod plan;
pub mod proxy;
pub mod report;
