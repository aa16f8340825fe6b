//! Stage two of `gate` and `status`: the schedule (windows and freezes,
//! each in its time zone) and the lock sources.

use serde_saphyr::Spanned;

use super::file::WindowEntry;
use super::{Inputs, Loaded};
use crate::cli::GateArgs;
use crate::gate::{Bypass, BypassKind, GateConfig};
use crate::input::{ConfigError, Sourced, pick, pick_bool, split_list};
use crate::window::{Freeze, Length, Schedule, Tz, WeeklyWindow, parse_timezone};

pub fn resolve(args: &GateArgs, i: &Inputs<'_>) -> Result<GateConfig, ConfigError> {
    let (file, ctx) = (i.file, i.ctx);
    let Planned {
        schedule,
        calendars,
        ..
    } = schedule(&args.window, args.timezone.as_deref(), i)?;
    let sources = super::locks::sources(&args.sources, file, ctx, i.store.as_ref())?;

    // With a config file, an empty schedule is a choice (`windows: []`:
    // always open); without one, nothing to evaluate is a usage mistake.
    let lease = super::lease::plan(&args.lease, i)?;
    if file.is_none() && schedule.is_empty() && sources.is_empty() && lease.is_none() {
        return Err(ConfigError::Usage(
            "nothing to evaluate: give a window (--window and --timezone, or `windows:` in greenlight.yml), a lock source (--lock-env, --lock-file, --lock-url) or a lease (--lease with --etcd-endpoints)".into(),
        ));
    }
    let on_error = match pick("on-error", args.on_error.as_deref(), ctx) {
        Some(s) => s.value.parse().map_err(|e: String| s.invalid(e))?,
        None => file.and_then(|f| f.file.locks.on_error).unwrap_or_default(),
    };
    Ok(GateConfig {
        schedule,
        sources,
        on_error,
        lease,
        bypass: bypass(args, i)?,
        store: i.store.clone(),
        calendars,
    })
}

/// `2026-12-24` (midnight) or `2026-12-24T18:00[:SS]` (also with a space).
fn local_date_time(text: &str) -> Option<chrono::NaiveDateTime> {
    let t = text.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0);
    }
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(t, f).ok())
}

/// `--override` (allowed by `overrides:`, for an identity it names) or
/// `--rollback` (allowed by `allow_rollbacks: true`).
fn bypass(args: &GateArgs, i: &Inputs<'_>) -> Result<Option<Bypass>, ConfigError> {
    let file = i.file.map(|f| &f.file);
    let by = crate::store::default_holder(i.ctx);
    if let Some(o) = pick("override", args.override_reason.as_deref(), i.ctx) {
        if pick_bool("rollback", args.rollback, i.ctx) {
            return Err(o.invalid("give `--override` or `--rollback`, not both"));
        }
        let reason = o.value.trim().to_string();
        if reason.is_empty() {
            return Err(
                o.invalid("an override needs a reason, e.g. --override \"P1 hotfix INC-9\"")
            );
        }
        let policy = file.and_then(|f| f.overrides.clone()).unwrap_or_default();
        if !policy.allowed {
            return Err(o.invalid(
                "overrides are not allowed here: the config needs `overrides: {allowed: true, by: [...]}`",
            ));
        }
        if !policy.by.is_empty() && !policy.by.iter().any(|p| glob(p, &by)) {
            return Err(o.invalid(format!(
                "`{by}` may not override: overrides.by allows {}",
                policy.by.join(", ")
            )));
        }
        return Ok(Some(Bypass {
            kind: BypassKind::Override { reason },
            by,
        }));
    }
    let flagged = pick_bool("rollback", args.rollback, i.ctx);
    let from = if flagged {
        Some("--rollback".to_string())
    } else if i
        .ctx
        .var("bamboo_deploy_rollback")
        .is_some_and(crate::input::is_true)
    {
        Some("bamboo_deploy_rollback=true".to_string())
    } else {
        None
    };
    let Some(from) = from else {
        return Ok(None);
    };
    if !file.and_then(|f| f.allow_rollbacks).unwrap_or(false) {
        // Said, and judged as any deploy.
        log::warn!(
            "{from}: a rollback, but the config does not allow_rollbacks: judged as any deploy"
        );
        return Ok(None);
    }
    Ok(Some(Bypass {
        kind: BypassKind::Rollback {
            from,
            incidents_block: file
                .and_then(|f| f.incidents_block_rollbacks)
                .unwrap_or(false),
        },
        by,
    }))
}

/// `*` matches any text (including none); everything else itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    if parts.len() == 1 {
        return pattern == text;
    }
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for m in middle {
        match rest.find(m) {
            Some(i) => rest = &rest[i + m.len()..],
            None => return false,
        }
    }
    rest.ends_with(last) && rest.len() >= last.len()
}

/// `calendar`: the schedule, the zone to show, how far ahead.
pub fn calendar(
    args: &crate::cli::CalendarArgs,
    i: &Inputs<'_>,
) -> Result<crate::calendar_view::CalendarConfig, ConfigError> {
    let Planned {
        schedule,
        calendars,
        timezone,
    } = schedule(&args.window, args.timezone.as_deref(), i)?;
    let next = match pick("next", args.next.as_deref(), i.ctx) {
        Some(s) => {
            let d = crate::duration::parse_positive(&s.value).map_err(|e| s.invalid(e))?;
            if d > std::time::Duration::from_secs(366 * 86_400) {
                return Err(s.invalid("at most 366d ahead"));
            }
            d
        }
        None => std::time::Duration::from_secs(14 * 86_400),
    };
    let tz = timezone
        .or_else(|| schedule.windows.first().map(|w| w.tz))
        .unwrap_or(chrono_tz::UTC);
    Ok(crate::calendar_view::CalendarConfig {
        schedule,
        calendars,
        tz,
        next,
        on_error: i
            .file
            .and_then(|f| f.file.locks.on_error)
            .unwrap_or_default(),
    })
}

/// The schedule of a config: windows (the flags' or the file's), freezes
/// (the file's: one-off, yearly, rrule, iCalendar files), the calendars on
/// the web to fetch each run, and the default time zone.
pub struct Planned {
    pub schedule: Schedule,
    pub calendars: Vec<crate::calendar::Feed>,
    pub timezone: Option<Tz>,
}

pub fn schedule(
    window: &[String],
    timezone: Option<&str>,
    i: &Inputs<'_>,
) -> Result<Planned, ConfigError> {
    let (file, ctx) = (i.file, i.ctx);
    let run_at = i.settings.at;
    let default_tz = match pick("timezone", timezone, ctx) {
        Some(s) => Some(parse_timezone(&s.value).map_err(|e| s.invalid(e.to_string()))?),
        None => file.and_then(|f| f.file.timezone).map(|t| t.0),
    };

    let mut schedule = Schedule::default();
    let mut calendars = Vec::new();
    let cli_windows: Vec<Sourced> = split_list("window", window, ctx);
    if let Some(first) = cli_windows.first() {
        let tz = default_tz.ok_or_else(|| {
            first.invalid(format!(
                "window `{}` has no time zone: add --timezone (or GREENLIGHT_TIMEZONE), e.g. Europe/London or UTC",
                first.value
            ))
        })?;
        for w in &cli_windows {
            schedule
                .windows
                .push(WeeklyWindow::parse(&w.value, tz).map_err(|e| w.invalid(e.to_string()))?);
        }
    } else if let Some(f) = file {
        for (i, entry) in f.file.windows.iter().enumerate() {
            schedule
                .windows
                .push(window_from_file(f, i, entry, default_tz)?);
        }
    }
    if let Some(f) = file {
        for (i, entry) in f.file.freezes.iter().enumerate() {
            let e = &entry.value;
            let at = |msg: String| {
                f.text
                    .error_at(&entry.referenced, format!("freezes[{i}]"), msg)
            };
            let tz = e.timezone.map(|t| t.0).or(default_tz).ok_or_else(|| {
                at("no time zone: add `timezone:` to the freeze or at the top of the file".into())
            })?;
            if let Some(source) = &e.ics {
                if e.yearly.is_some() || e.from.is_some() || e.rrule.is_some() {
                    return Err(at("an `ics` calendar takes its dates from its events: no `from`, `to`, `yearly` or `rrule` beside it".into()));
                }
                let reason = Some(e.reason.trim())
                    .filter(|r| !r.is_empty())
                    .map(str::to_string);
                if source.starts_with("http://") || source.starts_with("https://") {
                    crate::http::check_url(source).map_err(|m| at(format!("ics: {m}")))?;
                    calendars.push(crate::calendar::Feed::new(
                        source.clone(),
                        tz,
                        reason,
                        e.name.clone(),
                        ctx.cwd.join(".greenlight/cache"),
                    ));
                } else {
                    let path = ctx.cwd.join(source);
                    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
                    let text = crate::input::read::read_text(
                        &path,
                        crate::calendar::MAX_BYTES,
                        "calendar",
                        until,
                    )
                    .map_err(|err| at(format!("ics: `{source}`: {err}")))?;
                    let found = crate::window::ics::freezes(&text, tz, reason.as_deref(), run_at)
                        .map_err(|err| at(format!("ics: `{source}`: {err}")))?;
                    schedule
                        .freezes
                        .extend(found.into_iter().map(|f| f.named(e.name.clone())));
                }
                continue;
            }
            if e.reason.trim().is_empty() {
                return Err(at(
                    "a freeze needs a `reason` (it is what people read)".into()
                ));
            }
            let freeze = match (&e.yearly, &e.from, &e.to, &e.rrule) {
                (Some(y), None, None, None) => Freeze::yearly(&y.from, &y.to, tz, e.reason.clone()),
                (None, Some(from), Some(to), None) => {
                    Freeze::one_off(from, to, tz, e.reason.clone())
                }
                (None, None, None, Some(rule)) => {
                    let length = match e.duration.map(|d| d.get()) {
                        None => Length::Days(1),
                        Some(d) if d.as_secs() % 86_400 == 0 && d.subsec_nanos() == 0 => {
                            Length::Days(u32::try_from(d.as_secs() / 86_400).unwrap_or(u32::MAX))
                        }
                        Some(d) => Length::Fixed(
                            chrono::Duration::from_std(d).map_err(|_| at("`duration` is too long".into()))?,
                        ),
                    };
                    let mut except = Vec::new();
                    for x in &e.except {
                        except.push(local_date_time(x).ok_or_else(|| {
                            at(format!("except: `{x}` is not a date or a local date-time"))
                        })?);
                    }
                    Freeze::recurring(
                        rule,
                        e.start.as_deref().unwrap_or("2000-01-01"),
                        length,
                        &except,
                        tz,
                        e.reason.clone(),
                        run_at,
                    )
                }
                (None, None, None, None) => return Err(at("needs `from` and `to` (dates or date-times), `yearly: {from: MM-DD, to: MM-DD}`, `rrule` (a recurrence rule) or `ics` (a calendar)".into())),
                _ => {
                    return Err(at("use one of `yearly`, `from`/`to`, `rrule` or `ics`".into()));
                }
            }
            .map_err(|err| at(err.to_string()))?;
            if (e.start.is_some() || e.duration.is_some() || !e.except.is_empty())
                && e.rrule.is_none()
            {
                return Err(at(
                    "`start`, `duration` and `except` belong to an `rrule` freeze".into(),
                ));
            }
            schedule.freezes.push(freeze.named(e.name.clone()));
        }
    }

    Ok(Planned {
        schedule,
        calendars,
        timezone: default_tz,
    })
}

fn window_from_file(
    f: &Loaded,
    i: usize,
    entry: &Spanned<WindowEntry>,
    default_tz: Option<Tz>,
) -> Result<WeeklyWindow, ConfigError> {
    let e = &entry.value;
    let at = |msg: String| {
        f.text
            .error_at(&entry.referenced, format!("windows[{i}]"), msg)
    };
    let tz = e.timezone.map(|t| t.0).or(default_tz).ok_or_else(|| {
        at(format!(
            "window `{}` has no time zone: add `timezone:` at the top of the file or to the window (e.g. Europe/London, or UTC)",
            e.when
        ))
    })?;
    WeeklyWindow::parse(&e.when, tz)
        .map(|w| w.named(e.name.clone()))
        .map_err(|err| at(err.to_string()))
}

#[cfg(test)]
mod glob_tests {
    use super::glob;

    #[test]
    fn stars_match_any_text() {
        assert!(glob("acme/shop#*", "acme/shop#{1}/{2}"));
        assert!(glob("*@ci-*", "alice@ci-7"));
        assert!(glob("alice", "alice"));
        assert!(!glob("alice", "alice2"));
        assert!(!glob("acme/*#x", "acme/shop#y"));
        assert!(glob("*", ""));
    }
}
