//! `[[train]]` and `[[blackout]]` tables turned into the calendar's trains and
//! blackouts, with every problem pointing at its line.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use toml::Spanned;

use super::error::{ConfigError, ConfigErrors, closest};
use super::schema::{BlackoutConfig, TrainConfig};
use super::source::LoadedConfig;
use crate::domain::calendar::{Blackout, BlackoutPolicy, Cadence, Train};
use crate::domain::offset::{Offset, parse_duration};
use crate::domain::release::ReleaseType;

impl LoadedConfig {
    pub(super) fn trains(&self) -> Result<Vec<Train>, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut trains: Vec<Train> = Vec::new();
        for (i, table) in self.config.trains.iter().enumerate() {
            let name = table.name.get_ref();
            if trains.iter().any(|t| &t.name == name) {
                errors.push(
                    self.error_at(
                        &table.name,
                        format!("two trains are named `{name}`"),
                        "give each [[train]] its own name",
                    )
                    .key(format!("train[{i}].name")),
                );
                continue;
            }
            match self.train(i, table) {
                Ok(train) => trains.push(train),
                Err(mut more) => errors.append(&mut more),
            }
        }
        if errors.is_empty() {
            Ok(trains)
        } else {
            Err(errors)
        }
    }

    fn train(&self, i: usize, t: &TrainConfig) -> Result<Train, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let key = |field: &str| format!("train[{i}].{field}");
        let kind = t.kind.get_ref().parse::<ReleaseType>().map_err(|problem| {
            let names: Vec<&str> = ReleaseType::ALL.iter().map(|k| k.name()).collect();
            errors.push(
                self.error_at(
                    &t.kind,
                    problem.to_string(),
                    "set `type` to one of the release types",
                )
                .key(key("type"))
                .expected(names.join(", "))
                .suggestion(
                    closest(t.kind.get_ref(), &names).map(|s| format!("did you mean `{s}`?")),
                ),
            )
        });
        let zone = Tz::from_str(t.timezone.get_ref()).map_err(|_| {
            let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
            errors.push(
                self.error_at(
                    &t.timezone,
                    format!("unknown time zone `{}`", t.timezone.get_ref()),
                    "use an IANA zone name such as America/Los_Angeles or UTC",
                )
                .key(key("timezone"))
                .expected("an IANA time zone name")
                .suggestion(
                    closest(t.timezone.get_ref(), &names).map(|s| format!("did you mean `{s}`?")),
                ),
            )
        });
        let start = NaiveDateTime::parse_from_str(t.start.get_ref().trim(), "%Y-%m-%d %H:%M")
            .map_err(|e| {
                errors.push(
                    self.error_at(
                        &t.start,
                        format!("`{}` is not a start time: {e}", t.start.get_ref()),
                        "write the first release as \"2026-01-06 10:00\", in the train's timezone",
                    )
                    .key(key("start"))
                    .expected("\"YYYY-MM-DD HH:MM\""),
                )
            });
        let cadence =
            match (&start, &zone) {
                (Ok(start), Ok(zone)) => {
                    Cadence::new(t.rrule.get_ref(), *start, *zone)
                        .map_err(|problem| {
                            let field = if problem.is_about_the_start() {
                                &t.start
                            } else {
                                &t.rrule
                            };
                            errors.push(
                        self.error_at(
                            field,
                            format!("train `{}`: {problem}", t.name.get_ref()),
                            "write an RFC 5545 rule such as FREQ=WEEKLY;INTERVAL=2;BYDAY=TU \
                             (every other Tuesday) or FREQ=MONTHLY;BYDAY=1TU (first Tuesday)",
                        )
                        .key(key(if problem.is_about_the_start() { "start" } else { "rrule" }))
                        .expected("an RRULE: FREQ=...;INTERVAL=...;BYDAY=..."),
                    )
                        })
                        .ok()
                }
                _ => None,
            };
        let freeze = self.before_t0(&t.freeze, &key("freeze"), &mut errors);
        let announce = self.before_t0(&t.announce, &key("announce"), &mut errors);
        let notice = self.before_t0(&t.notice, &key("notice"), &mut errors);
        let window = t
            .window
            .as_ref()
            .and_then(|w| match parse_duration(w.get_ref()) {
                Ok(d) if d > chrono::Duration::zero() => Some(d),
                Ok(_) => {
                    errors.push(
                        self.error_at(
                            w,
                            "the window must be longer than zero",
                            "write how long the window stays open, e.g. \"2h\"",
                        )
                        .key(key("window")),
                    );
                    None
                }
                Err(e) => {
                    errors.push(
                        self.error_at(
                            w,
                            e.0,
                            "write how long the window stays open, e.g. \"2h\" or \"1h30m\"",
                        )
                        .key(key("window"))
                        .expected("a duration"),
                    );
                    None
                }
            });
        let on_blackout = match &t.on_blackout {
            None => BlackoutPolicy::default(),
            Some(p) => BlackoutPolicy::parse(p.get_ref()).unwrap_or_else(|| {
                errors.push(
                    self.error_at(
                        p,
                        format!("unknown blackout policy `{}`", p.get_ref()),
                        "say what happens to a release on a blackout day",
                    )
                    .key(key("on_blackout"))
                    .expected(BlackoutPolicy::NAMES.join(", "))
                    .suggestion(
                        closest(p.get_ref(), &BlackoutPolicy::NAMES)
                            .map(|s| format!("did you mean `{s}`?")),
                    ),
                );
                BlackoutPolicy::default()
            }),
        };
        if t.merge_freeze && window.is_none() && t.window.is_none() {
            errors.push(
                self.error_at(
                    &t.name,
                    "`merge_freeze = true` needs a `window`",
                    "add `window = \"2h\"` (the freeze lasts as long as the window)",
                )
                .key(key("merge_freeze")),
            );
        }
        match (kind, zone, cadence) {
            (Ok(kind), Ok(zone), Some(cadence)) if errors.is_empty() => Ok(Train {
                name: t.name.get_ref().clone(),
                kind,
                playbook: t.playbook.as_ref().map(|p| p.get_ref().clone()),
                zone,
                cadence,
                freeze,
                announce,
                notice,
                window,
                merge_freeze: t.merge_freeze,
                on_blackout,
            }),
            _ => Err(errors),
        }
    }

    /// An offset that must not be after T-0 (`T-2d`).
    fn before_t0(
        &self,
        field: &Option<Spanned<String>>,
        key: &str,
        errors: &mut Vec<ConfigError>,
    ) -> Option<Offset> {
        let field = field.as_ref()?;
        match field.get_ref().parse::<Offset>() {
            Ok(offset) if offset.duration() <= chrono::Duration::zero() => Some(offset),
            Ok(offset) => {
                errors.push(
                    self.error_at(
                        field,
                        format!("`{offset}` is after T-0"),
                        "these dates come before the release: write T-2d, T-72h, ...",
                    )
                    .key(key),
                );
                None
            }
            Err(e) => {
                errors.push(
                    self.error_at(
                        field,
                        e.0,
                        "write an offset before T-0 such as T-2d, T-72h or T-30d",
                    )
                    .key(key)
                    .expected("an offset like T-2d"),
                );
                None
            }
        }
    }

    pub(super) fn blackouts(&self, trains: &[Train]) -> Result<Vec<Blackout>, Vec<ConfigError>> {
        let mut errors = Vec::new();
        let mut found = Vec::new();
        for (i, b) in self.config.blackouts.iter().enumerate() {
            if let Some(blackout) = self.blackout(i, b, trains, &mut errors) {
                found.push(blackout);
            }
        }
        if errors.is_empty() {
            Ok(found)
        } else {
            Err(errors)
        }
    }

    fn blackout(
        &self,
        i: usize,
        b: &BlackoutConfig,
        trains: &[Train],
        errors: &mut Vec<ConfigError>,
    ) -> Option<Blackout> {
        let key = |field: &str| format!("blackout[{i}].{field}");
        let date = |field: &Spanned<String>, name: &str, errors: &mut Vec<ConfigError>| {
            NaiveDate::parse_from_str(field.get_ref().trim(), "%Y-%m-%d")
                .map_err(|e| {
                    errors.push(
                        self.error_at(
                            field,
                            format!("`{}` is not a date: {e}", field.get_ref()),
                            "write dates as \"2026-12-24\"",
                        )
                        .key(key(name))
                        .expected("\"YYYY-MM-DD\""),
                    )
                })
                .ok()
        };
        let (first, last) = match (&b.date, &b.from, &b.to) {
            (Some(day), None, None) => {
                let day = date(day, "date", errors)?;
                (day, day)
            }
            (None, Some(from), Some(to)) => {
                let (first, last) = (date(from, "from", errors), date(to, "to", errors));
                let (first, last) = (first?, last?);
                if last < first {
                    errors.push(
                        self.error_at(
                            to,
                            "`to` is before `from`",
                            "swap them; both days are included",
                        )
                        .key(key("to")),
                    );
                    return None;
                }
                (first, last)
            }
            _ => {
                errors.push(
                    self.error_at(&b.name, format!("blackout `{}` needs `date`, or `from` and `to`", b.name.get_ref()), "write `date = \"2026-12-25\"` for one day, or `from = \"2026-12-24\"` and `to = \"2027-01-01\"`")
                        .key(key("date")),
                );
                return None;
            }
        };
        let names: Vec<&str> = trains.iter().map(|t| t.name.as_str()).collect();
        for train in &b.trains {
            if !names.contains(&train.get_ref().as_str()) {
                errors.push(
                    self.error_at(train, format!("no train is named `{}`", train.get_ref()), "name a [[train]] from this file, or leave `trains` out to black out every train")
                        .key(key("trains"))
                        .expected(if names.is_empty() { "a train name".to_owned() } else { names.join(", ") })
                        .suggestion(closest(train.get_ref(), &names).map(|s| format!("did you mean `{s}`?"))),
                );
            }
        }
        Some(Blackout {
            name: b.name.get_ref().clone(),
            first,
            last,
            trains: b.trains.iter().map(|t| t.get_ref().clone()).collect(),
        })
    }

    /// Trains that name a playbook must name one that exists; `dir` is where
    /// the team's playbooks were read from (beside the config file).
    pub fn check_train_playbooks(
        &self,
        known: &[&str],
        dir: Option<&std::path::Path>,
    ) -> Result<(), ConfigErrors> {
        let dir = dir.map_or_else(
            || "the playbooks dir".to_owned(),
            |dir| dir.display().to_string(),
        );
        let errors: Vec<ConfigError> = self
            .config
            .trains
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let playbook = t.playbook.as_ref()?;
                let name = playbook.get_ref();
                (!known.contains(&name.as_str())).then(|| {
                    // A path here is a natural guess; the train names the
                    // playbook by the `name` inside the file.
                    let fix = if name.ends_with(".toml") || name.contains('/') {
                        format!("write the playbook's `name` (the one inside the file), not its path: every *.toml in {dir} is read by itself")
                    } else {
                        format!("name a built-in playbook or one in {dir}, or leave `playbook` out to use the type's")
                    };
                    self.error_at(playbook, format!("no playbook named `{name}`"), fix)
                        .key(format!("train[{i}].playbook"))
                        .expected(known.join(", "))
                        .suggestion(closest(name, known).map(|s| format!("did you mean `{s}`?")))
                })
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }
}
