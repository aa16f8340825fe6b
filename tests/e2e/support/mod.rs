//! Shared pieces of the end-to-end tests: the `Test` builder that runs the
//! real binary in a temp dir, and real local servers.

pub mod server;
pub mod test;
pub mod tls;

pub use server::{Reply, Server};
pub use test::Test;
