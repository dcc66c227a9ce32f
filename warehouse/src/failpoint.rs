//! Deliberate failures for crash tests of the commit protocol.

/// Where a write should fail, to prove that a crash there leaves the committed data intact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailPoint {
    /// Fail while staging, once this many data files have been started.
    AfterStagedFiles(usize),
    /// Fail after staging, right before the commit record is written.
    BeforeCommit,
    /// Fail right after the commit record is written, before any partition is published.
    AfterCommit,
}
