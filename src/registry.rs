//! The one way plugins are registered: a kind of lock source, metric
//! source or report is one file, and one line in its folder's
//! `registry!` list, which declares the file's module and puts its kind
//! in the list the rest of the program reads.
//!
//! ```ignore
//! registry! {
//!     /// Every kind of lock source, by `type:`.
//!     pub static KINDS: [dyn LockKind] = {
//!         env::Env,
//!         #[cfg(feature = "test-kinds")] always::Always,
//!     }
//! }
//! ```
//!
//! expands to `mod env; #[cfg(...)] mod always;` and
//! `pub static KINDS: &[&dyn LockKind] = &[&env::Env, #[cfg(...)] &always::Always];`.

macro_rules! registry {
    (
        $(#[$doc:meta])*
        $vis:vis static $name:ident: [$trait:ty] = {
            $( $(#[$attr:meta])* $modvis:vis $module:ident :: $kind:ident ),* $(,)?
        }
    ) => {
        $( $(#[$attr])* $modvis mod $module; )*
        $(#[$doc])*
        $vis static $name: &[&$trait] = &[ $( $(#[$attr])* &$module::$kind, )* ];
    };
}
