//! `[[target]] kind = "docker"` as the config reads it.

use super::tests::{loaded, one_error, theme_names};
use crate::adapters::docker::{DockerTarget, Selector};

const DOCKER: &str =
    "[[target]]\nname = \"web\"\nkind = \"docker\"\nenvironment = \"production\"\n";

#[test]
fn a_docker_target_names_a_container_or_a_compose_service() {
    let text = format!(
        "{DOCKER}container = \"web\"\nimage = \"shop/web:{{version}}\"\ndeadline = \"30s\"\n\
         host = \"tcp://127.0.0.1:2375\"\n\
         [[target]]\nname = \"api\"\nkind = \"docker\"\nenvironment = \"staging\"\n\
         compose_project = \"shop\"\ncompose_service = \"api\"\n"
    );
    let settings = loaded(&text).unwrap().settings(&theme_names()).unwrap();
    let [web, api] = settings.targets.docker.as_slice() else {
        panic!("{:?}", settings.targets.docker)
    };
    assert_eq!(web.selector, Selector::Container("web".into()));
    assert_eq!(web.image.as_deref(), Some("shop/web:{version}"));
    assert_eq!(web.deadline, std::time::Duration::from_secs(30));
    assert_eq!(web.host.as_deref(), Some("tcp://127.0.0.1:2375"));
    assert_eq!(
        api.selector,
        Selector::Compose {
            project: "shop".into(),
            service: "api".into()
        }
    );
    assert_eq!(api.deadline, DockerTarget::DEFAULT_DEADLINE);
    assert_eq!(api.host, None, "DOCKER_HOST, else the local socket");
}

#[test]
fn docker_target_mistakes_name_the_field_and_the_fix() {
    let error = one_error(DOCKER);
    assert_eq!(error.key.as_deref(), Some("target[0].container"));
    assert!(error.fix.contains("compose_project"), "{error}");
    let error = one_error(&format!("{DOCKER}compose_project = \"shop\"\n"));
    assert_eq!(error.key.as_deref(), Some("target[0].compose_service"));
    let error = one_error(&format!(
        "{DOCKER}container = \"web\"\ncompose_project = \"shop\"\ncompose_service = \"web\"\n"
    ));
    assert!(error.problem.contains("not both"), "{error}");
    let error = one_error(&format!(
        "{DOCKER}container = \"web\"\nimage = \"web:latest\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("target[0].image"));
    let error = one_error(&format!(
        "{DOCKER}container = \"web\"\nhost = \"ssh://box\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("target[0].host"));
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(6));
    let error = one_error(&format!(
        "{DOCKER}container = \"web\"\ndeadline = \"soon\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("target[0].deadline"));
    // A name goes into request paths and a log file's name as it is.
    let error = one_error(&format!("{DOCKER}container = \"../../etc/web\"\n"));
    assert_eq!(error.key.as_deref(), Some("target[0].container"));
    assert!(error.problem.contains("is not a container"), "{error}");
    let error = one_error(&format!(
        "{DOCKER}compose_project = \"shop\"\ncompose_service = \"web?all=1\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("target[0].compose_service"));
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(6));
    let error = one_error(&format!("{DOCKER}container = \"web\"\ndeploy = \"x\"\n"));
    assert!(
        error.problem.contains("`deploy` is for command targets"),
        "{error}"
    );
    let error = one_error("[[target]]\nname = \"web\"\nkind = \"docker\"\ncontainer = \"web\"\n");
    assert_eq!(error.key.as_deref(), Some("target[0].environment"));
    let error = one_error(
        "[[target]]\nname = \"shop\"\nkind = \"kubernetes\"\nnamespace = \"p\"\ncompose_service = \"x\"\n",
    );
    assert!(
        error
            .problem
            .contains("`compose_service` is for Docker targets"),
        "{error}"
    );
    let error = one_error(
        "[[target]]\nname = \"web\"\nkind = \"command\"\nenvironment = \"p\"\ndeploy = \"x\"\ndeadline = \"1m\"\n",
    );
    assert!(
        error.problem.contains("`deadline` is for Docker targets"),
        "{error}"
    );
}
