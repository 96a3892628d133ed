//! CPU and memory of containers from the engine's stats, computed as
//! `docker stats` computes them, for `source = "docker"` health signals.
//!
//! The engine is asked with `stream=false` and `one-shot=false`: it then
//! takes two samples about a second apart and sends both (`precpu_stats` is
//! the first). A one-shot answer has no first sample, so no CPU figure.

use std::collections::HashMap;
use std::time::Duration;

use bollard::Docker;
use bollard::models::ContainerStatsResponse;
use bollard::query_parameters::{ListContainersOptions, StatsOptions};
use futures::StreamExt;

use super::connect::{EngineError, describe, is_not_found};
use crate::domain::health::{ContainerMeasure, Containers};

/// The longest one reading may take: the engine's sampling second, plus
/// room for a busy host. Beyond it the signal goes stale.
pub const STATS_TIMEOUT: Duration = Duration::from_secs(10);

/// CPU use over the engine's sampling interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuUse {
    /// CPUs' worth of time used: 0.5 is half of one CPU.
    pub cpus: f64,
    /// The CPUs the container could run on.
    pub online: u32,
}

/// Memory in use against the limit, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryUse {
    /// Usage without the inactive page cache the kernel can drop.
    pub used: u64,
    /// The container's limit, or the host's memory when it has none.
    pub limit: u64,
}

impl MemoryUse {
    pub fn ratio(self) -> f64 {
        self.used as f64 / self.limit as f64
    }
}

/// Why a stats answer holds no figure for a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// The engine samples only running containers.
    NotRunning,
    /// No first sample to take the CPU delta from (a one-shot answer).
    NoPreviousSample,
    /// Both samples at the same host CPU time.
    NoTimeBetweenSamples,
    NoCpuCount,
    NoMemoryUsage,
    NoMemoryLimit,
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotRunning => "is not running",
            Self::NoPreviousSample => "the engine sent no earlier CPU sample to compare with",
            Self::NoTimeBetweenSamples => "the engine's two CPU samples are of the same moment",
            Self::NoCpuCount => "the engine did not say how many CPUs the container has",
            Self::NoMemoryUsage => "the engine sent no memory usage",
            Self::NoMemoryLimit => "the engine sent no memory limit",
        })
    }
}

/// The engine writes a zero time when it has no sample: the container is
/// created, stopped or gone.
fn sampled(stats: &ContainerStatsResponse) -> Result<(), Gap> {
    match stats.read.as_deref() {
        Some(read) if !read.starts_with("0001-01-01") => Ok(()),
        _ => Err(Gap::NotRunning),
    }
}

/// `docker stats`' CPU: the container's CPU time over the host's between the
/// two samples, times the CPUs online (so 1.0 is one CPU busy).
pub fn cpu_use(stats: &ContainerStatsResponse) -> Result<CpuUse, Gap> {
    sampled(stats)?;
    let now = stats.cpu_stats.as_ref().ok_or(Gap::NotRunning)?;
    let before = stats.precpu_stats.as_ref().ok_or(Gap::NoPreviousSample)?;
    let total =
        |s: &bollard::models::ContainerCpuStats| s.cpu_usage.as_ref().and_then(|u| u.total_usage);
    let system_now = now.system_cpu_usage.ok_or(Gap::NotRunning)?;
    let system_before = before
        .system_cpu_usage
        .filter(|s| *s > 0)
        .ok_or(Gap::NoPreviousSample)?;
    let system_delta = system_now.saturating_sub(system_before);
    if system_delta == 0 {
        return Err(Gap::NoTimeBetweenSamples);
    }
    // A counter that went backwards (a restart between the samples) reads
    // as idle, as the CLI reads it.
    let cpu_delta = total(now)
        .unwrap_or(0)
        .saturating_sub(total(before).unwrap_or(0));
    let online = now
        .online_cpus
        .filter(|n| *n > 0)
        .or_else(|| {
            now.cpu_usage
                .as_ref()
                .and_then(|u| u.percpu_usage.as_ref())
                .and_then(|per| u32::try_from(per.len()).ok())
                .filter(|n| *n > 0)
        })
        .ok_or(Gap::NoCpuCount)?;
    Ok(CpuUse {
        cpus: cpu_delta as f64 / system_delta as f64 * f64::from(online),
        online,
    })
}

/// `docker stats`' memory: usage less the inactive file cache
/// (`total_inactive_file` on cgroup v1, `inactive_file` on v2), over the
/// limit.
pub fn memory_use(stats: &ContainerStatsResponse) -> Result<MemoryUse, Gap> {
    sampled(stats)?;
    let memory = stats.memory_stats.as_ref().ok_or(Gap::NoMemoryUsage)?;
    let usage = memory.usage.ok_or(Gap::NoMemoryUsage)?;
    let limit = memory.limit.filter(|l| *l > 0).ok_or(Gap::NoMemoryLimit)?;
    let empty = HashMap::new();
    let counters = memory.stats.as_ref().unwrap_or(&empty);
    let cache = match counters.get("total_inactive_file") {
        Some(v1) => Some(*v1),
        None => counters.get("inactive_file").copied(),
    }
    .filter(|cache| *cache < usage)
    .unwrap_or(0);
    Ok(MemoryUse {
        used: usage - cache,
        limit,
    })
}

/// One container's value for a measure, and what it is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub container: String,
    /// A ratio: CPUs used, or memory used over the limit.
    pub value: f64,
    /// `0.68 of 2 CPUs`, `584 KiB of 64 MiB`.
    pub detail: String,
}

/// The value of `measure` in one stats answer.
pub fn sample(
    container: &str,
    stats: &ContainerStatsResponse,
    measure: ContainerMeasure,
) -> Result<Sample, Gap> {
    let (value, detail) = match measure {
        ContainerMeasure::Cpu => {
            let cpu = cpu_use(stats)?;
            let plural = if cpu.online == 1 { "" } else { "s" };
            (
                cpu.cpus,
                format!("{:.2} of {} CPU{plural}", cpu.cpus, cpu.online),
            )
        }
        ContainerMeasure::Memory => {
            let memory = memory_use(stats)?;
            (
                memory.ratio(),
                format!("{} of {}", bytes(memory.used), bytes(memory.limit)),
            )
        }
    };
    Ok(Sample {
        container: container.to_owned(),
        value,
        detail,
    })
}

/// What a signal shows: the highest replica's value, and which it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub value: f64,
    pub note: String,
}

/// The highest of the samples; `None` for none.
pub fn highest(samples: &[Sample]) -> Option<Reading> {
    let top = samples.iter().max_by(|a, b| a.value.total_cmp(&b.value))?;
    let note = match samples.len() {
        1 => format!("{}: {}", top.container, top.detail),
        n => format!(
            "the highest of {n} containers: {}, {}",
            top.container, top.detail
        ),
    };
    Some(Reading {
        value: top.value,
        note,
    })
}

/// Why a Docker signal has no value this time: it shows as stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsError {
    Engine(EngineError),
    NoSuchContainer(String),
    NoReplicas { project: String, service: String },
    Gap { container: String, gap: Gap },
    Call { what: String, cause: String },
    Timeout(Duration),
}

impl StatsError {
    /// Whether the client should be built again before the next reading:
    /// the engine went away, or answered nothing in time.
    pub fn engine_lost(&self) -> bool {
        matches!(self, Self::Engine(_) | Self::Call { .. } | Self::Timeout(_))
    }
}

impl std::fmt::Display for StatsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Engine(error) => error.fmt(f),
            Self::NoSuchContainer(name) => write!(f, "no container named {name}"),
            Self::NoReplicas { project, service } => write!(
                f,
                "no running container of compose service {service} (project {project})"
            ),
            Self::Gap { container, gap } => match gap {
                Gap::NotRunning => write!(f, "container {container} {gap}"),
                _ => write!(f, "container {container}: {gap}"),
            },
            Self::Call { what, cause } => write!(f, "{what}: {cause}"),
            Self::Timeout(limit) => write!(
                f,
                "the docker engine sent no stats within {} s",
                limit.as_secs()
            ),
        }
    }
}

impl std::error::Error for StatsError {}

/// Reads `measure` of `containers`: one container's value, or the highest of
/// a compose service's running replicas. A replica that stops between the
/// listing and its stats is left out; when none answers, the first reason
/// is the error.
pub async fn read(
    docker: &Docker,
    containers: &Containers,
    measure: ContainerMeasure,
) -> Result<Reading, StatsError> {
    let reading = async {
        let names = match containers {
            Containers::Named(name) => vec![name.clone()],
            Containers::Compose { project, service } => replicas(docker, project, service).await?,
        };
        let answers =
            futures::future::join_all(names.iter().map(|name| stats_of(docker, name))).await;
        let mut samples = Vec::new();
        let mut first_error = None;
        for (name, answer) in names.iter().zip(answers) {
            match answer.and_then(|stats| {
                sample(name, &stats, measure).map_err(|gap| StatsError::Gap {
                    container: name.clone(),
                    gap,
                })
            }) {
                Ok(sample) => samples.push(sample),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        match (highest(&samples), first_error) {
            (Some(reading), _) => Ok(reading),
            (None, Some(error)) => Err(error),
            (None, None) => Err(no_replicas(containers)),
        }
    };
    tokio::time::timeout(STATS_TIMEOUT, reading)
        .await
        .unwrap_or(Err(StatsError::Timeout(STATS_TIMEOUT)))
}

fn no_replicas(containers: &Containers) -> StatsError {
    match containers {
        Containers::Named(name) => StatsError::NoSuchContainer(name.clone()),
        Containers::Compose { project, service } => StatsError::NoReplicas {
            project: project.clone(),
            service: service.clone(),
        },
    }
}

/// The names of a compose service's running containers.
async fn replicas(
    docker: &Docker,
    project: &str,
    service: &str,
) -> Result<Vec<String>, StatsError> {
    let filters = HashMap::from([(
        "label".to_owned(),
        vec![
            format!("{}={project}", super::labels::COMPOSE_PROJECT),
            format!("{}={service}", super::labels::COMPOSE_SERVICE),
        ],
    )]);
    let listed = docker
        .list_containers(Some(ListContainersOptions {
            filters: Some(filters),
            ..Default::default()
        }))
        .await
        .map_err(|e| StatsError::Call {
            what: format!("listing compose service {service}"),
            cause: describe(&e),
        })?;
    let names: Vec<String> = listed
        .into_iter()
        .filter_map(|c| {
            let name = c.names.and_then(|n| n.into_iter().next());
            name.map(|n| n.trim_start_matches('/').to_owned()).or(c.id)
        })
        .collect();
    if names.is_empty() {
        return Err(StatsError::NoReplicas {
            project: project.to_owned(),
            service: service.to_owned(),
        });
    }
    Ok(names)
}

/// One container's stats with both CPU samples.
async fn stats_of(docker: &Docker, name: &str) -> Result<ContainerStatsResponse, StatsError> {
    let options = StatsOptions {
        stream: false,
        one_shot: false,
    };
    let answer = docker.stats(name, Some(options)).next().await;
    match answer {
        Some(Ok(stats)) => Ok(stats),
        Some(Err(e)) if is_not_found(&e) => Err(StatsError::NoSuchContainer(name.to_owned())),
        Some(Err(e)) => Err(StatsError::Call {
            what: format!("stats of container {name}"),
            cause: describe(&e),
        }),
        None => Err(StatsError::Call {
            what: format!("stats of container {name}"),
            cause: "the engine closed the answer empty".to_owned(),
        }),
    }
}

/// `584 KiB`, `64 MiB`, `23.5 GiB`: as `docker stats` writes sizes.
fn bytes(count: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = count as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || (value - value.round()).abs() < 0.05 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests;
