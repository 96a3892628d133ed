//! Versions for a release of several components: the names typed checked
//! against the config's `[[component]]`s.

use std::collections::BTreeMap;

use crate::domain::versioning::repos::Repos;

/// Each `name=version` typed names a component of the config.
pub fn check_components(
    repos: &Repos,
    components: &BTreeMap<String, semver::Version>,
) -> Result<(), String> {
    let known: Vec<&str> = repos.components.iter().map(|c| c.name.as_str()).collect();
    match components
        .keys()
        .find(|name| !known.contains(&name.as_str()))
    {
        None => Ok(()),
        Some(name) if known.is_empty() => Err(format!(
            "`{name}=...`: the config has no [[component]]s; a release of one repo has just its version"
        )),
        Some(name) => Err(format!(
            "no component `{name}`; the config's are: {}",
            known.join(", ")
        )),
    }
}
