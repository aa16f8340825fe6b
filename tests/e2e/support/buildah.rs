//! The pipe image, built from the real `Dockerfile` with buildah and run the
//! way Bitbucket Pipelines runs a pipe: the clone directory mounted at the
//! same path and used as the working directory, `CI=true`, the `BITBUCKET_*`
//! variables and each pipe variable as `--env`, the image's entrypoint.
//!
//! Each image lives in its own temp dir (`--root`, `--runroot`, a private
//! `containers.conf`; vfs storage, chroot isolation: no daemon, no
//! privileges beyond what root has here) and is removed on drop. buildah
//! still touches its small shared caches (`/var/lib/containers/cache`,
//! `/run/containers/networks`), as any buildah or podman run does.
//! Building a `FROM scratch` image this way takes well under a second.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::musl;
use crate::support::test::Run;
use crate::support::tools;

/// Where Bitbucket mounts the clone directory in every step and pipe.
pub const CLONE_DIR: &str = "/opt/atlassian/pipelines/agent/build";

pub struct PipeImage {
    dir: tempfile::TempDir,
    container: String,
    /// The image's configured entrypoint, e.g. `["/greenlight", "pipe"]`.
    pub entrypoint: Vec<String>,
}

const IMAGE: &str = "localhost/greenlight-e2e:test";

impl PipeImage {
    /// Builds the image from the repository's Dockerfile around the static
    /// binary. `None` (after a loud message) when buildah is missing and CI
    /// is not set; set `GREENLIGHT_TEST_NO_IMAGE=<reason>` to skip on
    /// purpose where buildah cannot run (see `bitbucket-pipelines.yml`).
    pub fn build() -> Option<PipeImage> {
        if let Ok(reason) = std::env::var("GREENLIGHT_TEST_NO_IMAGE") {
            crate::support::tools::loud(&format!(
                "\n!!!!!!!! SKIPPED: pipe image tests (GREENLIGHT_TEST_NO_IMAGE={reason}) !!!!!!!!\n"
            ));
            return None;
        }
        if !tools::require("buildah", &["--version"], "the pipe image tests") {
            return None;
        }
        let binary = musl::binary();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut image = PipeImage {
            container: String::new(),
            entrypoint: Vec::new(),
            dir,
        };
        std::fs::write(
            image.dir.path().join("containers.conf"),
            format!(
                "[network]\nnetwork_config_dir = \"{}\"\n[engine]\ntmp_dir = \"{}\"\n",
                image.dir.path().join("net").display(),
                image.dir.path().join("tmp").display()
            ),
        )
        .expect("write containers.conf");
        let context = image.context(&binary);
        image.ok([
            "bud",
            "--isolation",
            "chroot",
            "--quiet",
            "--tag",
            IMAGE,
            "--file",
            &context.join("Dockerfile").display().to_string(),
            &context.display().to_string(),
        ]);
        image.container = image.ok(["from", "--quiet", IMAGE]).trim().to_string();
        let config: serde_json::Value =
            serde_json::from_str(&image.ok(["inspect", "--type", "image", IMAGE]))
                .expect("buildah inspect prints JSON");
        image.entrypoint = serde_json::from_value(config["OCIv1"]["config"]["Entrypoint"].clone())
            .unwrap_or_else(|e| panic!("entrypoint in {config}: {e}"));
        Some(image)
    }

    /// A build context holding exactly what the Dockerfile's `COPY` lines
    /// name, taken from the repository (and the musl binary from the target
    /// directory the tests use), next to the real Dockerfile and
    /// `.dockerignore`.
    fn context(&self, binary: &Path) -> PathBuf {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let context = self.dir.path().join("context");
        let dockerfile = std::fs::read_to_string(repo.join("Dockerfile")).expect("Dockerfile");
        let mut files = vec!["Dockerfile".to_string(), ".dockerignore".to_string()];
        for line in dockerfile.lines() {
            if let Some(rest) = line.trim().strip_prefix("COPY ") {
                let words: Vec<&str> = rest.split_whitespace().collect();
                files.extend(words[..words.len() - 1].iter().map(|w| w.to_string()));
            }
        }
        for file in files {
            let from = if file.starts_with("target/") {
                binary.to_path_buf()
            } else {
                repo.join(&file)
            };
            let to = context.join(&file);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(&from, &to)
                .unwrap_or_else(|e| panic!("copy {} into the context: {e}", from.display()));
        }
        context
    }

    fn buildah(&self) -> Command {
        let d = self.dir.path();
        let mut c = Command::new("buildah");
        c.env("CONTAINERS_CONF", d.join("containers.conf"))
            .arg("--root")
            .arg(d.join("root"))
            .arg("--runroot")
            .arg(d.join("runroot"))
            .args(["--storage-driver", "vfs"])
            .stdin(Stdio::null());
        c
    }

    /// Runs a buildah subcommand that must succeed; returns its stdout.
    fn ok<const N: usize>(&self, args: [&str; N]) -> String {
        let out = self.buildah().args(args).output().expect("run buildah");
        assert!(
            out.status.success(),
            "buildah {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs the image's entrypoint as a Bitbucket pipe, with `clone` mounted
    /// as the clone directory and these variables (plus `CI=true` and the
    /// `BITBUCKET_*` variables every step has).
    pub fn run_pipe(&self, clone: &Path, vars: &[(&str, &str)]) -> Run {
        let mut c = self.buildah();
        c.args(["run", "--isolation", "chroot"])
            .arg("--volume")
            .arg(format!("{}:{CLONE_DIR}", clone.display()))
            .args(["--workingdir", CLONE_DIR]);
        let bitbucket = [
            ("CI", "true"),
            ("BITBUCKET_CLONE_DIR", CLONE_DIR),
            ("BITBUCKET_BUILD_NUMBER", "42"),
            ("BITBUCKET_REPO_FULL_NAME", "team/payments"),
            ("BITBUCKET_BRANCH", "main"),
            ("BITBUCKET_STEP_TRIGGERER_UUID", "{7c1e-alice}"),
        ];
        for (k, v) in bitbucket.iter().chain(vars) {
            c.arg("--env").arg(format!("{k}={v}"));
        }
        c.arg(&self.container).arg("--").args(&self.entrypoint);
        relay(&mut c)
    }

    /// Runs any command in the container (no pipe environment).
    pub fn exec(&self, args: &[&str]) -> String {
        let mut c = self.buildah();
        c.args(["run", "--isolation", "chroot"])
            .arg(&self.container)
            .arg("--")
            .args(args);
        let run = relay(&mut c);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
        run.stdout
    }

    /// The image's size in bytes, as `buildah images` reports it.
    pub fn size(&self) -> u64 {
        let size = self.ok(["images", "--format", "{{.Size}}", IMAGE]);
        parse_size(size.trim()).unwrap_or_else(|| panic!("image size {size:?}"))
    }

    /// Every file in the image's root filesystem (paths from `/`).
    pub fn files(&self) -> Vec<String> {
        let root = PathBuf::from(self.ok(["mount", &self.container]).trim());
        let mut files = Vec::new();
        walk(&root, &root, &mut files);
        let _ = self.buildah().args(["umount", &self.container]).output();
        files.sort();
        files
    }
}

impl Drop for PipeImage {
    fn drop(&mut self) {
        // The temp dir goes too; removing through buildah first keeps its
        // storage bookkeeping consistent and unmounts anything mounted.
        let _ = self.buildah().args(["rm", "--all"]).output();
        let _ = self.buildah().args(["rmi", "--all", "--force"]).output();
    }
}

/// Runs `buildah run`. buildah's chroot isolation relays the container's
/// stdio through a goroutine and exits as soon as the process does, without
/// draining it (`runUsingChrootMain` in buildah's `chroot/run_common.go`),
/// so on a loaded machine the output is sometimes lost. greenlight always
/// prints something, so a run that printed nothing hit that race: run it
/// again (every run here can be repeated), and say so.
fn relay(c: &mut Command) -> Run {
    let mut attempt = 1;
    loop {
        let run = Run::from(c.output().expect("run buildah"));
        let said_nothing = run.stdout.is_empty()
            && run.stderr.lines().all(|l| {
                l.starts_with("subprocess exited with status")
                    || l.starts_with("Error: exit status")
            });
        if !said_nothing || attempt == 3 {
            return run;
        }
        tools::loud(&format!(
            "\nbuildah lost the container's output (exit {}; its chroot stdio relay races \
             the exit): running it again\n",
            run.code
        ));
        attempt += 1;
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read image dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(format!("/{}", rel.display()));
        }
    }
}

/// `5.43 MB`, `812 kB`, `1.2 GB` (decimal units, as buildah prints them).
fn parse_size(s: &str) -> Option<u64> {
    let (n, unit) = s.split_once(' ')?;
    let n: f64 = n.parse().ok()?;
    let scale = match unit {
        "B" => 1.0,
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return None,
    };
    Some((n * scale) as u64)
}
