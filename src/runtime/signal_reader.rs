//! Reading one signal once: a Prometheus query (and the chart's range), a
//! scrape computed against the previous one, a health check, or a Docker
//! engine's container stats. Used by the
//! Health pane's polls and by `release-cockpit status`.

use std::time::{Duration, Instant};

use chrono::Utc;

use crate::adapters::docker::connect::{connect, host_for};
use crate::adapters::docker::stats::{self as docker_stats, StatsError};
use crate::adapters::prometheus::{PromError, PrometheusClient, choose_step};
use crate::adapters::scrape::{ScrapeError, scrape};
use crate::domain::health::{ContainerStats, NoValue, Signal, SignalReading, SignalUpdate, Source};
use crate::domain::metrics::Exposition;

/// The longest one request may take: a slow endpoint shows as an error on
/// its signal, never as a signal that silently stops moving.
const MAX_REQUEST: Duration = Duration::from_secs(10);

/// Why a signal has no reading this time.
#[derive(Debug)]
enum ReadError {
    /// The configured URL made no client (the config check says why).
    NoClient(String),
    Prometheus(PromError),
    Scrape(ScrapeError),
    Docker(StatsError),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoClient(url) => write!(f, "`{url}` is not a usable Prometheus URL"),
            Self::Prometheus(error) => error.fmt(f),
            Self::Scrape(error) => error.fmt(f),
            Self::Docker(error) => error.fmt(f),
        }
    }
}

pub struct SignalReader {
    signal: Signal,
    http: reqwest::Client,
    prometheus: Option<PrometheusClient>,
    /// The last scrape and when it was taken: rates need two.
    previous: Option<(Instant, Exposition)>,
    /// The engine's client, kept between readings and built again after
    /// the engine went away.
    docker: Option<bollard::Docker>,
}

impl SignalReader {
    pub fn new(signal: Signal) -> Self {
        let timeout = request_timeout(&signal);
        let prometheus = match &signal.source {
            Source::Prometheus { url, .. } => PrometheusClient::new(url, timeout).ok(),
            _ => None,
        };
        Self {
            signal,
            http: reqwest::Client::new(),
            prometheus,
            previous: None,
            docker: None,
        }
    }

    pub fn signal(&self) -> &Signal {
        &self.signal
    }

    /// One reading. `columns` bounds the chart's points; `chart` is how far
    /// back the chart goes (Prometheus brings that history each time).
    pub async fn read(&mut self, columns: u16, chart: chrono::Duration) -> SignalUpdate {
        let name = self.signal.name.clone();
        let at = Utc::now();
        let result = match self.signal.source.clone() {
            Source::Prometheus { url, query } => {
                self.prometheus(&url, &query, columns, chart).await
            }
            Source::Scrape { url, measure } => {
                let timeout = request_timeout(&self.signal);
                scrape(&self.http, &url, timeout)
                    .await
                    .map_err(ReadError::Scrape)
                    .map(|now| {
                        let taken = Instant::now();
                        let previous = self.previous.take();
                        let seconds = previous
                            .as_ref()
                            .map_or(0.0, |(t, _)| (taken - *t).as_secs_f64());
                        let value =
                            measure.evaluate(previous.as_ref().map(|(_, e)| e), &now, seconds);
                        self.previous = Some((taken, now));
                        reading(at, value)
                    })
            }
            Source::Health(check) => {
                let outcome = super::gates::run_http(&check).await;
                Ok(SignalReading {
                    at,
                    value: Some(if outcome.passed { 1.0 } else { 0.0 }),
                    note: Some(outcome.summary),
                    history: None,
                    points_fetched: 0,
                })
            }
            Source::Docker(stats) => self.docker(&stats).await.map_err(ReadError::Docker),
        };
        match result {
            Ok(reading) => SignalUpdate::Reading {
                signal: name,
                reading,
            },
            Err(error) => SignalUpdate::Failed {
                signal: name,
                at,
                error: error.to_string(),
            },
        }
    }

    /// CPU or memory of the containers: a failure is the error (the signal
    /// goes stale), never a made-up value.
    async fn docker(&mut self, stats: &ContainerStats) -> Result<SignalReading, StatsError> {
        let at = Utc::now();
        let client = match self.docker.take() {
            Some(client) => client,
            None => connect(&host_for(stats.host.as_deref()))
                .await
                .map_err(StatsError::Engine)?,
        };
        let result = docker_stats::read(&client, &stats.containers, stats.measure).await;
        if !result.as_ref().is_err_and(StatsError::engine_lost) {
            self.docker = Some(client);
        }
        let reading = result?;
        Ok(SignalReading {
            at,
            value: Some(reading.value),
            note: Some(reading.note),
            history: None,
            points_fetched: 0,
        })
    }

    async fn prometheus(
        &self,
        url: &str,
        query: &str,
        columns: u16,
        chart: chrono::Duration,
    ) -> Result<SignalReading, ReadError> {
        let client = self
            .prometheus
            .as_ref()
            .ok_or_else(|| ReadError::NoClient(url.to_owned()))?;
        let at = Utc::now();
        let samples = client
            .query(query, Some(at))
            .await
            .map_err(ReadError::Prometheus)?;
        // Several series (one per service, say): the worst one counts.
        let value = samples
            .iter()
            .map(|s| s.value)
            .fold(None, |worst: Option<f64>, v| {
                Some(worst.map_or(v, |w| if v.is_nan() { w } else { w.max(v) }))
            });
        let note = match samples.len() {
            0 => Some("the query returned no series".to_owned()),
            1 => value
                .filter(|v| v.is_nan())
                .map(|_| "NaN: no traffic to divide by?".to_owned()),
            n => Some(format!("the highest of {n} series")),
        };
        let interval = self
            .signal
            .interval
            .to_std()
            .unwrap_or(Duration::from_secs(15));
        let step = choose_step(chart, columns, interval);
        // The chart is a nicety: when its query fails the value still counts.
        let (history, points_fetched) = match client.query_range(query, at - chart, at, step).await
        {
            Ok(series) => {
                let fetched = series.iter().map(|s| s.points.len()).sum();
                (Some(merge_highest(&series)), fetched)
            }
            Err(error) => {
                tracing::warn!(signal = %self.signal.name, %error, "range query failed");
                (None, 0)
            }
        };
        Ok(SignalReading {
            at,
            value,
            note,
            history,
            points_fetched,
        })
    }
}

fn reading(at: chrono::DateTime<Utc>, value: Result<f64, NoValue>) -> SignalReading {
    let (value, note) = match value {
        Ok(v) => (Some(v), None),
        Err(why) => (None, Some(why.to_string())),
    };
    SignalReading {
        at,
        value,
        note,
        history: None,
        points_fetched: 0,
    }
}

/// One point per step: the highest of the series at that time.
fn merge_highest(
    series: &[crate::adapters::prometheus::RangeSeries],
) -> Vec<(chrono::DateTime<Utc>, f64)> {
    let mut merged: std::collections::BTreeMap<chrono::DateTime<Utc>, f64> = Default::default();
    for s in series {
        for (at, v) in &s.points {
            merged
                .entry(*at)
                .and_modify(|w| {
                    if !v.is_nan() {
                        *w = w.max(*v)
                    }
                })
                .or_insert(*v);
        }
    }
    merged.into_iter().collect()
}

fn request_timeout(signal: &Signal) -> Duration {
    let interval = signal.interval.to_std().unwrap_or(MAX_REQUEST);
    interval.clamp(Duration::from_secs(1), MAX_REQUEST)
}
