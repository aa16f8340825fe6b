//! Raw input and where it came from: the lowest layer of configuration,
//! shared by every module that validates something a user wrote.
//!
//! - [`Sourced`] and [`pick`]: a value from a flag, a `GREENLIGHT_*`
//!   variable or Bamboo's `bamboo_greenlight_*`, with the name the user
//!   wrote, so that an error says `invalid --deadline: ...`.
//! - [`ConfigText`]: a config file's text, to point at file:line:column.
//! - [`EnvTemplate`]: `${VAR}` in URLs, headers and other values, filled
//!   from the environment, knowing which values are secrets.
//! - [`Keys`]: the keys of one YAML map that a plugin (a metric source, a
//!   lock source) reads for itself, each with its location.
//! - [`read`]: reading a local file safely (regular files only, a size
//!   limit, the run's deadline).
//! - [`ConfigError`]: bad input (exit 2), rendered by [`Located`] with the
//!   offending line and a caret.
//!
//! Nothing here knows about windows, locks or metrics: [`crate::config`]
//! and the domain modules build on it, never the other way round.

mod env_template;
mod error;
mod keys;
mod located;
mod one_or_many;
mod origin;
pub mod read;
mod text;

pub use env_template::{Expanded, Template as EnvTemplate, valid_name};
pub use error::ConfigError;
pub use keys::{
    Keyed, Keys, RawKeys, check_pointer, deserialize_keyed, is_unset, key_list, read_kind, union,
    unset,
};
pub use located::Located;
pub use one_or_many::OneOrMany;
pub use origin::{Sourced, is_true, pick, pick_bool, split_list};
pub use text::ConfigText;
