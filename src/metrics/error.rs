//! Why a query gave no values: which source, and the typed [`Failure`].

use crate::failure::{Failure, FailureKind};
use crate::secret::Secrets;

#[derive(Debug, Clone, PartialEq)]
pub struct MetricsError {
    /// The source's name (`prometheus`); files are named by their path in
    /// the failure itself.
    pub source_name: String,
    pub failure: Failure,
}

impl std::fmt::Display for MetricsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = &self.source_name;
        match &self.failure {
            Failure::Http { .. } => write!(f, "{name} could not be reached: {}", self.failure),
            Failure::BadAnswer(cause) => write!(f, "{name} answered something unexpected: {cause}"),
            Failure::Rejected { .. } | Failure::Declined { .. } => {
                write!(f, "{name} rejected the query: {}", self.failure)
            }
            Failure::Unreadable(_) | Failure::NotRun(_) | Failure::Internal(_) => {
                write!(f, "{}", self.failure)
            }
        }
    }
}

impl std::error::Error for MetricsError {}

impl MetricsError {
    pub fn kind(&self) -> FailureKind {
        self.failure.kind()
    }

    pub fn scrub(self, secrets: &Secrets) -> MetricsError {
        MetricsError {
            source_name: self.source_name,
            failure: self.failure.scrub(secrets),
        }
    }
}
