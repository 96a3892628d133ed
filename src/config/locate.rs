//! Turning a byte span in a TOML text into what a person needs: line, column, the
//! dotted key, and the line itself.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// `ui.theme`, when the span sits on a `key = value` line.
    pub key: Option<String>,
    pub line_text: String,
    /// How many characters of the line to underline.
    pub width: usize,
}

pub fn locate(source: &str, span: Range<usize>) -> Location {
    let start = floor_char_boundary(source, span.start.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line_text = source[line_start..line_end]
        .trim_end_matches('\r')
        .to_owned();
    let line = source[..line_start].matches('\n').count() + 1;
    let column = source[line_start..start].chars().count() + 1;
    let end = floor_char_boundary(source, span.end.clamp(start, line_end));
    let width = source[start..end].chars().count().max(1);
    let key = key_on_line(&line_text).map(|key| match section_before(source, line_start) {
        Some(section) => format!("{section}.{key}"),
        None => key,
    });
    Location {
        line,
        column,
        key,
        line_text,
        width,
    }
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn key_on_line(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('#') {
        return None;
    }
    let (key, _) = trimmed.split_once('=')?;
    let key = key.trim().trim_matches('"').trim_matches('\'');
    (!key.is_empty()).then(|| key.to_owned())
}

/// The `[table]` or `[[array]]` header in force at `offset`.
fn section_before(source: &str, offset: usize) -> Option<String> {
    source[..offset].lines().rev().find_map(|line| {
        let line = line.trim();
        let inner = line.strip_prefix('[')?.split(']').next()?;
        Some(inner.trim_start_matches('[').trim().to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_column_and_dotted_key() {
        let text = "# top\n[ui]\ntheme = \"drak\"\n";
        let at = text.find("\"drak\"").unwrap();
        let loc = locate(text, at..at + 6);
        assert_eq!((loc.line, loc.column), (3, 9));
        assert_eq!(loc.key.as_deref(), Some("ui.theme"));
        assert_eq!(loc.line_text, "theme = \"drak\"");
        assert_eq!(loc.width, 6);
    }

    #[test]
    fn top_level_key_has_no_section() {
        let text = "themee = 1\n";
        assert_eq!(locate(text, 0..6).key.as_deref(), Some("themee"));
    }

    #[test]
    fn spans_past_the_end_or_inside_a_character_do_not_panic() {
        let text = "a = \"é\"";
        let _ = locate(text, 6..99);
        let _ = locate(text, 200..300);
        let _ = locate("", 0..0);
    }
}
