//! `[[target]] kind = "command"`: deploy and rollback commands, an optional
//! status command, their working directory, environment and timeout, every
//! variable checked at its line.

use toml::Spanned;

use super::error::{ConfigError, closest};
use super::playbook_env::convert_env;
use super::schema::{CommandList, TargetConfig};
use super::source::LoadedConfig;
use crate::adapters::command::CommandTarget;
use crate::domain::rollout::CommandTemplates;
use crate::domain::vars;

/// Which variables have a value where a text is used.
#[derive(Clone, Copy)]
enum Use {
    /// deploy, rollback, env, workdir: every variable; `{image}` when
    /// `image` is set, `{component}` when a `[[component]]` runs on it.
    Action { image: bool, component: bool },
    /// status: what is known without a deploy under way.
    Status,
}

impl Use {
    fn allows(self, name: &str) -> Result<(), &'static str> {
        match (self, name) {
            (
                Use::Action {
                    component: false, ..
                }
                | Use::Status,
                "component",
            ) => Err("no [[component]] names this target in its `targets`"),
            (Use::Action { image: false, .. }, "image") => {
                Err("the target sets no `image = \"registry/app:{version}\"`")
            }
            (Use::Status, "previous_version" | "image" | "release") => {
                Err("a status check runs outside any deploy or release")
            }
            _ => Ok(()),
        }
    }
}

impl LoadedConfig {
    pub(super) fn command_target(
        &self,
        i: usize,
        t: &TargetConfig,
    ) -> Result<CommandTarget, Vec<ConfigError>> {
        let key = |field: &str| format!("target[{i}].{field}");
        let mut errors = Vec::new();
        for (field, present) in [
            ("kubeconfig", t.kubeconfig.is_some()),
            ("context", t.context.is_some()),
            ("namespace", t.namespace.is_some()),
            ("deployment", t.deployment.is_some()),
            ("selector", t.selector.is_some()),
            ("container", t.container.is_some()),
        ] {
            if present {
                errors.push(
                    self.error_at(
                        &t.kind,
                        format!(
                            "`{field}` is for Kubernetes targets; this one is a command target"
                        ),
                        "remove it, or set `kind = \"kubernetes\"`",
                    )
                    .key(key(field)),
                );
            }
        }
        if let Some(error) = self.docker_fields_elsewhere(i, t, "a command", "command") {
            errors.push(*error);
        }
        let image = t.image.as_ref().map(|s| s.get_ref().clone());
        let component = self
            .config
            .components
            .iter()
            .find(|c| c.targets.iter().any(|n| n.get_ref() == t.name.get_ref()))
            .map(|c| c.name.get_ref().clone());
        let action = Use::Action {
            image: image.is_some(),
            component: component.is_some(),
        };
        let mut list = |list: &Option<Spanned<CommandList>>, field: &str| -> Vec<String> {
            let Some(list) = list else {
                return Vec::new();
            };
            if list.get_ref().0.iter().all(|c| c.trim().is_empty()) {
                errors.push(
                    self.error_at(
                        list,
                        format!("`{field}` has no command"),
                        "write the command to run, e.g. \"npm run deploy\"",
                    )
                    .key(key(field)),
                );
            }
            for command in &list.get_ref().0 {
                if let Err(e) = self.check_vars(list, command, action, &key(field)) {
                    errors.push(*e);
                }
            }
            list.get_ref().0.clone()
        };
        let deploy = list(&t.deploy, "deploy");
        let rollback = list(&t.rollback, "rollback");
        if t.deploy.is_none() {
            errors.push(
                self.error_at(
                    &t.name,
                    "a command target needs `deploy`",
                    "add `deploy = \"npm run deploy -- {version}\"` (or a list of commands)",
                )
                .key(key("deploy")),
            );
        }
        let Some(environment) = t.environment.clone() else {
            errors.push(
                self.error_at(
                    &t.name,
                    "a command target needs `environment`",
                    "add `environment = \"production\"`: the deploy steps' environment it serves",
                )
                .key(key("environment")),
            );
            return Err(errors);
        };
        if let Some(status) = &t.status
            && let Err(e) = self.check_vars(status, status.get_ref(), Use::Status, &key("status"))
        {
            errors.push(*e);
        }
        if let Some(workdir) = &t.workdir
            && let Err(e) = self.check_vars(workdir, workdir.get_ref(), action, &key("workdir"))
        {
            errors.push(*e);
        }
        let base = self.config_dir();
        let env = match convert_env(&t.env, &base) {
            Ok(env) => env,
            Err(problems) => {
                for (span, problem, fix) in problems {
                    errors.push(
                        ConfigError::new(&self.file, problem, fix)
                            .at(&self.text, Some(span))
                            .key(key("env")),
                    );
                }
                Default::default()
            }
        };
        for value in t.env.values() {
            if let Some(text) = value.get_ref().as_str()
                && let Err(e) = self.check_vars(value, text, action, &key("env"))
            {
                errors.push(*e);
            }
        }
        let mut duration = |value: &Option<Spanned<String>>, field: &str, default| match value {
            None => default,
            Some(value) => match self.duration_at(value, &key(field)) {
                Ok(d) => d.to_std().unwrap_or(default),
                Err(e) => {
                    errors.push(*e);
                    default
                }
            },
        };
        let timeout = duration(&t.timeout, "timeout", CommandTarget::DEFAULT_TIMEOUT);
        let status_interval = duration(
            &t.status_interval,
            "status_interval",
            CommandTarget::DEFAULT_STATUS_INTERVAL,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CommandTarget {
            name: t.name.get_ref().clone(),
            environment,
            templates: CommandTemplates {
                deploy,
                rollback,
                image,
                component,
            },
            status: t.status.as_ref().map(|s| s.get_ref().clone()),
            status_interval,
            workdir: t.workdir.as_ref().map(|w| w.get_ref().clone()),
            base,
            env,
            timeout,
        })
    }

    /// Kubernetes targets refuse the command targets' fields, by name.
    pub(super) fn command_fields_on_kubernetes(
        &self,
        i: usize,
        t: &TargetConfig,
    ) -> Option<Box<ConfigError>> {
        let field = [
            ("deploy", t.deploy.is_some()),
            ("rollback", t.rollback.is_some()),
            ("status", t.status.is_some()),
            ("status_interval", t.status_interval.is_some()),
            ("workdir", t.workdir.is_some()),
            ("env", !t.env.is_empty()),
            ("timeout", t.timeout.is_some()),
        ]
        .into_iter()
        .find_map(|(field, present)| present.then_some(field));
        if field.is_none() {
            return self.docker_fields_elsewhere(i, t, "a Kubernetes", "kubernetes");
        }
        let field = field?;
        Some(Box::new(
            self.error_at(
                &t.kind,
                format!("`{field}` is for command targets; this one is a Kubernetes target"),
                "remove it, or set `kind = \"command\"`",
            )
            .key(format!("target[{i}].{field}")),
        ))
    }

    /// Every `{name}` in `text` is a variable with a value where it is used;
    /// the error points into the string at the brace.
    fn check_vars<T>(
        &self,
        spanned: &Spanned<T>,
        text: &str,
        use_: Use,
        key: &str,
    ) -> Result<(), Box<ConfigError>> {
        let error = match vars::check(text) {
            Err(unknown) => Some((
                format!("`{{{}}}` is not a variable", unknown.name()),
                unknown.offset(),
            )),
            Ok(()) => vars::named(text).into_iter().find_map(|name| {
                use_.allows(name).err().map(|why| {
                    let offset = text.find(&format!("{{{name}}}")).unwrap_or(0);
                    (format!("`{{{name}}}` has no value here: {why}"), offset)
                })
            }),
        };
        let Some((problem, offset)) = error else {
            return Ok(());
        };
        let span = spanned.span();
        // Inside the quotes, when the text is this value's own string.
        let start = self.text[span.clone()]
            .find(text)
            .map_or(span.start, |at| span.start + at + offset);
        let fix = format!(
            "use one of {}; write {{{{ and }}}} for a literal brace",
            vars::NAMES.map(|n| format!("{{{n}}}")).join(", ")
        );
        let unknown = vars::check(text).err();
        let suggestion = unknown
            .as_ref()
            .and_then(|e| closest(e.name(), &vars::NAMES))
            .map(|name| format!("did you mean `{{{name}}}`?"));
        Err(Box::new(
            ConfigError::new(&self.file, problem, fix)
                .at(&self.text, Some(start..start + 1))
                .key(key.to_owned())
                .suggestion(suggestion),
        ))
    }
}
