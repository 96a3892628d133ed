//! Text from outside (a command's output, an engine's messages), fit for a
//! terminal line: no control characters, tabs as spaces, cut to a length.

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
