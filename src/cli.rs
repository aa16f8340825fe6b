//! Command-line arguments, as typed by the user (stage one: raw strings).
//! [`crate::config`] turns them, the environment and the config file into
//! one validated `Config`.
//!
//! Every option can also be set by an environment variable; [`OPTIONS`] is
//! the one table of which variable feeds which option. `--help` shows it, the
//! resolution code reads it, and a test checks both agree. Precedence:
//! flag, then `GREENLIGHT_*`, then Bamboo's `bamboo_greenlight_*`, then the
//! config file, then the default.

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "greenlight",
    version,
    about = "Deploy gate: deploy windows, freezes and locks before a deploy; checks and baseline comparison after it.",
    after_help = "Exit codes: 0 go, 1 no-go, 2 bad input, 3 inconclusive.\nEvery option can also be set by the environment variable shown beside it (flags win over variables, variables over the config file)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: Global,
}

#[derive(Debug, Args, Default)]
pub struct Global {
    /// Config file [env: GREENLIGHT_CONFIG] [default: greenlight.yml, if present]
    #[arg(short, long, global = true, value_name = "PATH")]
    pub config: Option<String>,
    /// Evaluate at this RFC 3339 instant instead of now, e.g. 2026-03-29T01:30:00Z [env: GREENLIGHT_AT]
    #[arg(long, global = true, value_name = "INSTANT")]
    pub at: Option<String>,
    /// Deadline for the whole run, e.g. 30s, 2m [env: GREENLIGHT_DEADLINE] [default: 60s]
    #[arg(long, global = true, value_name = "DURATION")]
    pub deadline: Option<String>,
    /// Report on stdout: text or json [env: GREENLIGHT_FORMAT] [default: text]
    #[arg(long, global = true, value_name = "KIND")]
    pub format: Option<String>,
    /// Also write a report to a file, e.g. junit=test-results/greenlight.xml or json=result.json; repeat for several [env: GREENLIGHT_REPORT, ';'-separated]
    #[arg(long, global = true, value_name = "KIND=PATH")]
    pub report: Vec<String>,
    /// Print only the final verdict line [env: GREENLIGHT_QUIET]
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Also show the statistics behind each metric's verdict (raw and Holm-adjusted p-values) [env: GREENLIGHT_VERBOSE]
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Also write the HTML report to this file (same as --report html=PATH) [env: GREENLIGHT_REPORT_HTML]
    #[arg(long, global = true, value_name = "PATH")]
    pub report_html: Option<String>,
    /// In a Bitbucket pipeline, post a Code Insights report on the commit through the Pipelines proxy [env: GREENLIGHT_CODE_INSIGHTS]
    #[arg(long, global = true)]
    pub code_insights: bool,
    /// Set the commit's build status greenlight-<command> (needs BITBUCKET_ACCESS_TOKEN, or BITBUCKET_USERNAME and BITBUCKET_APP_PASSWORD) [env: GREENLIGHT_BUILD_STATUS]
    #[arg(long, global = true)]
    pub build_status: bool,
    /// Colour: auto is on for a terminal or when CI is set; NO_COLOR turns it off [env: GREENLIGHT_COLOR]
    #[arg(long, global = true, value_enum)]
    pub color: Option<ColorChoice>,
    /// Deployment environment whose `environments:` block in the config applies [env: GREENLIGHT_ENVIRONMENT] [default: BITBUCKET_DEPLOYMENT_ENVIRONMENT or bamboo_deploy_environment]
    #[arg(long, global = true, value_name = "NAME")]
    pub environment: Option<String>,
    /// PEM file of CA certificates to trust instead of the built-in roots, for checks and every dependency (lock APIs, Prometheus) [env: GREENLIGHT_CA_FILE]
    #[arg(long, global = true, value_name = "PATH")]
    pub ca_file: Option<String>,
    /// Debug logging to stderr (also DEBUG=true, or RUST_LOG) [env: GREENLIGHT_DEBUG]
    #[arg(long, global = true)]
    pub debug: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// The shared store (etcd) of locks and leases; each replaces the config's
/// `store:` key of the same name.
#[derive(Debug, Args, Default, Clone)]
pub struct StoreArgs {
    /// etcd client URLs, comma-separated, e.g. https://etcd-1:2379,https://etcd-2:2379 [env: GREENLIGHT_ETCD_ENDPOINTS]
    #[arg(long, global = true, value_name = "URLS")]
    pub etcd_endpoints: Option<String>,
    /// Key prefix of everything greenlight keeps in etcd [env: GREENLIGHT_ETCD_PREFIX] [default: /greenlight/]
    #[arg(long, global = true, value_name = "PREFIX")]
    pub etcd_prefix: Option<String>,
    /// PEM CA certificates for etcd's TLS [env: GREENLIGHT_ETCD_CA_FILE]
    #[arg(long, global = true, value_name = "PATH")]
    pub etcd_ca_file: Option<String>,
    /// PEM client certificate for etcd [env: GREENLIGHT_ETCD_CERT_FILE]
    #[arg(long, global = true, value_name = "PATH")]
    pub etcd_cert_file: Option<String>,
    /// PEM client key for etcd [env: GREENLIGHT_ETCD_KEY_FILE]
    #[arg(long, global = true, value_name = "PATH")]
    pub etcd_key_file: Option<String>,
    /// etcd user [env: GREENLIGHT_ETCD_USER]
    #[arg(long, global = true, value_name = "NAME")]
    pub etcd_user: Option<String>,
    /// Environment variable holding the etcd user's password [env: GREENLIGHT_ETCD_PASSWORD_ENV]
    #[arg(long, global = true, value_name = "VAR")]
    pub etcd_password_env: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fail (exit 1) when the deploy window is closed or a lock is set
    Gate(GateArgs),
    /// Print the window and every lock source's state; exit 0 unless the input is bad
    Status(GateArgs),
    /// Set a lock in the file and HTTP lock sources
    Lock(LockArgs),
    /// Remove the lock from the file and HTTP lock sources
    Unlock(UnlockArgs),
    /// Run the semantic HTTP checks against the new stack: exit 0 all pass, 1 any fails, 3 not answering
    Checks(ChecksArgs),
    /// Compare the canary's metrics with a baseline (the config's `compare:`): exit 0 go, 1 regression, 3 inconclusive
    Compare(CompareArgs),
    /// Run the semantic checks (`checks:`), then, only when they pass, the comparison (`compare:`): one verdict
    Verify(VerifyArgs),
    /// Free a deploy lease taken by `gate --lease`: only its holder may, unless --force with --reason
    Release(ReleaseArgs),
    /// The coming open and closed periods of the windows and freezes, in local time and UTC (text, JSON, or --format ics to subscribe from a calendar app)
    Calendar(CalendarArgs),
    /// What happened to a lease or an etcd lock: locks, unlocks, takeovers, leases taken, released and expired
    History(HistoryArgs),
    /// Run as a Bitbucket pipe: COMMAND and the pipe variables (WINDOW, TIMEZONE, CONFIG, ...) come from the environment
    Pipe,
}

/// Options of `release`.
#[derive(Debug, Args, Default, Clone)]
pub struct ReleaseArgs {
    #[command(flatten)]
    pub target: LeaseTarget,
    /// Free another holder's lease (the --holder given, or every holder); needs --reason, which is recorded [env: GREENLIGHT_LOCK_FORCE]
    #[arg(long)]
    pub force: bool,
    /// Why a forced release [env: GREENLIGHT_LOCK_REASON]
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// Which lease, and whose.
#[derive(Debug, Args, Default, Clone)]
pub struct LeaseTarget {
    /// The lease [env: GREENLIGHT_LEASE] [default: the config's lease.name]
    #[arg(long, value_name = "NAME")]
    pub lease: Option<String>,
    /// Whose lease [env: GREENLIGHT_HOLDER] [default: this pipeline step: Bitbucket repository, pipeline and step, Bamboo build result, else user@host]
    #[arg(long, value_name = "ID")]
    pub holder: Option<String>,
}

/// Options of `calendar`.
#[derive(Debug, Args, Default, Clone)]
pub struct CalendarArgs {
    /// How far ahead [env: GREENLIGHT_CALENDAR_NEXT] [default: 14d]
    #[arg(long, value_name = "DURATION")]
    pub next: Option<String>,
    /// Open window, e.g. "Mon-Fri 09:00-15:30"; repeat for several; replaces the config's windows [env: GREENLIGHT_WINDOW, ';'-separated]
    #[arg(short, long, value_name = "SPEC")]
    pub window: Vec<String>,
    /// IANA time zone for windows that name none, and for local times shown [env: GREENLIGHT_TIMEZONE]
    #[arg(short, long, value_name = "TZ")]
    pub timezone: Option<String>,
}

/// Options of `history`.
#[derive(Debug, Args, Default, Clone)]
pub struct HistoryArgs {
    /// The history of this lease [env: GREENLIGHT_LEASE] [default: the config's lease.name]
    #[arg(long, value_name = "NAME")]
    pub lease: Option<String>,
    /// The history of this etcd lock source, by name (e.g. etcd:shop/production) [env: GREENLIGHT_LOCK_SOURCE]
    #[arg(long, value_name = "NAME", conflicts_with = "lease")]
    pub source: Option<String>,
    /// The history of overrides and rollbacks that went through a window, a freeze or a lock [env: GREENLIGHT_HISTORY_OVERRIDES]
    #[arg(long, conflicts_with_all = ["lease", "source"])]
    pub overrides: bool,
}

impl Command {
    /// The subcommand's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Gate(_) => "gate",
            Command::Status(_) => "status",
            Command::Lock(_) => "lock",
            Command::Unlock(_) => "unlock",
            Command::Checks(_) => "checks",
            Command::Compare(_) => "compare",
            Command::Verify(_) => "verify",
            Command::Release(_) => "release",
            Command::Calendar(_) => "calendar",
            Command::History(_) => "history",
            Command::Pipe => "pipe",
        }
    }
}

#[derive(Debug, Args, Default, Clone)]
pub struct GateArgs {
    /// Open window, e.g. "Mon-Fri 09:00-15:30"; repeat for several; replaces the config's windows [env: GREENLIGHT_WINDOW, ';'-separated]
    #[arg(short, long, value_name = "SPEC")]
    pub window: Vec<String>,
    /// IANA time zone for windows that name none, e.g. Australia/Sydney [env: GREENLIGHT_TIMEZONE]
    #[arg(short, long, value_name = "TZ")]
    pub timezone: Option<String>,
    #[command(flatten)]
    pub sources: SourceArgs,
    /// What an unreachable lock source means: closed (exit 3) or open (pass with a warning) [env: GREENLIGHT_ON_ERROR] [default: closed]
    #[arg(long, value_name = "POLICY")]
    pub on_error: Option<String>,
    #[command(flatten)]
    pub lease: LeaseArgs,
    /// Break glass: go through a closed window, a freeze or a lock, for this reason; only when the config's `overrides` allow it, loudly, and recorded [env: GREENLIGHT_OVERRIDE]
    #[arg(long = "override", value_name = "REASON")]
    pub override_reason: Option<String>,
    /// This deploy is a rollback: with `allow_rollbacks: true` it goes through freezes and closed windows (Bamboo's bamboo_deploy_rollback=true says so too) [env: GREENLIGHT_ROLLBACK]
    #[arg(long)]
    pub rollback: bool,
}

/// The deploy lease `gate` takes when it says go (in the shared store).
#[derive(Debug, Args, Default, Clone)]
pub struct LeaseArgs {
    /// Take this deploy lease when the gate says go: one deploy at a time under the name [env: GREENLIGHT_LEASE] [default: the config's lease.name]
    #[arg(long, value_name = "NAME")]
    pub lease: Option<String>,
    /// The lease ends by itself this long after it is taken, if not released [env: GREENLIGHT_LEASE_TTL] [default: the config's lease.ttl, else 30m]
    #[arg(long, value_name = "DURATION")]
    pub ttl: Option<String>,
    /// Wait in line this long for the lease, first come first served [env: GREENLIGHT_LEASE_WAIT] [default: the config's lease.wait, else no wait]
    #[arg(long, value_name = "DURATION")]
    pub wait: Option<String>,
    /// How many deploys may hold the lease at once [env: GREENLIGHT_LEASE_SLOTS] [default: the config's lease.slots, else 1]
    #[arg(long, value_name = "N")]
    pub slots: Option<String>,
    /// Who holds the lease [env: GREENLIGHT_HOLDER] [default: the pipeline step: Bitbucket repository, pipeline and step, Bamboo build result, else user@host]
    #[arg(long, value_name = "ID")]
    pub holder: Option<String>,
}

/// Lock sources given on the command line, added to the config's.
#[derive(Debug, Args, Default, Clone)]
pub struct SourceArgs {
    /// Environment variable whose value, when set, locks deploys (the value is the reason) [env: GREENLIGHT_LOCK_ENV]
    #[arg(long, value_name = "VAR")]
    pub lock_env: Option<String>,
    /// Lock file (JSON: reason, by, since, expires) [env: GREENLIGHT_LOCK_FILE]
    #[arg(long, value_name = "PATH")]
    pub lock_file: Option<String>,
    /// Lock API URL (GET to read; PUT/DELETE to lock/unlock) [env: GREENLIGHT_LOCK_URL]
    #[arg(long, value_name = "URL")]
    pub lock_url: Option<String>,
    /// Environment variable holding the lock API's bearer token [env: GREENLIGHT_LOCK_TOKEN_ENV]
    #[arg(long, value_name = "VAR")]
    pub lock_token_env: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct LockArgs {
    /// Why deploys are locked, e.g. "incident INC-42" [env: GREENLIGHT_LOCK_REASON]
    #[arg(long)]
    pub reason: Option<String>,
    /// Who locks [env: GREENLIGHT_LOCK_BY] [default: $USER]
    #[arg(long)]
    pub by: Option<String>,
    /// Lock expires after this long, e.g. 2h [env: GREENLIGHT_LOCK_EXPIRES]
    #[arg(long, value_name = "DURATION")]
    pub expires: Option<String>,
    /// Replace a lock held by someone else (the output says whose) [env: GREENLIGHT_LOCK_FORCE]
    #[arg(long)]
    pub force: bool,
    /// Only this lock source (by name) [env: GREENLIGHT_LOCK_SOURCE]
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    #[command(flatten)]
    pub sources: SourceArgs,
}

#[derive(Debug, Args, Default)]
pub struct UnlockArgs {
    /// Only this lock source (by name) [env: GREENLIGHT_LOCK_SOURCE]
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    #[command(flatten)]
    pub sources: SourceArgs,
}

#[derive(Debug, Args, Default, Clone)]
pub struct ChecksArgs {
    /// Check this URL without a config file (replaces the config's checks) [env: GREENLIGHT_CHECK_URL]
    #[arg(long)]
    pub url: Option<String>,
    /// Expected status for --url: 200, "200,204" or 2xx [env: GREENLIGHT_CHECK_STATUS] [default: 2xx]
    #[arg(long, value_name = "STATUS")]
    pub expect_status: Option<String>,
    /// Text the body of --url must contain; repeat for several [env: GREENLIGHT_CHECK_BODY_CONTAINS]
    #[arg(long, value_name = "TEXT")]
    pub expect_body_contains: Vec<String>,
    /// Connect --url to this address (IP, IP:PORT or host) while Host, SNI and certificate use the URL's host, like curl --resolve [env: GREENLIGHT_CHECK_RESOLVE]
    #[arg(long, value_name = "ADDR")]
    pub resolve: Option<String>,
    /// Retry --url until it passes, for up to this long, e.g. 2m [env: GREENLIGHT_CHECK_RETRY]
    #[arg(long, value_name = "DURATION")]
    pub retry: Option<String>,
    #[command(flatten)]
    pub run: CheckRunArgs,
    /// Write JUnit XML here [env: GREENLIGHT_JUNIT] [default: $BITBUCKET_CLONE_DIR/test-results/greenlight-checks.xml in a Bitbucket pipeline]
    #[arg(long, value_name = "PATH")]
    pub junit: Option<String>,
}

/// How checks run: shared by `checks` and `verify`.
#[derive(Debug, Args, Default, Clone)]
pub struct CheckRunArgs {
    /// How many checks run at once [env: GREENLIGHT_CONCURRENCY] [default: 32]
    #[arg(long, value_name = "N")]
    pub concurrency: Option<String>,
}

/// Options of `verify`: the comparison's and how the checks run.
#[derive(Debug, Args, Default, Clone)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub compare: CompareArgs,
    #[command(flatten)]
    pub run: CheckRunArgs,
    /// When verification ends, whatever the verdict, free the deploy lease taken by `gate --lease` [env: GREENLIGHT_RELEASE]
    #[arg(long)]
    pub release: bool,
    #[command(flatten)]
    pub target: LeaseTarget,
}

/// Options of `compare` and `verify`.
#[derive(Debug, Args, Default, Clone)]
pub struct CompareArgs {
    /// Write a JUnit XML report here, one test case per metric (and check) [env: GREENLIGHT_JUNIT] [default: $BITBUCKET_CLONE_DIR/test-results/greenlight-<command>.xml in Bitbucket Pipelines]
    #[arg(long, value_name = "PATH")]
    pub junit: Option<String>,
    /// Set a baseline template variable, e.g. group=blue, or offset=7d for a historical baseline; repeat for several [env: GREENLIGHT_BASELINE, ';'-separated]
    #[arg(long, value_name = "KEY=VALUE")]
    pub baseline: Vec<String>,
    /// Set a canary template variable, e.g. group=green; repeat for several [env: GREENLIGHT_CANARY, ';'-separated]
    #[arg(long, value_name = "KEY=VALUE")]
    pub canary: Vec<String>,
    /// Watch the canary this long from --at (or now), judging again every --every; stops at the first clear no-go [env: GREENLIGHT_WATCH] [default: the config's `watch:`]
    #[arg(long, value_name = "DURATION")]
    pub watch: Option<String>,
    /// How often to look while watching [env: GREENLIGHT_EVERY] [default: the config's `every:`, else 1m]
    #[arg(long, value_name = "DURATION")]
    pub every: Option<String>,
    /// While watching, also stop at the first clear go [env: GREENLIGHT_STOP_ON_GO]
    #[arg(long)]
    pub stop_on_go: bool,
}

/// One option that an environment variable can set.
#[derive(Debug, Clone, Copy)]
pub struct EnvOption {
    /// The long flag, without dashes.
    pub flag: &'static str,
    /// The environment variable.
    pub env: &'static str,
}

/// Every option settable from the environment. Bamboo plan variable
/// `greenlight.x_y` (`bamboo_greenlight_x_y`) also sets `GREENLIGHT_X_Y`.
pub const OPTIONS: &[EnvOption] = &[
    EnvOption {
        flag: "config",
        env: "GREENLIGHT_CONFIG",
    },
    EnvOption {
        flag: "at",
        env: "GREENLIGHT_AT",
    },
    EnvOption {
        flag: "deadline",
        env: "GREENLIGHT_DEADLINE",
    },
    EnvOption {
        flag: "format",
        env: "GREENLIGHT_FORMAT",
    },
    EnvOption {
        flag: "report",
        env: "GREENLIGHT_REPORT",
    },
    EnvOption {
        flag: "quiet",
        env: "GREENLIGHT_QUIET",
    },
    EnvOption {
        flag: "verbose",
        env: "GREENLIGHT_VERBOSE",
    },
    EnvOption {
        flag: "report-html",
        env: "GREENLIGHT_REPORT_HTML",
    },
    EnvOption {
        flag: "code-insights",
        env: "GREENLIGHT_CODE_INSIGHTS",
    },
    EnvOption {
        flag: "build-status",
        env: "GREENLIGHT_BUILD_STATUS",
    },
    EnvOption {
        flag: "color",
        env: "GREENLIGHT_COLOR",
    },
    EnvOption {
        flag: "environment",
        env: "GREENLIGHT_ENVIRONMENT",
    },
    EnvOption {
        flag: "debug",
        env: "GREENLIGHT_DEBUG",
    },
    EnvOption {
        flag: "window",
        env: "GREENLIGHT_WINDOW",
    },
    EnvOption {
        flag: "timezone",
        env: "GREENLIGHT_TIMEZONE",
    },
    EnvOption {
        flag: "on-error",
        env: "GREENLIGHT_ON_ERROR",
    },
    EnvOption {
        flag: "lock-env",
        env: "GREENLIGHT_LOCK_ENV",
    },
    EnvOption {
        flag: "lock-file",
        env: "GREENLIGHT_LOCK_FILE",
    },
    EnvOption {
        flag: "lock-url",
        env: "GREENLIGHT_LOCK_URL",
    },
    EnvOption {
        flag: "lock-token-env",
        env: "GREENLIGHT_LOCK_TOKEN_ENV",
    },
    EnvOption {
        flag: "reason",
        env: "GREENLIGHT_LOCK_REASON",
    },
    EnvOption {
        flag: "by",
        env: "GREENLIGHT_LOCK_BY",
    },
    EnvOption {
        flag: "expires",
        env: "GREENLIGHT_LOCK_EXPIRES",
    },
    EnvOption {
        flag: "force",
        env: "GREENLIGHT_LOCK_FORCE",
    },
    EnvOption {
        flag: "source",
        env: "GREENLIGHT_LOCK_SOURCE",
    },
    EnvOption {
        flag: "url",
        env: "GREENLIGHT_CHECK_URL",
    },
    EnvOption {
        flag: "expect-status",
        env: "GREENLIGHT_CHECK_STATUS",
    },
    EnvOption {
        flag: "expect-body-contains",
        env: "GREENLIGHT_CHECK_BODY_CONTAINS",
    },
    EnvOption {
        flag: "resolve",
        env: "GREENLIGHT_CHECK_RESOLVE",
    },
    EnvOption {
        flag: "retry",
        env: "GREENLIGHT_CHECK_RETRY",
    },
    EnvOption {
        flag: "concurrency",
        env: "GREENLIGHT_CONCURRENCY",
    },
    EnvOption {
        flag: "ca-file",
        env: "GREENLIGHT_CA_FILE",
    },
    EnvOption {
        flag: "etcd-endpoints",
        env: "GREENLIGHT_ETCD_ENDPOINTS",
    },
    EnvOption {
        flag: "etcd-prefix",
        env: "GREENLIGHT_ETCD_PREFIX",
    },
    EnvOption {
        flag: "etcd-ca-file",
        env: "GREENLIGHT_ETCD_CA_FILE",
    },
    EnvOption {
        flag: "etcd-cert-file",
        env: "GREENLIGHT_ETCD_CERT_FILE",
    },
    EnvOption {
        flag: "etcd-key-file",
        env: "GREENLIGHT_ETCD_KEY_FILE",
    },
    EnvOption {
        flag: "etcd-user",
        env: "GREENLIGHT_ETCD_USER",
    },
    EnvOption {
        flag: "etcd-password-env",
        env: "GREENLIGHT_ETCD_PASSWORD_ENV",
    },
    EnvOption {
        flag: "lease",
        env: "GREENLIGHT_LEASE",
    },
    EnvOption {
        flag: "ttl",
        env: "GREENLIGHT_LEASE_TTL",
    },
    EnvOption {
        flag: "wait",
        env: "GREENLIGHT_LEASE_WAIT",
    },
    EnvOption {
        flag: "slots",
        env: "GREENLIGHT_LEASE_SLOTS",
    },
    EnvOption {
        flag: "holder",
        env: "GREENLIGHT_HOLDER",
    },
    EnvOption {
        flag: "override",
        env: "GREENLIGHT_OVERRIDE",
    },
    EnvOption {
        flag: "rollback",
        env: "GREENLIGHT_ROLLBACK",
    },
    EnvOption {
        flag: "overrides",
        env: "GREENLIGHT_HISTORY_OVERRIDES",
    },
    EnvOption {
        flag: "next",
        env: "GREENLIGHT_CALENDAR_NEXT",
    },
    EnvOption {
        flag: "release",
        env: "GREENLIGHT_RELEASE",
    },
    EnvOption {
        flag: "watch",
        env: "GREENLIGHT_WATCH",
    },
    EnvOption {
        flag: "every",
        env: "GREENLIGHT_EVERY",
    },
    EnvOption {
        flag: "stop-on-go",
        env: "GREENLIGHT_STOP_ON_GO",
    },
    EnvOption {
        flag: "junit",
        env: "GREENLIGHT_JUNIT",
    },
    EnvOption {
        flag: "baseline",
        env: "GREENLIGHT_BASELINE",
    },
    EnvOption {
        flag: "canary",
        env: "GREENLIGHT_CANARY",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every flag of every subcommand, with its help text.
    fn all_args() -> Vec<(String, String)> {
        let cmd = Cli::command();
        let mut out = Vec::new();
        let mut push = |c: &clap::Command| {
            for a in c.get_arguments() {
                if let Some(long) = a.get_long() {
                    out.push((
                        long.to_string(),
                        a.get_help().map(|h| h.to_string()).unwrap_or_default(),
                    ));
                }
            }
        };
        push(&cmd);
        for sub in cmd.get_subcommands() {
            push(sub);
        }
        out
    }

    #[test]
    fn every_option_has_its_variable_in_help_and_the_table() {
        let args = all_args();
        for (flag, help) in &args {
            if matches!(flag.as_str(), "help" | "version") {
                continue;
            }
            let entry = OPTIONS.iter().find(|o| o.flag == flag);
            let entry = entry.unwrap_or_else(|| panic!("--{flag} is missing from cli::OPTIONS"));
            assert!(
                help.contains(&format!("[env: {}", entry.env)),
                "--{flag} help lacks {}: {help}",
                entry.env
            );
        }
        for o in OPTIONS {
            assert!(
                args.iter().any(|(f, _)| f == o.flag),
                "OPTIONS names --{} which does not exist",
                o.flag
            );
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
