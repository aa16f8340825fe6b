//! greenlight: a deploy gate for CI/CD pipelines.
//!
//! A run flows one way: CLI args + environment + config file → validated
//! [`config`] → evaluation (window, locks, checks, comparison) → results as
//! data → [`Outcome`] → reports → exit code. See `README.md` for the user
//! guide and `../shared/PRODUCT.md` for the product.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod context;
pub mod duration;
pub mod judge;
pub mod outcome;
pub mod window;

pub use context::Context;
pub use outcome::Outcome;

use std::ffi::OsString;

/// Runs greenlight with these arguments and returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, ctx: &Context) -> u8 {
    let _ = (args.into_iter().count(), ctx);
    2
}
