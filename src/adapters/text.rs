//! Text from outside (a command's output, an engine's messages), fit for a
//! terminal line: no control characters, tabs as spaces, cut to a length.

/// Text of several lines (a commit message), each line cleaned as
/// [`clean_line`] cleans one; CRLF read as LF. Cut to `limit` characters.
pub fn clean_lines(text: &str, limit: usize) -> String {
    text.split('\n')
        .map(|line| clean_line(line.trim_end_matches('\r'), limit))
        .collect::<Vec<_>>()
        .join("\n")
        .chars()
        .take(limit)
        .collect()
}

/// One line, cleaned and cut to `limit` characters.
pub fn clean_line(line: &str, limit: usize) -> String {
    line.chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !c.is_control())
        .take(limit)
        .collect()
}
