//! Export fields by their BigQuery path (`service.description`), whether the file flattened them
//! into dotted column names (CSV query results) or kept them nested (NDJSON, Parquet structs).

use polars::prelude::*;

/// The fields of one scanned file.
pub struct Fields {
    schema: SchemaRef,
}

impl Fields {
    /// Fields of a file whose raw scan has `schema`.
    pub fn new(schema: SchemaRef) -> Self {
        Self { schema }
    }

    /// The expression reading `path`: a column named exactly so (case-insensitively), else the
    /// struct field reached by following the path's parts. `None` when the file lacks it.
    pub fn get(&self, path: &str) -> Option<Expr> {
        if let Some((name, _)) = find(self.schema.iter(), path) {
            return Some(col(name.as_str()));
        }
        // the longest column-name prefix first: `a.b.c` may be column `a.b` with field `c`
        let dots: Vec<usize> = path.match_indices('.').map(|(i, _)| i).collect();
        for &i in dots.iter().rev() {
            let (head, rest) = (&path[..i], &path[i + 1..]);
            if let Some((name, dtype)) = find(self.schema.iter(), head)
                && let Some(expr) = descend(col(name.as_str()), dtype, rest)
            {
                return Some(expr);
            }
        }
        None
    }

    /// Whether the file has `path`.
    pub fn has(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// `path` as text with blanks as nulls (a typed null when absent).
    pub fn text(&self, path: &str) -> Expr {
        self.get(path).map_or_else(
            || lit(NULL).cast(DataType::String),
            |e| {
                let t = e.cast(DataType::String);
                when(t.clone().str().strip_chars(lit(NULL)).eq(lit("")))
                    .then(lit(NULL).cast(DataType::String))
                    .otherwise(t)
            },
        )
    }
}

fn find<'a>(
    mut fields: impl Iterator<Item = (&'a PlSmallStr, &'a DataType)>,
    name: &str,
) -> Option<(&'a PlSmallStr, &'a DataType)> {
    fields.find(|(n, _)| n.eq_ignore_ascii_case(name))
}

fn descend(expr: Expr, dtype: &DataType, rest: &str) -> Option<Expr> {
    let DataType::Struct(fields) = dtype else {
        return None;
    };
    let iter = || fields.iter().map(|f| (f.name(), f.dtype()));
    if let Some((name, _)) = find(iter(), rest) {
        return Some(expr.struct_().field_by_name(name.as_str()));
    }
    let (head, tail) = rest.split_once('.')?;
    let (name, inner) = find(iter(), head)?;
    descend(expr.struct_().field_by_name(name.as_str()), inner, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_and_nested_paths_resolve_to_the_same_values() {
        let flat = df!(
            "service.description" => ["Compute Engine"],
            "cost" => ["1.5"],
        )
        .unwrap();
        let nested = df!("cost" => [1.5f64])
            .unwrap()
            .lazy()
            .with_column(
                as_struct(vec![lit("Compute Engine").alias("description")]).alias("Service"),
            )
            .collect()
            .unwrap();
        for df in [flat, nested] {
            let fields = Fields::new(df.schema().clone());
            assert!(fields.has("service.description") && fields.has("cost"));
            assert!(!fields.has("service.id") && !fields.has("sku.description"));
            let out = df
                .lazy()
                .select([
                    fields.text("service.description").alias("s"),
                    fields.text("sku.id").alias("k"),
                ])
                .collect()
                .unwrap();
            assert_eq!(
                out.column("s").unwrap().str().unwrap().get(0),
                Some("Compute Engine")
            );
            assert_eq!(out.column("k").unwrap().null_count(), 1);
        }
    }
}
