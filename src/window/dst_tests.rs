//! DST tests
