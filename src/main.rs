//! The `greenops` command line.

mod cli;
mod commands;
mod exit;
mod orchestration;
mod progress;

use clap::Parser;

/// polars allocates from many threads; mimalloc returns freed memory promptly, where the system
/// allocator's per-thread arenas made peak RSS creep up with input size (see `greenops bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    restore_sigpipe();
    polars_defaults();
    let args = cli::Cli::parse();
    init_tracing(args.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit::Exit::Internal.into();
        }
    };
    let outcome = runtime.block_on(commands::run(args));
    // a timed-out job may leave a blocking thread behind; don't wait for it on the way out
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match outcome {
        Ok(code) => code.into(),
        Err(err) => {
            let code = exit::classify(&err);
            eprintln!("error: {err:#}");
            code.into()
        }
    }
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GREENOPS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// polars settings greenops needs for bounded memory, applied unless the user set the variable:
///
/// * `POLARS_FORCE_ASYNC=1`: read local files with buffered reads instead of memory-mapping
///   them. A mapped input's pages stay resident for the whole scan, so a 2.8 GB CSV.gz ingest
///   ended at 2.9 GB peak RSS (growing with the input); buffered reads stay flat at ~0.6 GB, at
///   the same speed.
/// * `POLARS_HOT_TABLE_SIZE=1048576`: the streaming group-by aggregates keys that fit its "hot"
///   table on the fly and keeps every row of the others until the end. With the default 4,096
///   slots, carbon estimation's ~26k usage groups left most rows cold: 5.4 GB at 50M rows; with
///   2^20 slots, 1.0 GB and 25% faster.
///
/// Figures: docs/benchmarks.md.
fn polars_defaults() {
    for (name, value) in [
        ("POLARS_FORCE_ASYNC", "1"),
        ("POLARS_HOT_TABLE_SIZE", "1048576"),
    ] {
        if std::env::var_os(name).is_none() {
            // SAFETY: called first thing in `main`, before the runtime or anything else starts
            // a thread, so nothing can read the environment concurrently.
            unsafe { std::env::set_var(name, value) };
        }
    }
}

/// `greenops … | head` must end quietly, not panic on a closed pipe: take back the default
/// SIGPIPE action that the Rust runtime replaces.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
