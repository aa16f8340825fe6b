//! The `greenlight` binary: everything lives in the library; this only hands
//! over the process's arguments and environment and returns the exit code.

fn main() -> std::process::ExitCode {
    let ctx = greenlight::Context::from_process();
    let code = greenlight::run(std::env::args_os(), &ctx);
    std::process::ExitCode::from(code)
}
