//! Stage two of publishing ([`crate::publish`]): Code Insights
//! (`--code-insights`, pipe `CODE_INSIGHTS: 'true'`), the commit build
//! status (`--build-status`, pipe `BUILD_STATUS: 'true'`) and the config's
//! `notify:` targets, with what Bitbucket or Bamboo says about the build.
//!
//! Variables read:
//!
//! | variable | for |
//! |---|---|
//! | `BITBUCKET_REPO_FULL_NAME`, `BITBUCKET_COMMIT` | the commit (both required by Code Insights and build status) |
//! | `BITBUCKET_GIT_HTTP_ORIGIN`, `BITBUCKET_BUILD_NUMBER`, `BITBUCKET_STEP_UUID`, `bamboo_resultsUrl` | the pipeline's link |
//! | `BITBUCKET_BRANCH` | the build status's `refname` (shows it on the branch's pull request) |
//! | `BITBUCKET_ACCESS_TOKEN`, or `BITBUCKET_USERNAME` + `BITBUCKET_APP_PASSWORD` | build status credentials |
//! | `GREENLIGHT_BITBUCKET_PROXY` | the Pipelines proxy (default `http://host.docker.internal:29418` in a pipe, `http://localhost:29418` in a script) |
//! | `GREENLIGHT_BITBUCKET_API` | Bitbucket's API for build statuses (default `https://api.bitbucket.org/2.0`) |
//!
//! Asking for Code Insights or a build status outside a Bitbucket pipeline,
//! or for a build status without credentials, is bad input (exit 2); a
//! notification whose URL variable is unset is a warning when it would be
//! sent.

use serde::Deserialize;

use crate::cli::Global;
use crate::context::Context;
use crate::input::{ConfigError, pick_bool};
use crate::publish::notify::{Event, Kind, Target};
use crate::publish::{Pipeline, Publish, build_status, code_insights};
use crate::secret::{Secret, Secrets};

/// `notify:` in the config file: one target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyEntry {
    #[serde(rename = "type")]
    pub kind: NotifyKind,
    /// The variable holding the URL: a webhook URL is a secret (a Slack
    /// webhook's path is its key), so it is never written in the file.
    pub url_env: String,
    /// The events to send; default every one.
    pub on: Option<Vec<Event>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyKind {
    Slack,
    Webhook,
}

/// The in-pipe marker `greenlight pipe` sets.
pub const IN_PIPE: &str = "GREENLIGHT_IN_PIPE";

fn pipeline(ctx: &Context) -> Pipeline {
    let repo = ctx.var("BITBUCKET_REPO_FULL_NAME").map(str::to_string);
    let build = ctx.var("BITBUCKET_BUILD_NUMBER");
    let link = match (ctx.var("BITBUCKET_GIT_HTTP_ORIGIN"), &repo, build) {
        (Some(origin), _, Some(b)) => Some(format!(
            "{}/pipelines/results/{b}",
            origin.trim_end_matches('/')
        )),
        (None, Some(r), Some(b)) => {
            Some(format!("https://bitbucket.org/{r}/pipelines/results/{b}"))
        }
        _ => ctx.var("bamboo_resultsUrl").map(str::to_string),
    }
    .map(|l| match ctx.var("BITBUCKET_STEP_UUID") {
        Some(step) if build.is_some() => {
            format!("{l}/steps/{}", step.replace('{', "%7B").replace('}', "%7D"))
        }
        _ => l,
    });
    Pipeline {
        repo,
        commit: ctx.var("BITBUCKET_COMMIT").map(str::to_string),
        branch: ctx.var("BITBUCKET_BRANCH").map(str::to_string),
        link,
    }
}

/// The repository and commit Bitbucket names, or bad input naming `what`.
fn commit(p: &Pipeline, what: &str) -> Result<(String, String), ConfigError> {
    match (&p.repo, &p.commit) {
        (Some(r), Some(c)) => Ok((r.clone(), c.clone())),
        _ => Err(ConfigError::Usage(format!(
            "{what} needs BITBUCKET_REPO_FULL_NAME and BITBUCKET_COMMIT, which Bitbucket Pipelines sets: run it in a pipeline"
        ))),
    }
}

pub fn resolve(
    g: &Global,
    notify: &[NotifyEntry],
    environment: Option<String>,
    html_report: Option<String>,
    at: chrono::DateTime<chrono::Utc>,
    ctx: &Context,
) -> Result<Publish, ConfigError> {
    let pipeline = pipeline(ctx);
    let mut secrets = Secrets::new();
    let code_insights = if pick_bool("code-insights", g.code_insights, ctx) {
        let (repo, commit) = commit(&pipeline, "Code Insights (CODE_INSIGHTS)")?;
        let proxy = ctx.var("GREENLIGHT_BITBUCKET_PROXY").map_or_else(
            || {
                if ctx.flag(IN_PIPE) {
                    "http://host.docker.internal:29418".to_string()
                } else {
                    "http://localhost:29418".to_string()
                }
            },
            str::to_string,
        );
        if !proxy.starts_with("http://") {
            return Err(ConfigError::Usage(format!(
                "GREENLIGHT_BITBUCKET_PROXY `{}` is not an http:// URL (the Pipelines proxy is plain HTTP)",
                crate::secret::redact_url(&proxy)
            )));
        }
        Some(code_insights::Plan {
            proxy,
            api: "http://api.bitbucket.org/2.0".into(),
            repo,
            commit,
        })
    } else {
        None
    };
    let build_status = if pick_bool("build-status", g.build_status, ctx) {
        let (repo, commit) = commit(&pipeline, "The build status (BUILD_STATUS)")?;
        let auth = match (
            ctx.var("BITBUCKET_ACCESS_TOKEN"),
            ctx.var("BITBUCKET_USERNAME"),
            ctx.var("BITBUCKET_APP_PASSWORD"),
        ) {
            (Some(t), _, _) => build_status::Auth::Token(Secret::new(t)),
            (None, Some(u), Some(p)) => build_status::Auth::AppPassword {
                user: u.to_string(),
                password: Secret::new(p),
            },
            _ => {
                return Err(ConfigError::Usage(
                    "the build status (BUILD_STATUS) needs credentials: BITBUCKET_ACCESS_TOKEN (a repository access token with the pipeline or repository:write scope), or BITBUCKET_USERNAME and BITBUCKET_APP_PASSWORD".into(),
                ));
            }
        };
        match &auth {
            build_status::Auth::Token(t) => secrets.add_secret(t),
            build_status::Auth::AppPassword { user, password } => secrets.add_basic(user, password),
        }
        let api = ctx
            .var("GREENLIGHT_BITBUCKET_API")
            .unwrap_or("https://api.bitbucket.org/2.0")
            .to_string();
        // Credentials go over TLS, or to this machine (tests, a tunnel).
        let local = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
            .iter()
            .any(|p| api.starts_with(p));
        if !api.starts_with("https://") && !local {
            return Err(ConfigError::Usage(format!(
                "GREENLIGHT_BITBUCKET_API `{}` is not an https:// URL: the build status's credentials would travel in clear text",
                crate::secret::redact_url(&api)
            )));
        }
        Some(build_status::Plan {
            api,
            auth,
            repo,
            commit,
        })
    } else {
        None
    };
    let mut targets = Vec::new();
    for (i, n) in notify.iter().enumerate() {
        let name = format!("notify[{i}]");
        let var = &n.url_env;
        let url = ctx
            .var(var)
            .map(Secret::new)
            .ok_or_else(|| format!("variable `{var}` is not set"));
        if let Ok(u) = &url {
            // The message does not show the URL: it is a secret.
            crate::http::check_url(u.expose()).map_err(|_| {
                ConfigError::Usage(format!("{name}: the webhook URL is not an http(s) URL"))
            })?;
            secrets.add_secret(u);
            secrets.add_url(u.expose());
        }
        targets.push(Target {
            kind: match n.kind {
                NotifyKind::Slack => Kind::Slack,
                NotifyKind::Webhook => Kind::Webhook,
            },
            url,
            name,
            on: n.on.clone().unwrap_or_else(|| Event::ALL.to_vec()),
        });
    }
    Ok(Publish {
        pipeline,
        code_insights,
        build_status,
        notify: targets,
        html_report,
        environment,
        secrets,
        at,
    })
}
