#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The Prometheus client against a real Prometheus (Debian's 2.42 on CI), and
//! against loopback servers that misbehave in the ways a network does.

mod support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use release_cockpit::adapters::prometheus::{PromError, PrometheusClient, choose_step};
use support::prometheus::{PrometheusPeer, free_port};

fn client(url: &str) -> PrometheusClient {
    PrometheusClient::new(url, Duration::from_secs(5)).unwrap()
}

/// A Prometheus scraping only itself, once a second, scraped at least once.
async fn scraped_peer() -> PrometheusPeer {
    let peer = PrometheusPeer::start(&[], "/metrics", "1s");
    peer.wait_for_scrape("prometheus").await;
    peer
}

#[tokio::test]
async fn instant_queries_decode_every_kind_of_answer() {
    let peer = scraped_peer().await;
    let prom = client(&format!("{}/", peer.url));
    assert_eq!(prom.base_url(), peer.url);

    let up = prom.query("up", None).await.unwrap();
    assert!(!up.is_empty(), "no `up` after the first scrape");
    let me = format!("127.0.0.1:{}", peer.port);
    let own = up
        .iter()
        .find(|s| s.labels.get("instance") == Some(&me))
        .unwrap_or_else(|| panic!("no `up` for {me}: {up:?}"));
    assert_eq!(own.value, 1.0);
    assert_eq!(own.labels["job"], "prometheus");
    assert_eq!(own.labels["__name__"], "up");
    let age = Utc::now() - own.at;
    assert!(
        age.num_seconds().abs() < 5,
        "evaluated at {} ({age} ago)",
        own.at
    );

    let one = prom.query("scalar(vector(1))", None).await.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].value, 1.0);
    assert_eq!(one[0].labels, BTreeMap::new(), "a scalar has no labels");

    let nan_vector = prom.query("vector(0)/0", None).await.unwrap();
    assert_eq!(nan_vector.len(), 1);
    assert!(nan_vector[0].value.is_nan(), "{nan_vector:?}");
    let nan_scalar = prom.query("0/0", None).await.unwrap();
    assert!(nan_scalar[0].value.is_nan(), "{nan_scalar:?}");
    let inf = prom.query("1/0", None).await.unwrap();
    assert_eq!(inf[0].value, f64::INFINITY);
    let minus_inf = prom.query("-1/0", None).await.unwrap();
    assert_eq!(minus_inf[0].value, f64::NEG_INFINITY);

    assert_eq!(
        prom.query("nonexistent_metric", None).await.unwrap(),
        vec![]
    );

    // The time parameter is sent and honoured: a scalar is stamped with it,
    // and an hour ago this Prometheus had scraped nothing.
    let hour_ago = Utc::now() - chrono::Duration::hours(1);
    let then = prom.query("vector(2)", Some(hour_ago)).await.unwrap();
    assert_eq!(then[0].at.timestamp_millis(), hour_ago.timestamp_millis());
    assert_eq!(prom.query("up", Some(hour_ago)).await.unwrap(), vec![]);

    match prom.query("sum(rate(", None).await {
        Err(PromError::BadQuery {
            error_type,
            message,
        }) => {
            assert_eq!(error_type, "bad_data");
            assert!(message.starts_with("1:10: parse error"), "{message}");
        }
        other => panic!("expected a bad query, got {other:?}"),
    }
    // Many-to-many matching fails while evaluating, which Prometheus answers
    // with 422 and errorType "execution".
    let two = r#"label_replace(vector(1), "a", "x", "", "") or label_replace(vector(1), "a", "y", "", "")"#;
    match prom
        .query(&format!("vector(1) + on() group_left() ({two})"), None)
        .await
    {
        Err(PromError::BadQuery {
            error_type,
            message,
        }) => {
            assert_eq!(error_type, "execution", "{message}");
            assert!(message.contains("many-to-many"), "{message}");
        }
        other => panic!("expected an execution error, got {other:?}"),
    }

    let text = prom.query(r#""hello""#, None).await.unwrap_err();
    assert!(
        matches!(&text, PromError::Decode(m) if m.contains("string")),
        "{text}"
    );
    let matrix = prom.query("up[10s]", None).await.unwrap_err();
    assert!(
        matches!(&matrix, PromError::Decode(m) if m.contains("query_range")),
        "{matrix}"
    );
}

#[tokio::test]
async fn a_range_query_returns_points_one_step_apart() {
    let peer = scraped_peer().await;
    let prom = client(&peer.url);
    // 30 s charted 15 columns wide at a 1 s scrape interval: a 2 s step.
    let step = choose_step(chrono::Duration::seconds(30), 15, Duration::from_secs(1));
    assert_eq!(step, Duration::from_secs(2));

    // Prometheus has data only since it started; wait for three steps' worth.
    let deadline = Instant::now() + Duration::from_secs(15);
    let (start, end, series) = loop {
        // Whole milliseconds, as the client sends them, so points compare
        // exactly with the range asked for.
        let end = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap();
        let start = end - chrono::Duration::seconds(30);
        let series = prom.query_range("up", start, end, step).await.unwrap();
        if series.first().is_some_and(|s| s.points.len() >= 3) {
            break (start, end, series);
        }
        assert!(Instant::now() < deadline, "fewer than 3 points: {series:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(series.len(), 1, "{series:?}");
    assert_eq!(series[0].labels["job"], "prometheus");
    let points = &series[0].points;
    assert!(
        points.len() <= 16,
        "{} points for 30 s at 2 s",
        points.len()
    );
    for pair in points.windows(2) {
        assert_eq!(
            pair[1].0 - pair[0].0,
            chrono::Duration::seconds(2),
            "{points:?}"
        );
    }
    for (at, value) in points {
        assert!(start <= *at && *at <= end, "{at} outside {start}..{end}");
        assert_eq!(*value, 1.0);
    }
    // Steps are aligned to the start, as the cockpit's columns are.
    let offset = (points[0].0 - start).num_milliseconds();
    assert_eq!(offset % 2000, 0, "first point {} after start", offset);

    let backwards = prom.query_range("up", end, start, step).await.unwrap_err();
    assert!(
        matches!(&backwards, PromError::BadQuery { message, .. } if message.contains("end")),
        "{backwards}"
    );
}

#[tokio::test]
async fn a_closed_port_is_unreachable_at_once() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let started = Instant::now();
    let error = client(&url).query("up", None).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, PromError::Unreachable(_)), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!("Prometheus at {url} cannot be reached: connection refused")
    );
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    // Accept, then hold the connection open without a byte of answer.
    std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().collect();
        drop(held);
    });
    let limit = Duration::from_millis(200);
    let prom = PrometheusClient::new(&url, limit).unwrap();
    let started = Instant::now();
    let error = prom.query("up", None).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(error, PromError::Timeout(limit));
    assert_eq!(error.to_string(), "timed out after 200ms");
    assert!(took >= limit && took < Duration::from_secs(2), "{took:?}");
}

#[tokio::test]
async fn a_proxy_error_page_keeps_its_status() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut request = [0_u8; 4096];
            let _ = stream.read(&mut request);
            let body = "<html><head><title>502 Bad Gateway</title></head>\
                        <body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let error = client(&url)
        .query_range(
            "up",
            Utc::now() - chrono::Duration::minutes(1),
            Utc::now(),
            Duration::from_secs(15),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Prometheus answered 502: 502 Bad Gateway 502 Bad Gateway nginx"
    );
}

/// `check-config` asks a reachable Prometheus about each query: a refused one
/// is an error at its line; a server that does not answer is only a note.
#[tokio::test]
async fn check_config_reports_a_query_prometheus_refuses() {
    let peer = scraped_peer().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("cockpit.toml");
    let closed = free_port();
    std::fs::write(
        &config,
        format!(
            "[health]\nprometheus = \"{}\"\n\n[[signal]]\nname = \"ok\"\nsource = \"prometheus\"\nquery = \"up\"\n\n\
             [[signal]]\nname = \"typo\"\nsource = \"prometheus\"\nquery = \"sum(rate(\"\n\n\
             [[signal]]\nname = \"elsewhere\"\nsource = \"prometheus\"\nurl = \"http://127.0.0.1:{closed}\"\nquery = \"up\"\n",
            peer.url
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_release-cockpit"))
        .arg("check-config")
        .arg(&config)
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("signal[1].query"), "{stderr}");
    assert!(
        stderr.contains("line 12"),
        "the line of the bad query: {stderr}"
    );
    assert!(stderr.contains("parse error"), "{stderr}");
    assert!(
        stderr.contains("`elsewhere`: the query was not checked"),
        "{stderr}"
    );
    assert!(!stderr.contains("signal[0]"), "`up` is fine: {stderr}");
}
