//! Building the canonical cost frame of one source file.

use super::parse::ROW;
use polars::prelude::*;
use std::collections::HashMap;
use warehouse::schema::{COST_COLUMNS, ColumnKind};

/// Collects one expression per canonical column; missing columns become typed nulls.
#[derive(Default)]
pub struct CanonicalFrame {
    exprs: HashMap<&'static str, Expr>,
}

impl CanonicalFrame {
    /// Starts an empty mapping.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the expression of canonical column `name` (its dtype is enforced on output).
    ///
    /// # Panics
    /// If `name` is not a canonical column (a programming error in an adapter).
    pub fn set(&mut self, name: &'static str, expr: Expr) -> &mut Self {
        assert!(
            warehouse::schema::cost_column(name).is_some(),
            "{name} is not a canonical cost column"
        );
        self.exprs.insert(name, expr);
        self
    }

    /// The expression set for `name`, if any.
    pub fn get(&self, name: &str) -> Option<Expr> {
        self.exprs.get(name).cloned()
    }

    /// Whether `name` has been set.
    pub fn has(&self, name: &str) -> bool {
        self.exprs.contains_key(name)
    }

    /// Applies the mapping to `raw`, producing exactly the canonical columns in storage order.
    pub fn apply(mut self, raw: LazyFrame) -> LazyFrame {
        let exprs: Vec<Expr> = COST_COLUMNS
            .iter()
            .map(|c| {
                let dtype = c.kind.dtype();
                let e = self.exprs.remove(c.name).unwrap_or_else(|| lit(NULL));
                let e = match c.kind {
                    // parsers already produce the exact type; a cast keeps nulls typed
                    ColumnKind::Money | ColumnKind::Quantity | ColumnKind::Timestamp => {
                        e.cast(dtype)
                    }
                    _ => e.strict_cast(dtype),
                };
                e.alias(c.name)
            })
            .collect();
        raw.select(exprs)
    }
}

/// A text column with blanks as nulls.
pub fn text(name: &str) -> Expr {
    let c = col(name).cast(DataType::String);
    when(c.clone().str().strip_chars(lit(NULL)).eq(lit("")))
        .then(lit(NULL))
        .otherwise(c)
}

/// The per-file row number column.
pub fn row() -> Expr {
    col(ROW)
}

/// First non-null of several expressions.
pub fn first_of(exprs: Vec<Expr>) -> Expr {
    if exprs.len() == 1 {
        exprs.into_iter().next().unwrap_or_else(|| lit(NULL))
    } else {
        coalesce(&exprs)
    }
}
