//! `greenlight history`: what happened to a deploy lease or an etcd lock,
//! read from the store, as data for the reports.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::http::Deadline;
use crate::store::Etcd;
use crate::store::history::{self, Event};

/// Whose history.
pub struct HistoryConfig {
    pub store: Arc<Etcd>,
    /// `lease shop/production` or `lock etcd:shop/production`.
    pub of: String,
    /// The history folder in the store.
    pub base: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryResult {
    pub of: String,
    pub events: Vec<Event>,
    /// Why it could not be read (exit 3).
    pub error: Option<String>,
}

impl HistoryResult {
    pub fn code(&self) -> u8 {
        if self.error.is_some() { 3 } else { 0 }
    }
}

pub fn read(cfg: &HistoryConfig, now: DateTime<Utc>, deadline: Deadline) -> HistoryResult {
    match history::read(&cfg.store, &cfg.base, now, deadline) {
        Ok(events) => HistoryResult {
            of: cfg.of.clone(),
            events,
            error: None,
        },
        Err(e) => HistoryResult {
            of: cfg.of.clone(),
            events: Vec::new(),
            error: Some(e.to_string()),
        },
    }
}
