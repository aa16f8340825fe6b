//! prop tests
