//! A small RFC 4180 CSV reader: comma-separated fields, fields in double quotes may hold commas,
//! line breaks and doubled quotes (`""` → `"`); records end with CRLF or LF.

/// One record and the (1-based) line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Line number of the record's first character.
    pub line: usize,
    /// The fields, unquoted.
    pub fields: Vec<String>,
}

/// Malformed CSV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// A quoted field is never closed.
    #[error("line {line}: quoted field is not closed")]
    UnclosedQuote {
        /// Line the field starts on.
        line: usize,
    },
    /// A quote inside an unquoted field, or text after a closing quote.
    #[error("line {line}: stray quote or text after a closing quote")]
    StrayQuote {
        /// Line of the offending character.
        line: usize,
    },
}

/// Parses `text` into records. Blank lines are skipped; a final line break is optional.
pub fn parse(text: &str) -> Result<Vec<Record>, CsvError> {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    // the current field was quoted (and its closing quote seen, when not `in_quotes`)
    let mut quoted = false;
    let mut in_quotes = false;
    let mut quote_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if in_quotes {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(ch);
                }
                _ => field.push(ch),
            }
            continue;
        }
        match ch {
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                end_record(&mut records, &mut fields, &mut field, record_line, quoted);
                quoted = false;
                line += 1;
                record_line = line;
            }
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                in_quotes = true;
                quote_line = line;
            }
            _ if quoted => return Err(CsvError::StrayQuote { line }),
            '"' => return Err(CsvError::StrayQuote { line }),
            _ => field.push(ch),
        }
    }
    if in_quotes {
        return Err(CsvError::UnclosedQuote { line: quote_line });
    }
    end_record(&mut records, &mut fields, &mut field, record_line, quoted);
    Ok(records)
}

/// Closes the current record, unless it is a blank line.
fn end_record(
    records: &mut Vec<Record>,
    fields: &mut Vec<String>,
    field: &mut String,
    line: usize,
    quoted: bool,
) {
    if fields.is_empty() && field.is_empty() && !quoted {
        return;
    }
    fields.push(std::mem::take(field));
    records.push(Record {
        line,
        fields: std::mem::take(fields),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        parse(text)
            .expect("valid CSV")
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn plain_fields_and_both_line_endings() {
        assert_eq!(
            fields("a,b,c\r\n1,,3\n"),
            vec![vec!["a", "b", "c"], vec!["1", "", "3"]]
        );
    }

    #[test]
    fn quoted_fields_keep_commas_doubled_quotes_and_line_breaks() {
        let text = "k,v\r\nx,\"W per vCPU (unknown, average)\"\r\ny,\"say \"\"hi\"\"\"\r\nz,\"two\nlines\"\r\n";
        let records = parse(text).expect("valid CSV");
        assert_eq!(
            records[1].fields,
            vec!["x", "W per vCPU (unknown, average)"]
        );
        assert_eq!(records[2].fields, vec!["y", "say \"hi\""]);
        assert_eq!(records[3].fields, vec!["z", "two\nlines"]);
        assert_eq!(
            records.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![1, 2, 3, 4]
        );
    }

    #[test]
    fn empty_quoted_field_and_missing_final_line_break() {
        assert_eq!(fields("\"\",b"), vec![vec!["", "b"]]);
        assert_eq!(fields("a,\"\""), vec![vec!["a", ""]]);
    }

    #[test]
    fn blank_lines_are_skipped_and_line_numbers_still_count() {
        let records = parse("a\n\nb\n").expect("valid CSV");
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].line, 3);
    }

    #[test]
    fn malformed_quotes_are_errors() {
        assert_eq!(
            parse("a,\"open\nb"),
            Err(CsvError::UnclosedQuote { line: 1 })
        );
        assert_eq!(parse("a,b\"c"), Err(CsvError::StrayQuote { line: 1 }));
        assert_eq!(parse("x\n\"a\"b"), Err(CsvError::StrayQuote { line: 2 }));
    }

    #[test]
    fn whitespace_is_kept_verbatim() {
        assert_eq!(
            fields("d3,xlarge\t, b "),
            vec![vec!["d3", "xlarge\t", " b "]]
        );
    }
}
