//! The steps that act on or check the release's repository:
//! `kind = "tag"`, `"branch"`, `"notes"` and `"git"` (a check). Each is a
//! gate the cockpit runs (its pass finishes the step), for one component
//! or each of the release's; without a `[[repo]]` it is done by hand.

/// A repository step as a playbook gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoStep {
    pub work: RepoWork,
    /// Only this component; `None`: each component the release holds (or
    /// the one repo of a release without components).
    pub component: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoWork {
    /// An annotated tag on the release commit, pushed.
    Tag,
    /// Cut a branch: the release branch from the main branch, or a hotfix
    /// branch from the latest release tag.
    Branch(BranchLine),
    /// The notes written: a new section on top of the CHANGELOG, and a
    /// notes file beside the release's logs.
    Notes,
    /// A check that changes nothing.
    Check(RepoCheck),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchLine {
    Release,
    Hotfix,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoCheck {
    /// The checked-out branch matches a pattern (`hotfix/*`, `release/v{version}`).
    OnBranch(String),
    /// The release's tag is not made yet (here, nor on the remote).
    TagAbsent,
    /// The CHANGELOG at the release commit has a section for the version.
    ChangelogHasSection,
}

/// `check = "..."`'s words.
pub const CHECK_NAMES: [&str; 3] = ["branch", "tag-absent", "changelog"];

impl RepoWork {
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Tag => "tag",
            Self::Branch(_) => "branch",
            Self::Notes => "notes",
            Self::Check(_) => "git",
        }
    }

    /// What the step does, for its dialog and notices: "tag", "cut the
    /// hotfix branch", "check the branch".
    pub fn doing(&self) -> &'static str {
        match self {
            Self::Tag => "tag",
            Self::Branch(BranchLine::Release) => "cut the release branch",
            Self::Branch(BranchLine::Hotfix) => "cut the hotfix branch",
            Self::Notes => "write the notes",
            Self::Check(RepoCheck::OnBranch(_)) => "check the branch",
            Self::Check(RepoCheck::TagAbsent) => "check that the tag is new",
            Self::Check(RepoCheck::ChangelogHasSection) => "check the CHANGELOG",
        }
    }

    /// Whether it changes the repository (a check only reads it).
    pub fn changes_the_repo(&self) -> bool {
        !matches!(self, Self::Check(_))
    }
}
