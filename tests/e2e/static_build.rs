//! The release binary for `x86_64-unknown-linux-musl` is fully static and
//! stripped, with TLS through rustls and built-in roots (no OpenSSL, no CA
//! files), which is what lets the pipe image be `FROM scratch`. It is a
//! static-PIE, so it keeps ASLR (issue #9 item 21): checked in its ELF
//! header, since an old `file` calls a static-PIE "dynamically linked".

use std::process::Command;

use crate::support::{musl, tools};

/// The ELF type (`2` executable, `3` position-independent) and the
/// program header types of an ELF64 little-endian file.
fn elf(bytes: &[u8]) -> (u16, Vec<u32>) {
    assert_eq!(&bytes[..4], b"\x7fELF", "not ELF");
    assert_eq!((bytes[4], bytes[5]), (2, 1), "not ELF64 little-endian");
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]);
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap());
    let phoff = usize::try_from(u64_at(0x20)).unwrap();
    let (size, count) = (usize::from(u16_at(0x36)), usize::from(u16_at(0x38)));
    let types = (0..count).map(|i| u32_at(phoff + i * size)).collect();
    (u16_at(0x10), types)
}

/// Issue #9 item 21: the static binary gave up ASLR
/// (`relocation-model=static`) only so that `file` printed "statically
/// linked".
#[test]
fn release_binary_is_a_static_pie_and_stripped() {
    const ET_DYN: u16 = 3;
    const PT_INTERP: u32 = 3;
    let bin = musl::binary();
    let (kind, segments) = elf(&std::fs::read(&bin).expect("read the binary"));
    assert_eq!(
        kind, ET_DYN,
        "position-independent, so the kernel randomises it"
    );
    assert!(
        !segments.contains(&PT_INTERP),
        "no program interpreter: nothing is loaded besides the binary"
    );
    if tools::require("file", &["--version"], "the static-binary check") {
        let out = Command::new("file").arg(&bin).output().expect("file");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(", stripped"), "{text}");
    }
    if tools::require("ldd", &["--version"], "the static-binary check") {
        let out = Command::new("ldd").arg(&bin).output().expect("ldd");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("not a dynamic executable") || text.contains("statically linked"),
            "{text}"
        );
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
