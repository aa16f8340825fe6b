//! The three results a run can end in, and the exit codes they map to.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | go |
//! | 1 | no-go: window closed, locked, a check failed, a regression was found |
//! | 2 | bad input (see [`crate::Error`]); nothing was evaluated |
//! | 3 | inconclusive: a dependency could not be reached under a fail-closed policy, not enough data, a marginal score |

use serde::Serialize;

/// What an evaluation decided. Bad input is not an outcome: it is an
/// [`crate::Error`], because nothing was evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Go,
    Inconclusive,
    NoGo,
}

impl Outcome {
    /// The process exit code for this outcome.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Go => 0,
            Outcome::NoGo => 1,
            Outcome::Inconclusive => 3,
        }
    }

    /// Combines two outcomes: a no-go anywhere wins, then inconclusive.
    pub fn and(self, other: Outcome) -> Outcome {
        self.max(other)
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!((Go.code(), NoGo.code(), Inconclusive.code()), (0, 1, 3));
    }

    #[test]
    fn no_go_beats_inconclusive_beats_go() {
        assert_eq!(Go.and(Inconclusive), Inconclusive);
        assert_eq!(Inconclusive.and(NoGo), NoGo);
        assert_eq!(Go.and(Go), Go);
    }
}
