//! Runs one child process and measures its wall time and peak resident memory (of that child
//! alone: `wait4` returns the reaped child's own `rusage`).

use anyhow::Context;
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The outcome of a measured run.
#[derive(Debug)]
pub struct Measured {
    /// Wall time from spawn to exit.
    pub wall: Duration,
    /// Peak resident set size of the child, in bytes (`None` where the platform does not say).
    pub peak_rss_bytes: Option<u64>,
    /// How the child ended.
    pub status: ExitStatus,
    /// Everything the child printed on stdout.
    pub stdout: String,
}

/// Runs `cmd`, echoing its stdout lines prefixed with `label` as they come (stderr passes
/// through), and waits for it.
///
/// # Errors
/// The child cannot be started or waited for. A child that fails is not an error here: see
/// [`Measured::status`].
pub fn run(cmd: &mut Command, label: &str) -> anyhow::Result<Measured> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let started = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("starting {cmd:?}"))?;
    let stdout = child
        .stdout
        .take()
        .context("the child's stdout pipe is missing")?;
    let prefix = format!("  {label} │ ");
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{prefix}{line}");
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let (status, peak_rss_bytes) = wait(child).with_context(|| format!("waiting for {cmd:?}"))?;
    let wall = started.elapsed();
    let stdout = reader.join().unwrap_or_default();
    Ok(Measured {
        wall,
        peak_rss_bytes,
        status,
        stdout,
    })
}

/// Reaps the child with `wait4`, which also returns its resource usage.
#[cfg(unix)]
fn wait(child: std::process::Child) -> std::io::Result<(ExitStatus, Option<u64>)> {
    use std::os::unix::process::ExitStatusExt;
    let pid = libc::pid_t::try_from(child.id()).map_err(std::io::Error::other)?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain integers and timevals, for which all-zero bytes are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `pid` is our own unreaped child (std never waits on it: we hold the `Child`), and
        // both out-pointers refer to live, writable locals.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    // Linux reports ru_maxrss in KiB, macOS in bytes.
    let maxrss = u64::try_from(usage.ru_maxrss).unwrap_or(0);
    let bytes = if cfg!(target_os = "macos") {
        maxrss
    } else {
        maxrss * 1024
    };
    Ok((ExitStatus::from_raw(status), Some(bytes)))
}

#[cfg(not(unix))]
fn wait(mut child: std::process::Child) -> std::io::Result<(ExitStatus, Option<u64>)> {
    Ok((child.wait()?, None))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn measures_a_child() {
        let m = run(Command::new("sh").args(["-c", "echo hello; exit 3"]), "sh").unwrap();
        assert_eq!(m.stdout, "hello\n");
        assert_eq!(m.status.code(), Some(3));
        assert!(m.peak_rss_bytes.unwrap() > 0);
    }
}
