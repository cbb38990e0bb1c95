//! Test-support code shared by the end-to-end tests: a moto server per test, the seed
//! scenarios under `fixtures/moto/`, and a recording proxy in front of moto.
//!
//! Each test binary that says `mod support;` compiles all of it and uses only a part.
#![allow(dead_code)]

pub mod cbor;
pub mod cli;
pub mod expected;
pub mod faults;
pub mod http;
pub mod moto;
pub mod proxy;
