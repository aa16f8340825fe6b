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
//! expands to `mod env; #[cfg(...)] mod always;`,
//! `pub static KINDS: &[&dyn LockKind] = &[&env::Env, #[cfg(...)] &always::Always];`,
//! `by_name(name)`, `name_list()` and `names()` for lookups and messages (every plugin
//! trait has `fn name(&self) -> &'static str`), and a test that no two
//! kinds share a name.

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

        /// The kind with this name.
        $vis fn by_name(name: &str) -> Option<&'static $trait> {
            $name.iter().copied().find(|k| k.name() == name)
        }

        /// Every kind's name, in the list's order.
        $vis fn name_list() -> &'static [&'static str] {
            static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
            NAMES.get_or_init(|| $name.iter().map(|k| k.name()).collect())
        }

        /// Every kind's name, for messages: `a, b, c`.
        $vis fn names() -> String {
            name_list().join(", ")
        }

        #[cfg(test)]
        mod registry_tests {
            #[test]
            fn kinds_have_unique_names() {
                let mut names: Vec<&str> = super::$name.iter().map(|k| k.name()).collect();
                names.sort_unstable();
                names.dedup();
                assert_eq!(names.len(), super::$name.len());
            }
        }
    };
}
