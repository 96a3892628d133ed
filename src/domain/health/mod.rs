//! Health signals as data: what is measured (error rate, p99, CPU, a health
//! endpoint), where it comes from (Prometheus, a service's own `/metrics`, an
//! HTTP check, a Docker engine's container stats), and the series of values seen. Pure: the adapters fetch, this
//! module decides what the numbers mean.

mod container;
mod measure;
mod points;
mod settings;
mod signal;

pub use container::{ContainerMeasure, ContainerStats, Containers};
pub use measure::{
    Matcher, Measure, MeasureError, MeasureProblem, NoValue, SelectorError, parse_measure,
};
pub use points::{Points, downsample};
pub use settings::HealthSettings;
pub use signal::{Signal, SignalReading, SignalUpdate, Source, Unit};
