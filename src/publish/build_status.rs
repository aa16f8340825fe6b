//! The commit's build status in Bitbucket Cloud
//! (<https://developer.atlassian.com/cloud/bitbucket/rest/api-group-commit-statuses/>):
//! `POST /2.0/repositories/{workspace}/{repo}/commit/{commit}/statuses/build`
//! with key `greenlight-<command>`, `INPROGRESS` before the command runs,
//! then `SUCCESSFUL` (exit 0) or `FAILED` with the verdict as description.
//! Posting the same key again replaces the status. Credentials: a
//! repository or workspace access token (`BITBUCKET_ACCESS_TOKEN`, sent as
//! a bearer token) or a username and app password (`BITBUCKET_USERNAME`,
//! `BITBUCKET_APP_PASSWORD`, basic auth). A pull request's merge check
//! "at least one successful build" then holds the merge while `gate` says
//! no (README, "Merge checks").

use serde_json::json;

use super::{Publish, shorten};
use crate::http::{self, Deadline, Request};
use crate::result::RunResult;
use crate::secret::Secret;

/// Bitbucket's limit on a status key.
const MAX_KEY: usize = 40;

#[derive(Debug)]
pub struct Plan {
    /// `https://api.bitbucket.org/2.0`, or `GREENLIGHT_BITBUCKET_API`.
    pub api: String,
    pub auth: Auth,
    pub repo: String,
    pub commit: String,
}

#[derive(Debug)]
pub enum Auth {
    Token(Secret),
    AppPassword { user: String, password: Secret },
}

/// `greenlight-gate`, or with the environment `greenlight-gate-production`
/// (so a staging run does not replace production's status), cut to
/// Bitbucket's 40 characters.
fn key(command: &str, environment: Option<&str>) -> String {
    let mut k = match environment {
        Some(env) => format!("greenlight-{command}-{}", super::slug(env)),
        None => format!("greenlight-{command}"),
    };
    k.truncate(MAX_KEY);
    k
}

/// The commands whose verdict a build status carries.
pub const COMMANDS: &[&str] = &["gate", "checks", "compare", "verify"];

pub fn start(b: &Plan, p: &Publish, command: &str, deadline: Deadline) -> Result<(), String> {
    post(
        b,
        p,
        command,
        "INPROGRESS",
        &format!("greenlight {command} is running"),
        deadline,
    )
}

pub fn finish(
    b: &Plan,
    p: &Publish,
    run: &RunResult,
    line: &str,
    deadline: Deadline,
) -> Result<(), String> {
    let state = if run.exit_code() == 0 {
        "SUCCESSFUL"
    } else {
        "FAILED"
    };
    post(b, p, run.command(), state, line, deadline)
}

fn post(
    b: &Plan,
    p: &Publish,
    command: &str,
    state: &str,
    description: &str,
    deadline: Deadline,
) -> Result<(), String> {
    let url = format!(
        "{}/repositories/{}/commit/{}/statuses/build",
        b.api.trim_end_matches('/'),
        b.repo,
        b.commit
    );
    let link = p
        .pipeline
        .link
        .clone()
        .unwrap_or_else(|| format!("https://bitbucket.org/{}/commits/{}", b.repo, b.commit));
    let mut body = json!({
        "key": key(command, p.environment.as_deref()),
        "state": state,
        "name": format!("greenlight {command}"),
        "url": link,
        "description": shorten(&p.secrets.clean(description), 255),
    });
    if let Some(branch) = &p.pipeline.branch {
        body["refname"] = json!(branch);
    }
    let mut req = Request::new("POST", &url);
    match &b.auth {
        Auth::Token(t) => req.bearer = Some(t),
        Auth::AppPassword { user, password } => req.basic = Some((user, password)),
    }
    req.json_body = Some(body.to_string());
    match http::send(&req, super::policy(), deadline) {
        Ok(r) if (200..300).contains(&r.status) => Ok(()),
        Ok(r) => Err(format!(
            "build status {state} not set: Bitbucket answered HTTP {}: {}",
            r.status,
            http::excerpt(&r.body)
        )),
        Err((e, _)) => Err(format!("build status {state} not set: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_environment_within_40_characters() {
        assert_eq!(key("gate", None), "greenlight-gate");
        assert_eq!(
            key("gate", Some("Production EU")),
            "greenlight-gate-production-eu"
        );
        assert_eq!(key("verify", Some(&"x".repeat(60))).len(), MAX_KEY);
    }
}
