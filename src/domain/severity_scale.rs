//! A team's own words for severity (`critical`, `high`, ... or `SEV1`, ...),
//! each mapped onto a level of the decision matrix. The words are what the
//! wizard, the `:incident` dialog, the report and the journal say; the level
//! (P0 roll back now, P1 within the hour, P2 fix forward) is what decides.

use std::fmt;

use super::rollback::Severity;

/// One word of the scale and the matrix level it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityName {
    pub name: String,
    pub level: Severity,
    /// What the team says this word covers; the level's own text when unset.
    pub covers: Option<String>,
}

impl SeverityName {
    /// `critical (P0)`, or `P0` when the word is the level itself.
    pub fn label(&self) -> String {
        label(self.level, self.journal_name())
    }

    /// The word as the journal keeps it: `None` when it says no more than
    /// the level (the default scale), so old and new lines read alike.
    pub fn journal_name(&self) -> Option<&str> {
        (!self.name.eq_ignore_ascii_case(&self.level.to_string())).then_some(self.name.as_str())
    }

    pub fn covers(&self) -> &str {
        self.covers
            .as_deref()
            .unwrap_or_else(|| self.level.covers())
    }
}

/// `critical (P0)` for a named severity, `P0` for a bare level (a journal
/// line written before the scale existed, or the default scale).
pub fn label(level: Severity, name: Option<&str>) -> String {
    match name {
        Some(name) if !name.eq_ignore_ascii_case(&level.to_string()) => format!("{name} ({level})"),
        _ => level.to_string(),
    }
}

/// The scale, most severe first, naming every level at least once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityScale {
    names: Vec<SeverityName>,
}

/// Why a list of names is not a scale; `index` is the entry at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaleError {
    Empty,
    BlankName {
        index: usize,
    },
    Duplicate {
        index: usize,
        name: String,
    },
    /// Listed after a less severe one: the list runs most severe first.
    OutOfOrder {
        index: usize,
        after: String,
    },
    /// No word means this level, so the matrix's suggestion has no name.
    Unnamed(Severity),
}

impl fmt::Display for ScaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the severity scale is empty"),
            Self::BlankName { .. } => f.write_str("a severity with an empty name"),
            Self::Duplicate { name, .. } => write!(f, "severity `{name}` is listed twice"),
            Self::OutOfOrder { after, .. } => {
                write!(f, "this severity is more severe than `{after}` before it")
            }
            Self::Unnamed(level) => write!(f, "no severity means {level}"),
        }
    }
}

impl std::error::Error for ScaleError {}

impl Default for SeverityScale {
    /// The matrix's own levels: P0, P1, P2.
    fn default() -> Self {
        Self {
            names: Severity::ALL
                .into_iter()
                .map(|level| SeverityName {
                    name: level.to_string(),
                    level,
                    covers: None,
                })
                .collect(),
        }
    }
}

impl SeverityScale {
    pub fn new(names: Vec<SeverityName>) -> Result<Self, ScaleError> {
        if names.is_empty() {
            return Err(ScaleError::Empty);
        }
        for (index, entry) in names.iter().enumerate() {
            if entry.name.trim().is_empty() {
                return Err(ScaleError::BlankName { index });
            }
            if names[..index]
                .iter()
                .any(|n| n.name.eq_ignore_ascii_case(&entry.name))
            {
                return Err(ScaleError::Duplicate {
                    index,
                    name: entry.name.clone(),
                });
            }
            if let Some(before) = index.checked_sub(1).map(|i| &names[i])
                && entry.level < before.level
            {
                return Err(ScaleError::OutOfOrder {
                    index,
                    after: before.name.clone(),
                });
            }
        }
        if let Some(level) = Severity::ALL
            .into_iter()
            .find(|level| !names.iter().any(|n| n.level == *level))
        {
            return Err(ScaleError::Unnamed(level));
        }
        Ok(Self { names })
    }

    pub fn names(&self) -> &[SeverityName] {
        &self.names
    }

    /// The entry at `rank` (0 is the most severe), the last one past the end.
    pub fn get(&self, rank: usize) -> &SeverityName {
        // `new` and `default` never leave the list empty.
        &self.names[rank.min(self.names.len() - 1)]
    }

    pub fn last_rank(&self) -> usize {
        self.names.len() - 1
    }

    /// The first (most severe) word for `level`: what a suggestion shows.
    pub fn rank_of(&self, level: Severity) -> usize {
        self.names
            .iter()
            .position(|n| n.level == level)
            .unwrap_or_default()
    }

    /// The entry whose word is `name`, else the first one at `level`: a
    /// journaled assessment read back with today's scale.
    pub fn rank_named(&self, level: Severity, name: Option<&str>) -> usize {
        name.and_then(|name| {
            self.names
                .iter()
                .position(|n| n.level == level && n.name.eq_ignore_ascii_case(name))
        })
        .unwrap_or_else(|| self.rank_of(level))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(name: &str, level: Severity) -> SeverityName {
        SeverityName {
            name: name.into(),
            level,
            covers: None,
        }
    }

    fn team() -> SeverityScale {
        SeverityScale::new(vec![
            name("critical", Severity::P0),
            name("high", Severity::P1),
            name("medium", Severity::P2),
            name("low", Severity::P2),
        ])
        .unwrap()
    }

    #[test]
    fn a_team_scale_names_levels_in_its_own_words() {
        let scale = team();
        assert_eq!(scale.get(0).label(), "critical (P0)");
        assert_eq!(scale.get(3).label(), "low (P2)");
        assert_eq!(scale.get(9).name, "low", "past the end is the last");
        assert_eq!(scale.rank_of(Severity::P2), 2);
        assert_eq!(scale.rank_named(Severity::P2, Some("LOW")), 3);
        assert_eq!(scale.rank_named(Severity::P1, Some("gone")), 1);
        assert_eq!(scale.get(1).covers(), Severity::P1.covers());
    }

    #[test]
    fn the_default_scale_is_the_matrix_and_journals_no_word() {
        let scale = SeverityScale::default();
        assert_eq!(scale.last_rank(), 2);
        assert_eq!(scale.get(0).label(), "P0");
        assert_eq!(scale.get(0).journal_name(), None);
        assert_eq!(label(Severity::P1, None), "P1");
        assert_eq!(label(Severity::P1, Some("SEV2")), "SEV2 (P1)");
    }

    #[test]
    fn a_list_that_is_no_scale_says_which_entry_and_why() {
        let cases = [
            (vec![], ScaleError::Empty),
            (
                vec![name("a", Severity::P0), name(" ", Severity::P1)],
                ScaleError::BlankName { index: 1 },
            ),
            (
                vec![
                    name("high", Severity::P0),
                    name("High", Severity::P1),
                    name("low", Severity::P2),
                ],
                ScaleError::Duplicate {
                    index: 1,
                    name: "High".into(),
                },
            ),
            (
                vec![
                    name("low", Severity::P2),
                    name("critical", Severity::P0),
                    name("high", Severity::P1),
                ],
                ScaleError::OutOfOrder {
                    index: 1,
                    after: "low".into(),
                },
            ),
            (
                vec![name("critical", Severity::P0), name("low", Severity::P2)],
                ScaleError::Unnamed(Severity::P1),
            ),
        ];
        for (names, error) in cases {
            assert_eq!(SeverityScale::new(names), Err(error));
        }
    }
}
