//! The release binary for `x86_64-unknown-linux-musl` is fully static and
//! stripped, with TLS through rustls and built-in roots (no OpenSSL, no CA
//! files), which is what lets the pipe image be `FROM scratch`.

use std::process::Command;

use crate::support::{musl, tools};

#[test]
fn release_binary_is_static_and_stripped() {
    let bin = musl::binary();
    if tools::require("file", &["--version"], "the static-binary check") {
        let out = Command::new("file").arg(&bin).output().expect("file");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("statically linked"), "{text}");
        assert!(text.contains(", stripped"), "{text}");
    }
    if tools::require("ldd", &["--version"], "the static-binary check") {
        let out = Command::new("ldd").arg(&bin).output().expect("ldd");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("not a dynamic executable"), "{text}");
    }
    let out = Command::new(&bin)
        .arg("--version")
        .env_clear()
        .output()
        .expect("run it");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("greenlight {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn tls_is_rustls_with_built_in_roots() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"))
        .expect("Cargo.lock");
    for present in ["name = \"rustls\"", "name = \"webpki-roots\""] {
        assert!(lock.contains(present), "Cargo.lock lacks {present}");
    }
    for absent in ["openssl-sys", "native-tls", "rustls-native-certs"] {
        assert!(
            !lock.contains(&format!("name = \"{absent}\"")),
            "{absent} would need system libraries or CA files"
        );
    }
}
