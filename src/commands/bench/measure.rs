//! Runs one child process and measures its wall time and peak resident memory (of that child
//! alone: `wait4` returns the reaped child's own `rusage`). On Linux it also samples the child's
//! anonymous (private) resident memory: peak RSS counts the pages of files the child maps, which
//! the kernel can drop at any time, and polars maps its input files.

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
    /// Peak anonymous resident memory (`RssAnon`, sampled every 20 ms), in bytes; `None` off
    /// Linux.
    pub peak_anon_bytes: Option<u64>,
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
    let sampler = AnonSampler::start(child.id());
    let (status, peak_rss_bytes) = wait(child).with_context(|| format!("waiting for {cmd:?}"))?;
    let wall = started.elapsed();
    let peak_anon_bytes = sampler.stop();
    let stdout = reader.join().unwrap_or_default();
    Ok(Measured {
        wall,
        peak_rss_bytes,
        peak_anon_bytes,
        status,
        stdout,
    })
}

/// Samples `RssAnon` of a running process from `/proc/<pid>/status` on its own thread.
struct AnonSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Option<u64>>,
}

impl AnonSampler {
    fn start(pid: u32) -> Self {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let status = format!("/proc/{pid}/status");
            let mut peak = None;
            while !stopping.load(Ordering::Relaxed) {
                if let Some(anon) = std::fs::read_to_string(&status)
                    .ok()
                    .and_then(|s| anon_bytes(&s))
                {
                    peak = Some(peak.map_or(anon, |p: u64| p.max(anon)));
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        });
        Self { stop, thread }
    }

    fn stop(self) -> Option<u64> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().ok().flatten()
    }
}

/// `RssAnon:   123456 kB` → bytes.
fn anon_bytes(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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

    #[test]
    #[cfg(target_os = "linux")]
    fn samples_anonymous_memory_of_a_child_that_allocates() {
        // python holding 200 MB of private memory for a moment
        let m = run(
            Command::new("python3").args([
                "-c",
                "import time; b = bytearray(200_000_000); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.3)",
            ]),
            "py",
        )
        .unwrap();
        assert!(m.status.success());
        let anon = m.peak_anon_bytes.expect("Linux reports RssAnon");
        assert!(anon > 200_000_000, "{anon}");
        assert_eq!(
            anon_bytes("Name:\tx\nRssAnon:\t   2048 kB\n"),
            Some(2 * 1024 * 1024)
        );
    }
}
