use std::path::PathBuf;

use super::super::error::{ConfigError, ConfigErrors};
use super::super::source::{ConfigSource, LoadedConfig, parse};
use crate::domain::health::{Source, Unit};
use crate::domain::policy::Comparison;

fn settings(text: &str) -> Result<super::super::source::Settings, Vec<ConfigError>> {
    let file = "cockpit.toml";
    let loaded = LoadedConfig {
        source: ConfigSource::Flag(PathBuf::from(file)),
        file: file.to_owned(),
        text: text.to_owned(),
        config: parse(file, text).map_err(|ConfigErrors(e)| e)?,
    };
    loaded
        .settings(&["dark".to_owned()])
        .map_err(|ConfigErrors(e)| e)
}

fn one_error(text: &str) -> ConfigError {
    let mut errors = settings(text)
        .err()
        .unwrap_or_else(|| panic!("no error for:\n{text}"));
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

#[test]
fn the_three_sources_load_with_the_health_defaults() {
    let text = r#"
[health]
prometheus = "http://127.0.0.1:9090/"
interval = "5s"

[[signal]]
name = "error_rate"
source = "prometheus"
unit = "ratio"
query = 'sum(rate(x[1m]))'
warn = "> 1%"
critical = "> 5% for 2m"

[[signal]]
name = "p99"
source = "scrape"
url = "http://127.0.0.1:8080/metrics"
unit = "seconds"
measure = "quantile(0.99, latency)"
critical = "> 2x baseline for 5m"
baseline = "1h"

[[signal]]
name = "api"
source = "health"
url = "http://127.0.0.1:8080/health"
"#;
    let settings = settings(text).unwrap();
    let [errors, p99, api] = settings.signals.as_slice() else {
        panic!("three signals: {:?}", settings.signals)
    };
    assert_eq!(
        errors.source,
        Source::Prometheus {
            url: "http://127.0.0.1:9090".into(),
            query: "sum(rate(x[1m]))".into()
        }
    );
    assert_eq!(errors.interval, chrono::Duration::seconds(5));
    assert_eq!(
        errors.critical.as_ref().map(|r| r.comparison),
        Some(Comparison::Above(0.05))
    );
    assert_eq!(p99.baseline_window, chrono::Duration::hours(1));
    assert!(p99.needs_baseline());
    assert_eq!(api.unit, Unit::Health);
    assert_eq!(
        api.critical.as_ref().map(|r| (r.comparison, r.hold)),
        Some((Comparison::Failing, chrono::Duration::minutes(5))),
        "a health signal fails after five minutes unless told otherwise"
    );
}

#[test]
fn signal_mistakes_name_the_line_the_field_and_the_fix() {
    let base = "[[signal]]\nname = \"e\"\n";
    let error = one_error(&format!("{base}source = \"promethus\"\nquery = \"up\"\n"));
    assert_eq!(error.key.as_deref(), Some("signal[0].source"));
    assert_eq!(error.location.as_ref().map(|l| l.line), Some(3));
    assert!(
        error.to_string().contains("did you mean `prometheus`"),
        "{error}"
    );

    let error = one_error(&format!("{base}source = \"prometheus\"\nquery = \"up\"\n"));
    assert!(error.fix.contains("[health]"), "no server named: {error}");

    let error = one_error(&format!(
        "{base}source = \"scrape\"\nurl = \"http://h/metrics\"\nmeasure = \"median(x)\"\n"
    ));
    assert_eq!(
        (
            error.key.as_deref(),
            error.location.as_ref().map(|l| l.line)
        ),
        (Some("signal[0].measure"), Some(5))
    );
    assert!(
        error.problem.contains("unknown function `median`"),
        "{error}"
    );

    let error = one_error(&format!(
        "{base}source = \"health\"\nurl = \"http://h/health\"\ncritical = \"> 5%\"\n"
    ));
    assert!(error.fix.contains("failing for 5m"), "{error}");

    let error = one_error(&format!(
        "{base}source = \"scrape\"\nurl = \"http://h/m\"\nmeasure = \"gauge(x)\"\ncritical = \">= 5%\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("signal[0].critical"));
    assert!(
        error.problem.contains("`>= 5%`"),
        "the text as written: {error}"
    );

    let error = one_error(&format!(
        "{base}source = \"health\"\nurl = \"localhost:8080\"\n"
    ));
    assert!(
        error.problem.contains("not an http:// or https:// URL"),
        "{error}"
    );

    let error = one_error(&format!(
        "{base}source = \"health\"\nurl = \"http://h\"\nquery = \"up\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("signal[0].query"));

    let error = one_error(&format!(
        "{base}source = \"health\"\nurl = \"http://h\"\ninterval = \"0s\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("signal[0].interval"));

    let error = one_error(&format!(
        "{base}source = \"health\"\nurl = \"http://h\"\n{base}source = \"health\"\nurl = \"http://h\"\n"
    ));
    assert!(error.problem.contains("two signals"), "{error}");

    let error = one_error(&format!(
        "{base}source = \"scrape\"\nurl = \"http://h/m\"\nunit = \"ratio\"\nmeasure = \"gauge(x)\"\ncritical = \"> 250ms\"\n"
    ));
    assert!(
        error
            .problem
            .contains("is a duration, but the signal is a ratio"),
        "{error}"
    );

    let error = one_error(&format!(
        "{base}source = \"prometheus\"\nurl = \"http://:9090\"\nquery = \"up\"\n"
    ));
    assert_eq!(error.key.as_deref(), Some("signal[0].url"));

    let error = one_error("[health]\ninterval = \"soon\"\n");
    assert_eq!(error.key.as_deref(), Some("health.interval"));
}

#[test]
fn docker_signals_load_as_ratios_of_a_container_or_a_compose_service() {
    use crate::domain::health::{ContainerMeasure, ContainerStats, Containers};
    let text = r#"
[[signal]]
name = "web_cpu"
source = "docker"
container = "web"
measure = "cpu"
critical = "> 80% for 2m"

[[signal]]
name = "api_memory"
source = "docker"
compose_project = "shop"
compose_service = "api"
host = "tcp://10.0.0.2:2375"
measure = "memory"
critical = "> 85% for 5m"
"#;
    let settings = settings(text).unwrap();
    let [cpu, memory] = settings.signals.as_slice() else {
        panic!("two signals: {:?}", settings.signals)
    };
    assert_eq!(
        cpu.source,
        Source::Docker(ContainerStats {
            host: None,
            containers: Containers::Named("web".into()),
            measure: ContainerMeasure::Cpu,
        })
    );
    assert_eq!(cpu.unit, Unit::Ratio);
    assert_eq!(
        cpu.critical.as_ref().map(|r| (r.comparison, r.hold)),
        Some((Comparison::Above(0.8), chrono::Duration::minutes(2)))
    );
    assert_eq!(
        memory.source,
        Source::Docker(ContainerStats {
            host: Some("tcp://10.0.0.2:2375".into()),
            containers: Containers::Compose {
                project: "shop".into(),
                service: "api".into()
            },
            measure: ContainerMeasure::Memory,
        })
    );
}

#[test]
fn docker_signal_mistakes_name_the_line_the_field_and_the_fix() {
    let base = "[[signal]]\nname = \"web_cpu\"\nsource = \"docker\"\n";
    let at = |error: &ConfigError| {
        (
            error.key.clone().unwrap_or_default(),
            error.location.as_ref().map_or(0, |l| l.line),
        )
    };

    let error = one_error(&format!("{base}container = \"web\"\nmeasure = \"cpus\"\n"));
    assert_eq!(at(&error), ("signal[0].measure".into(), 5));
    assert_eq!(error.file, "cockpit.toml");
    assert!(error.to_string().contains("did you mean `cpu`"), "{error}");
    assert!(error.fix.contains("cpu or memory"), "{error}");

    let error = one_error(&format!("{base}container = \"web\"\n"));
    assert_eq!(at(&error).0, "signal[0].measure");
    assert!(error.fix.contains("measure = \"cpu\""), "{error}");

    let error = one_error(&format!("{base}measure = \"cpu\"\n"));
    assert_eq!(at(&error).0, "signal[0].container");
    assert!(error.fix.contains("compose_project"), "{error}");

    let error = one_error(&format!(
        "{base}measure = \"cpu\"\ncompose_project = \"shop\"\n"
    ));
    assert_eq!(at(&error).0, "signal[0].compose_service");

    let error = one_error(&format!(
        "{base}measure = \"cpu\"\ncontainer = \"web\"\ncompose_project = \"shop\"\ncompose_service = \"web\"\n"
    ));
    assert_eq!(at(&error), ("signal[0].container".into(), 5));
    assert!(error.problem.contains("both say"), "{error}");

    for bad in ["my web", "web/../../images", "-web", ""] {
        let error = one_error(&format!("{base}measure = \"cpu\"\ncontainer = \"{bad}\"\n"));
        assert_eq!(at(&error), ("signal[0].container".into(), 5), "{bad}");
    }
    let error = one_error(&format!(
        "{base}measure = \"cpu\"\ncompose_project = \"shop?all=1\"\ncompose_service = \"api\"\n"
    ));
    assert_eq!(at(&error), ("signal[0].compose_project".into(), 5));
    assert!(error.fix.contains("letters, digits"), "{error}");

    let error = one_error(&format!(
        "{base}measure = \"cpu\"\ncontainer = \"web\"\nhost = \"ssh://box\"\n"
    ));
    assert_eq!(at(&error), ("signal[0].host".into(), 6));
    assert!(error.fix.contains("forward the engine's socket"), "{error}");

    let error = one_error(&format!(
        "{base}measure = \"memory\"\ncontainer = \"web\"\nunit = \"seconds\"\n"
    ));
    assert_eq!(at(&error), ("signal[0].unit".into(), 6));

    let error = one_error(&format!(
        "{base}measure = \"memory\"\ncontainer = \"web\"\nurl = \"http://h/metrics\"\n"
    ));
    assert_eq!(at(&error).0, "signal[0].url");

    let error = one_error(&format!(
        "{base}measure = \"memory\"\ncontainer = \"web\"\ncritical = \"> 2s for 5m\"\n"
    ));
    assert!(error.problem.contains("the signal is a ratio"), "{error}");

    let error = one_error(
        "[[signal]]\nname = \"e\"\nsource = \"prometheus\"\nurl = \"http://p:9090\"\nquery = \"up\"\ncontainer = \"web\"\n",
    );
    assert_eq!(at(&error).0, "signal[0].container");
    assert!(error.problem.contains("does not apply"), "{error}");

    let error = one_error("[[signal]]\nname = \"e\"\nsource = \"dokcer\"\n");
    assert!(
        error.to_string().contains("did you mean `docker`"),
        "{error}"
    );
}

#[test]
fn the_commented_docker_example_in_config_example_toml_loads() {
    let example = include_str!("../../../config.example.toml");
    let start = example
        .find("# [[signal]]\n# name = \"web_cpu\"")
        .expect("the docker example is in config.example.toml");
    let block: String = example[start..]
        .lines()
        .take_while(|line| line.starts_with('#'))
        .map(|line| format!("{}\n", line.trim_start_matches('#').trim_start()))
        .collect();
    let settings = settings(&block).unwrap_or_else(|e| panic!("{block}\n{e:#?}"));
    let kinds: Vec<_> = settings.signals.iter().map(|s| s.source.kind()).collect();
    assert_eq!(kinds, ["docker", "docker"]);
}
