//! Stage two of the shared store (`store:` and `--etcd-*`): built once,
//! only for the commands that use it, so that a missing password variable
//! never stops a command that does not need the store.

use std::sync::Arc;

use super::Loaded;
use crate::cli::StoreArgs;
use crate::context::Context;
use crate::input::{ConfigError, pick};
use crate::store::{self, Etcd, StoreFlags};

pub fn resolve(
    args: &StoreArgs,
    file: Option<&Loaded>,
    trust: &crate::http::Trust,
    ctx: &Context,
) -> Result<Option<Arc<Etcd>>, ConfigError> {
    let flags = StoreFlags {
        endpoints: pick("etcd-endpoints", args.etcd_endpoints.as_deref(), ctx),
        prefix: pick("etcd-prefix", args.etcd_prefix.as_deref(), ctx),
        ca_file: pick("etcd-ca-file", args.etcd_ca_file.as_deref(), ctx),
        cert_file: pick("etcd-cert-file", args.etcd_cert_file.as_deref(), ctx),
        key_file: pick("etcd-key-file", args.etcd_key_file.as_deref(), ctx),
        user: pick("etcd-user", args.etcd_user.as_deref(), ctx),
        password_env: pick("etcd-password-env", args.etcd_password_env.as_deref(), ctx),
    };
    store::resolve(file.and_then(|f| f.file.store.as_ref()), &flags, trust, ctx)
}
