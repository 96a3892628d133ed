//! A commit message as a Conventional Commit (`feat(api)!: add sync`,
//! footers such as `BREAKING CHANGE: ...` and `Closes #12`), or, when it is
//! not one, as plain text that still goes into the notes.

use serde::Serialize;

/// What one commit says it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `feat`, `fix`, ... lower-cased; `None` for a message that is not a
    /// Conventional Commit.
    pub kind: Option<String>,
    pub scope: Option<String>,
    /// `!` after the type or scope, or a `BREAKING CHANGE` footer.
    pub breaking: bool,
    /// The `BREAKING CHANGE:` footer's text, what a migration needs to know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaking_note: Option<String>,
    /// The subject after `type(scope): `, without a trailing `(#123)`.
    pub description: String,
    /// Issue and pull request references: `#123`, `PROJ-45`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<String>,
}

impl Change {
    /// Whether it is a Conventional Commit of this type.
    pub fn is(&self, kind: &str) -> bool {
        self.kind.as_deref() == Some(kind)
    }
}

/// Footer keys whose values are references to issues or pull requests.
const REFERENCE_KEYS: [&str; 8] = [
    "closes", "close", "fixes", "fix", "resolves", "refs", "ref", "issue",
];

/// Reads `message`; never fails: what is not conventional is plain text.
pub fn parse(message: &str) -> Change {
    let message = message.replace("\r\n", "\n");
    let message = message.trim();
    let (subject, rest) = message.split_once('\n').unwrap_or((message, ""));
    let subject = subject.trim();
    let header = header(subject);
    let footers = footers(rest);
    let breaking_note = footers
        .iter()
        .find(|(key, _)| key == "BREAKING CHANGE" || key == "BREAKING-CHANGE")
        .map(|(_, value)| value.clone());
    let description = header.as_ref().map_or(subject, |h| h.description);
    let (description, mut refs) = trailing_reference(description);
    for (key, value) in &footers {
        if REFERENCE_KEYS.contains(&key.to_lowercase().as_str()) {
            refs.extend(references(value));
        }
    }
    refs.dedup();
    let mut seen = Vec::new();
    refs.retain(|r| {
        let new = !seen.contains(r);
        seen.push(r.clone());
        new
    });
    Change {
        kind: header.as_ref().map(|h| h.kind.to_lowercase()),
        scope: header.as_ref().and_then(|h| h.scope).map(str::to_owned),
        breaking: header.as_ref().is_some_and(|h| h.bang) || breaking_note.is_some(),
        breaking_note,
        description: description.to_owned(),
        refs,
    }
}

struct Header<'a> {
    kind: &'a str,
    scope: Option<&'a str>,
    bang: bool,
    description: &'a str,
}

/// `type(scope)!: description`: a type of letters, an optional scope in
/// parentheses, an optional `!`, then `: ` and a description.
fn header(subject: &str) -> Option<Header<'_>> {
    let (head, description) = subject.split_once(':')?;
    let description = description.strip_prefix(' ')?.trim();
    if description.is_empty() {
        return None;
    }
    let (head, bang) = match head.strip_suffix('!') {
        Some(head) => (head, true),
        None => (head, false),
    };
    let (kind, scope) = match head.split_once('(') {
        Some((kind, scope)) => {
            let scope = scope.strip_suffix(')')?;
            if scope.is_empty() || scope.contains(['(', ')']) {
                return None;
            }
            (kind, Some(scope))
        }
        None => (head, None),
    };
    let is_word = !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphabetic());
    is_word.then_some(Header {
        kind,
        scope,
        bang,
        description,
    })
}

/// The last paragraph's `Key: value` or `Key #value` lines (a value may go
/// on over the lines that follow). Keys are words joined by `-`, or
/// `BREAKING CHANGE`.
fn footers(body: &str) -> Vec<(String, String)> {
    // Paragraphs end at a blank line (spaces count as blank).
    let mut paragraphs: Vec<Vec<&str>> = vec![Vec::new()];
    for line in body.lines() {
        if line.trim().is_empty() {
            paragraphs.push(Vec::new());
        } else if let Some(current) = paragraphs.last_mut() {
            current.push(line);
        }
    }
    let Some(last) = paragraphs.iter().rev().find(|p| !p.is_empty()) else {
        return Vec::new();
    };
    let mut footers: Vec<(String, String)> = Vec::new();
    for line in last.iter().copied() {
        match footer_line(line) {
            Some((key, value)) => footers.push((key.to_owned(), value.trim().to_owned())),
            None => match footers.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                // The paragraph is not footers.
                None => return Vec::new(),
            },
        }
    }
    footers
}

fn footer_line(line: &str) -> Option<(&str, &str)> {
    for breaking in ["BREAKING CHANGE: ", "BREAKING-CHANGE: "] {
        if let Some(value) = line.strip_prefix(breaking) {
            return Some((breaking.trim_end_matches([':', ' ']), value));
        }
    }
    let at = line.find([':', ' '])?;
    let (key, rest) = line.split_at(at);
    let is_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !is_key {
        return None;
    }
    rest.strip_prefix(": ")
        .or_else(|| rest.strip_prefix(" #").map(|_| &rest[1..]))
        .map(|value| (key, value))
}

/// A description ending in `(#123)` (a squash merge's pull request) gives
/// the reference and the description without it.
fn trailing_reference(description: &str) -> (&str, Vec<String>) {
    if let Some(open) = description.rfind(" (")
        && let Some(inner) = description[open + 2..].strip_suffix(')')
    {
        let refs = references(inner);
        if !refs.is_empty()
            && refs.len() == inner.split([',', ' ']).filter(|w| !w.is_empty()).count()
        {
            return (description[..open].trim_end(), refs);
        }
    }
    (description, Vec::new())
}

/// `#123` and `PROJ-45` in `text`.
fn references(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .map(|w| w.trim_matches(|c: char| matches!(c, '(' | ')' | '.' | ';')))
        .filter(|w| is_issue_number(w) || is_ticket(w))
        .map(str::to_owned)
        .collect()
}

fn is_issue_number(word: &str) -> bool {
    word.strip_prefix('#')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// `PROJ-45`: upper-case letters (and digits after the first), `-`, digits.
fn is_ticket(word: &str) -> bool {
    let Some((project, number)) = word.split_once('-') else {
        return false;
    };
    project
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && project
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conventional_subject_gives_type_scope_and_description() {
        let change = parse("feat(api): add channel sync");
        assert_eq!(change.kind.as_deref(), Some("feat"));
        assert_eq!(change.scope.as_deref(), Some("api"));
        assert!(!change.breaking);
        assert_eq!(change.description, "add channel sync");
        let change = parse("Fix: handle empty cart");
        assert_eq!(
            change.kind.as_deref(),
            Some("fix"),
            "types are case-insensitive"
        );
        assert_eq!(change.scope, None);
    }

    #[test]
    fn a_bang_or_a_breaking_footer_is_breaking() {
        let change = parse("feat(db)!: drop the legacy table");
        assert!(change.breaking);
        assert_eq!(change.breaking_note, None);
        let change = parse(
            "refactor: new config loader\n\nReads TOML only.\n\nBREAKING CHANGE: YAML configs\nare no longer read\nCloses #41",
        );
        assert!(change.breaking);
        assert_eq!(
            change.breaking_note.as_deref(),
            Some("YAML configs are no longer read")
        );
        assert_eq!(change.refs, ["#41"]);
        let change = parse("fix!: x\n\nBREAKING-CHANGE: y");
        assert_eq!(change.breaking_note.as_deref(), Some("y"));
        // Written on Windows, or with a line of spaces between paragraphs.
        let change = parse("fix: x\r\n\r\nbody\r\n  \r\nBREAKING CHANGE: z\r\n");
        assert_eq!(change.breaking_note.as_deref(), Some("z"));
    }

    #[test]
    fn references_come_from_the_subject_and_the_footers() {
        let change = parse("fix(cart): round totals (#123)\n\nRefs: PROJ-45, #9\nFixes #10");
        assert_eq!(change.description, "round totals");
        assert_eq!(change.refs, ["#123", "PROJ-45", "#9", "#10"]);
        let change = parse("fix: keep (parenthesised) words");
        assert_eq!(change.description, "keep (parenthesised) words");
        assert!(change.refs.is_empty());
    }

    #[test]
    fn a_message_that_is_not_conventional_is_plain_text() {
        for message in [
            "Merge branch 'main' into feature",
            "Update README.md",
            "feat:no space",
            "feat(): empty scope",
            "feat: ",
            "fix(a(b)): nested",
            "2.0: release",
            "",
        ] {
            let change = parse(message);
            assert_eq!(change.kind, None, "{message:?}");
            assert!(!change.breaking, "{message:?}");
        }
        assert_eq!(
            parse("Update README.md\n\nmore").description,
            "Update README.md"
        );
    }

    #[test]
    fn a_body_paragraph_is_not_taken_for_footers() {
        let change = parse("feat: x\n\nThis explains: why it changed\nand more words");
        assert!(change.refs.is_empty());
        assert!(!change.breaking);
    }
}
