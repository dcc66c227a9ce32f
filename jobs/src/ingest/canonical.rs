//! Building the canonical cost frame of one source file.

use super::parse::ROW;
use polars::prelude::*;
use std::collections::HashMap;
use warehouse::schema::{COST_COLUMNS, ColumnKind};

/// Collects one expression per canonical column; missing columns become typed nulls.
#[derive(Default)]
pub struct CanonicalFrame {
    exprs: HashMap<&'static str, Expr>,
    /// Struct columns computed before the mapping ([`Self::shared`]).
    shared: Vec<Expr>,
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

    /// Evaluates `columns` once per row, as a temporary column added before the mapping, and
    /// returns one expression per column for [`Self::set`] or further expressions.
    pub fn shared<const N: usize>(&mut self, columns: SharedColumns<N>) -> [Expr; N] {
        let Some(expr) = columns.expr else {
            return columns.names.map(|_| lit(NULL).cast(DataType::String));
        };
        let name = format!("__shared{}", self.shared.len());
        self.shared.push(expr.alias(name.as_str()));
        columns
            .names
            .map(|n| col(name.as_str()).struct_().field_by_name(n))
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
        let raw = if self.shared.is_empty() {
            raw
        } else {
            raw.with_columns(std::mem::take(&mut self.shared))
        };
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

/// Text columns computed together by one costly per-row step (parsing a JSON cell, a lookup):
/// a struct expression with one text field per name. Hand it to [`CanonicalFrame::shared`],
/// which evaluates it once per row (two expressions reading the same function would each run it:
/// polars' streaming engine does not merge them).
#[derive(Clone)]
pub struct SharedColumns<const N: usize> {
    /// `None`: every column is null (the input has nothing to compute from).
    pub(crate) expr: Option<Expr>,
    names: [&'static str; N],
}

impl<const N: usize> SharedColumns<N> {
    /// Columns that are null on every row.
    pub fn nulls(names: [&'static str; N]) -> Self {
        Self { expr: None, names }
    }
}

/// Builds [`SharedColumns`]: `compute` runs once per batch of `input` and returns one value per
/// row for each of `names`.
pub fn shared_text_columns<const N: usize, F>(
    input: Expr,
    names: [&'static str; N],
    compute: F,
) -> SharedColumns<N>
where
    F: Fn(&Column) -> PolarsResult<[Vec<Option<String>>; N]> + Send + Sync + 'static,
{
    let fields: Vec<Field> = names
        .iter()
        .map(|n| Field::new((*n).into(), DataType::String))
        .collect();
    let expr = input.map(
        move |c| {
            let series: Vec<Series> = names
                .iter()
                .zip(compute(&c)?)
                .map(|(n, values)| {
                    StringChunked::from_iter_options((*n).into(), values.into_iter()).into_series()
                })
                .collect();
            Ok(StructChunked::from_series(c.name().clone(), c.len(), series.iter())?.into_column())
        },
        move |_, f| {
            Ok(Field::new(
                f.name().clone(),
                DataType::Struct(fields.clone()),
            ))
        },
    );
    SharedColumns {
        expr: Some(expr),
        names,
    }
}
