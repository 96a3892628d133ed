//! Metrics without a metrics server: the Prometheus text format read from a
//! service's own `/metrics`, and the arithmetic Prometheus would do on it
//! (rates from counters, quantiles from histograms). Pure: no I/O.

pub mod exposition;
pub mod histogram;
pub mod series;

pub use exposition::{Exposition, LineProblem, MetricKind, ParseError, Sample};
