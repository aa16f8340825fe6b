//! End-to-end tests: the real binary, real local servers, one test binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bamboo;
mod calendars;
mod checks_cli;
mod checks_engine;
mod compare;
mod compare_errors;
mod compare_files;
mod compare_http;
mod compare_watch;
mod environments;
mod errors;
mod etcd;
mod fault_matrix;
mod hostile;
mod incidents;
mod layers;
mod lock_command;
mod locks;
mod observability;
mod output;
mod overrides;
mod pipe_image;
mod pipe_metadata;
mod plugins;
mod publish;
mod reports;
mod secrets;
mod simulation;
mod static_build;
mod support;
mod verify;
mod version;
mod windows;
