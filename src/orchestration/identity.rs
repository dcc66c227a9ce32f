//! Who is acting and what code is running: recorded on every run and audit event.

/// This machine's host name.
pub fn host() -> String {
    let mut buf = [0_u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it on success.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let name = if ok {
        let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    };
    if name.is_empty() {
        "localhost".into()
    } else {
        name
    }
}

/// The person or service acting: `GREENOPS_ACTOR` when set (service accounts, CI), otherwise
/// `user@host` from the OS.
pub fn actor() -> String {
    if let Ok(actor) = std::env::var("GREENOPS_ACTOR")
        && !actor.trim().is_empty()
    {
        return actor.trim().to_string();
    }
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("{user}@{}", host())
}

/// A name unique to this process, e.g. `worker-build01-4242`.
pub fn process_name(role: &str) -> String {
    format!("{role}-{}-{}", host(), std::process::id())
}

/// greenops version and the git commit it was built from (`+dirty` with uncommitted changes).
pub fn code_version() -> String {
    format!(
        "greenops {} ({})",
        env!("CARGO_PKG_VERSION"),
        option_env!("GREENOPS_GIT_COMMIT").unwrap_or("unknown commit")
    )
}
