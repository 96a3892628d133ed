//! The environment of a command gate. Secrets are never written into a playbook:
//! a value is a literal (for non-secrets such as `RUST_LOG = "info"`) or a
//! reference resolved only when the gate runs, so the copy of the playbook that a
//! release journals holds the reference and never the secret.

use std::path::PathBuf;

/// One variable's value as the playbook states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// Written in the playbook; only allowed under a name that does not look secret.
    Literal(String),
    /// `{ from_env = "DEPLOY_TOKEN" }`: the cockpit's own environment variable.
    FromEnv(String),
    /// `{ file = "secrets/token" }`: the file's contents, without a final newline.
    /// Relative paths are resolved against the playbook file's directory when
    /// the playbook is parsed.
    File(PathBuf),
}

/// Parts of a variable name that mark its value as a secret, matched anywhere in
/// the name, case-insensitively. A false alarm costs a `from_env`; a miss puts a
/// secret into every journal of every release.
const SECRET_MARKERS: [&str; 12] = [
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "KEY",
    "AUTH",
    "CREDENTIAL",
    "PRIVATE",
    "COOKIE",
    "SESSION",
    "SIGNATURE",
];

/// Whether a variable of this name must not be given a literal value.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_MARKERS.iter().any(|marker| upper.contains(marker))
}

/// Shorter values are not masked: `***` in place of every `1` or `on` would hide
/// the output without protecting anything.
pub const MIN_MASKED_LEN: usize = 4;

/// `text` with every occurrence of each secret (of at least `MIN_MASKED_LEN`
/// bytes) replaced by `***`. Longer secrets go first, so a secret that contains
/// another is masked whole.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut secrets: Vec<&str> = secrets
        .iter()
        .map(String::as_str)
        .filter(|s| s.len() >= MIN_MASKED_LEN)
        .collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
        .into_iter()
        .fold(text.to_owned(), |text, secret| text.replace(secret, "***"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_names_are_recognised_anywhere_in_any_case() {
        for name in [
            "TOKEN",
            "deploy_token",
            "GITHUB_TOKEN",
            "ApiKey",
            "DB_PASSWORD",
            "passwd",
            "AWS_SECRET_ACCESS_KEY",
            "BASIC_AUTH",
            "GCP_CREDENTIALS",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in ["RUST_LOG", "RELEASE", "REGION", "HOME", "LANG"] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn every_occurrence_of_a_secret_is_masked() {
        let secrets = vec!["s3cr3t-xyz".to_owned()];
        assert_eq!(
            mask("token=s3cr3t-xyz\nagain s3cr3t-xyz!\nclean\n", &secrets),
            "token=***\nagain ***!\nclean\n"
        );
    }

    #[test]
    fn short_values_are_left_alone_and_longer_secrets_go_first() {
        let secrets = vec!["abc".to_owned(), "abcd".to_owned(), "abcdef".to_owned()];
        assert_eq!(mask("abcdef abcd abc", &secrets), "*** *** abc");
    }
}
