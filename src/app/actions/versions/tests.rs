use super::*;
use crate::app::fixture::{sample_model, sample_model_with_release};
use crate::app::keys::commands::Command;
use crate::app::{Key, Msg, update};
use crate::domain::versioning::bump::Bump;
use crate::domain::versioning::notes::Style;
use crate::domain::versioning::reading::ComponentReading;
use crate::domain::versioning::repos::Repo;

fn with_repo(model: &mut Model) {
    model.repos = Repos {
        repos: vec![Repo {
            name: "shop".into(),
            path: "/srv/shop".into(),
            tag_format: "v{version}".into(),
            main_branch: "main".into(),
            release_branch: "release/v{version}".into(),
            hotfix_branch: "hotfix/{date}-{slug}".into(),
            style: Style::KeepAChangelog,
            changelog: "CHANGELOG.md".into(),
            remote: None,
            allow_dirty: false,
        }],
        components: Vec::new(),
        templates: Default::default(),
    };
}

fn reading(bump: Bump, suggested: &str, flag: Option<&str>) -> ComponentReading {
    ComponentReading {
        label: "shop".into(),
        component: None,
        previous_tag: Some("v2.4.0".into()),
        commits: 3,
        bump,
        suggested: semver::Version::parse(suggested).unwrap(),
        why: "2 feature(s)".into(),
        beyond_type: flag.map(str::to_owned),
        notes: "## [2.5.0]".into(),
        summary: "v2.5.0: 2 added".into(),
    }
}

fn run(model: &mut Model, command: Command) -> Vec<Effect> {
    crate::app::update::run_command(model, command)
}

#[test]
fn the_new_release_prompt_is_filled_in_from_git_unless_typed_in_first() {
    let mut model = sample_model();
    assert!(
        run(&mut model, Command::NewRelease).is_empty(),
        "without a [[repo]] nothing is read"
    );
    let mut model = sample_model();
    with_repo(&mut model);
    let effects = run(&mut model, Command::NewRelease);
    let [
        Effect::ReadRepos {
            release: None,
            read_for,
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    update(
        &mut model,
        Msg::ReposRead {
            read_for: read_for.clone(),
            read: Ok(vec![reading(Bump::Minor, "2.5.0", None)]),
        },
    );
    let Some(Overlay::Prompt(prompt)) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    assert_eq!(prompt.text, "minor 2.5.0 ");
    assert_eq!(
        model.notice.as_deref(),
        Some("suggested from git: shop 2.5.0 (2 feature(s))")
    );

    // Typed into before the reading came: left as typed.
    let mut model = sample_model();
    with_repo(&mut model);
    let effects = run(&mut model, Command::NewRelease);
    let [Effect::ReadRepos { read_for, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    update(&mut model, Msg::Key(Key::char('p')));
    update(
        &mut model,
        Msg::ReposRead {
            read_for: read_for.clone(),
            read: Ok(vec![reading(Bump::Minor, "2.5.0", None)]),
        },
    );
    let Some(Overlay::Prompt(prompt)) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    assert_eq!(prompt.text, "p");
}

#[test]
fn a_reading_is_kept_for_the_release_it_was_read_for_only() {
    let mut model = sample_model_with_release();
    with_repo(&mut model);
    let Some(Effect::ReadRepos {
        read_for: older, ..
    }) = read_for_release(&mut model)
    else {
        panic!("a release with a repo is read")
    };
    let Some(Effect::ReadRepos {
        read_for,
        release: Some(release),
        ..
    }) = read_for_release(&mut model)
    else {
        panic!("a release with a repo is read")
    };
    assert_eq!(
        read_for,
        ReadFor::Release {
            release: release.id.clone(),
            seq: 2
        }
    );
    let flagged = reading(
        Bump::Minor,
        "2.5.0",
        Some("this patch release holds a feature"),
    );
    update(
        &mut model,
        Msg::ReposRead {
            read_for: ReadFor::Release {
                release: "another-release".into(),
                seq: 9,
            },
            read: Ok(vec![flagged.clone()]),
        },
    );
    assert_eq!(model.release.as_ref().unwrap().repo_reading, None);
    update(
        &mut model,
        Msg::ReposRead {
            read_for,
            read: Ok(vec![flagged.clone()]),
        },
    );
    assert_eq!(
        model.release.as_ref().unwrap().repo_reading,
        Some(Ok(vec![flagged.clone()]))
    );
    // The older reading, come back late, does not replace it.
    update(
        &mut model,
        Msg::ReposRead {
            read_for: older,
            read: Ok(Vec::new()),
        },
    );
    assert_eq!(
        model.release.as_ref().unwrap().repo_reading,
        Some(Ok(vec![flagged]))
    );
}
