//! Reading a directory of TOML files (user themes, user playbooks): every
//! `*.toml` in name order, each parsed, every problem in every file reported.

use std::path::Path;

use super::error::{ConfigError, ConfigErrors};

/// Parses each `*.toml` in `dir`; a missing dir holds nothing. `what` names the
/// directory in errors ("themes", "playbooks").
pub fn load_toml_dir<T>(
    dir: &Path,
    what: &str,
    parse: impl Fn(&str, &str) -> Result<T, ConfigErrors>,
) -> Result<Vec<T>, ConfigErrors> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let unreadable = |file: &str, e: std::io::Error| {
        ConfigErrors(vec![ConfigError::new(
            file,
            format!("cannot read: {e}"),
            "check the permissions",
        )])
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| unreadable(&format!("{} (the {what} dir)", dir.display()), e))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let file = path.display().to_string();
        match std::fs::read_to_string(&path)
            .map_err(|e| unreadable(&file, e))
            .and_then(|text| parse(&file, &text))
        {
            Ok(item) => parsed.push(item),
            Err(ConfigErrors(e)) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(ConfigErrors(errors))
    }
}
