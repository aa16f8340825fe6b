//! Shared pieces of the end-to-end tests: the `Test` builder that runs the
//! real binary in a temp dir, and real local servers.

#![allow(dead_code, unused_imports)] // not every test uses every helper

pub mod buildah;
pub mod canary;
pub mod etcd;
pub mod musl;
pub mod prometheus;
pub mod server;
pub mod sim;
pub mod test;
pub mod tls;
pub mod tools;

pub use server::{Reply, Server};
pub use test::Test;
