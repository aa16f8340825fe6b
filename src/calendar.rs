//! Calendars on the web as freezes (`freezes: [{ics: https://...}]`): many
//! repositories share one holiday calendar. Fetched each run within the
//! deadline; an unreachable calendar is decided by `on_error` like a lock
//! source (closed: inconclusive). The last copy is kept with its `ETag` in
//! `.greenlight/cache/`, so an unchanged calendar is one `304 Not
//! Modified`.

use std::path::PathBuf;

use chrono_tz::Tz;

use crate::failure::Failure;
use crate::http::{self, Deadline, HttpError, Policy, Request};
use crate::window::{Freeze, ics};

/// The largest calendar read.
const MAX_BYTES: u64 = 4 << 20;

#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub url: String,
    /// For times without a zone.
    pub tz: Tz,
    /// Replaces the events' summaries when given.
    pub reason: Option<String>,
    pub name: Option<String>,
    /// Where the last copy and its ETag are kept.
    pub cache: PathBuf,
}

/// FNV-1a, for a cache file name that never holds the URL itself (it may
/// carry a token).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Feed {
    /// The URL as shown (its secrets masked).
    pub fn shown(&self) -> String {
        crate::secret::redact_url(&self.url)
    }

    fn paths(&self) -> (PathBuf, PathBuf) {
        let stem = format!("calendar-{:016x}", fnv(&self.url));
        (
            self.cache.join(format!("{stem}.ics")),
            self.cache.join(format!("{stem}.etag")),
        )
    }

    /// The calendar's events as freezes.
    pub fn fetch(&self, deadline: Deadline) -> Result<Vec<Freeze>, Failure> {
        let (copy, tag) = self.paths();
        let etag = std::fs::read_to_string(&tag)
            .ok()
            .filter(|_| copy.is_file());
        let mut req = Request::new("GET", &self.url);
        req.headers.push(("Accept".into(), "text/calendar".into()));
        if let Some(e) = &etag {
            req.headers
                .push(("If-None-Match".into(), e.trim().to_string()));
        }
        let resp = http::send(&req, Policy::default(), deadline)
            .map_err(|(error, attempts)| Failure::Http { error, attempts })?;
        let text = match resp.status {
            304 if etag.is_some() => {
                let until = std::time::Instant::now() + deadline.remaining();
                crate::input::read::read_text(&copy, MAX_BYTES, "calendar", until)
                    .map_err(|e| Failure::Unreadable(format!("the cached copy: {e}")))?
            }
            200..=299 => {
                if let Some(e) = &resp.etag {
                    // Best effort: without a cache the calendar is fetched whole.
                    let _ = std::fs::create_dir_all(&self.cache)
                        .and_then(|()| std::fs::write(&copy, &resp.body))
                        .and_then(|()| std::fs::write(&tag, e));
                }
                resp.body
            }
            status => {
                return Err(Failure::Http {
                    error: HttpError::Status {
                        status,
                        body: resp.body,
                    },
                    attempts: resp.attempts,
                });
            }
        };
        let freezes = ics::freezes(&text, self.tz, self.reason.as_deref())
            .map_err(|e| Failure::BadAnswer(format!("not a calendar greenlight can read: {e}")))?;
        Ok(freezes
            .into_iter()
            .map(|f| f.named(self.name.clone()))
            .collect())
    }
}
