//! Conditional parts of a template: `{{#name}}...{{/name}}` is kept when
//! `name` holds, `{{^name}}...{{/name}}` when it does not. A marker alone on
//! its line takes the line with it, so a section can hold whole table rows.

/// The template with `name`'s sections kept or dropped; other text untouched.
pub fn resolve(template: &str, name: &str, holds: bool) -> String {
    let open = format!("{{{{#{name}}}}}");
    let inverted = format!("{{{{^{name}}}}}");
    let close = format!("{{{{/{name}}}}}");
    // Each open section: whether its text shows.
    let mut stack: Vec<bool> = Vec::new();
    let mut out = String::with_capacity(template.len());
    for line in template.split_inclusive('\n') {
        let trimmed = line.trim();
        let standalone = [&open, &inverted, &close]
            .into_iter()
            .find(|marker| trimmed == marker.as_str());
        if let Some(marker) = standalone {
            apply(marker, &open, &close, holds, &mut stack);
            continue;
        }
        let mut rest = line;
        while let Some((at, marker)) = [&open, &inverted, &close]
            .into_iter()
            .filter_map(|m| rest.find(m.as_str()).map(|at| (at, m)))
            .min_by_key(|(at, _)| *at)
        {
            if stack.iter().all(|shown| *shown) {
                out.push_str(&rest[..at]);
            }
            apply(marker, &open, &close, holds, &mut stack);
            rest = &rest[at + marker.len()..];
        }
        if stack.iter().all(|shown| *shown) {
            out.push_str(rest);
        }
    }
    out
}

fn apply(marker: &str, open: &str, close: &str, holds: bool, stack: &mut Vec<bool>) {
    if marker == close {
        // A close with no open is dropped: a typo loses no text.
        stack.pop();
    } else {
        stack.push(if marker == open { holds } else { !holds });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "\
| a | b |
{{#rollback}}
| Rolled back by | x |
{{/rollback}}
{{^rollback}}
| Declared by | x |
{{/rollback}}
Inline: {{#rollback}}yes{{/rollback}}{{^rollback}}no{{/rollback}}.
";

    #[test]
    fn sections_show_as_their_condition_says_and_take_their_lines() {
        assert_eq!(
            resolve(TEMPLATE, "rollback", true),
            "| a | b |\n| Rolled back by | x |\nInline: yes.\n"
        );
        assert_eq!(
            resolve(TEMPLATE, "rollback", false),
            "| a | b |\n| Declared by | x |\nInline: no.\n"
        );
    }

    #[test]
    fn text_without_sections_and_stray_closes_lose_nothing() {
        assert_eq!(
            resolve("plain {{id}}\n", "rollback", false),
            "plain {{id}}\n"
        );
        assert_eq!(resolve("a{{/rollback}}b", "rollback", false), "ab");
    }
}
