//! Exports from the warehouse to other formats.

pub mod focus;
