//! The computations against answers recorded from the real engine
//! (tests/fixtures/docker_stats/README.md says how each was taken).

use super::*;

fn recorded(name: &str) -> ContainerStatsResponse {
    let text = match name {
        "busy" => include_str!("../../../../tests/fixtures/docker_stats/busy.json"),
        "idle" => include_str!("../../../../tests/fixtures/docker_stats/idle.json"),
        "one_shot" => include_str!("../../../../tests/fixtures/docker_stats/one_shot.json"),
        "stopped" => include_str!("../../../../tests/fixtures/docker_stats/stopped.json"),
        "v2" => include_str!("../../../../tests/fixtures/docker_stats/cgroup_v2_handmade.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

#[test]
fn cpu_is_the_share_of_host_time_times_the_cpus_as_docker_stats_says() {
    // (3414851439 - 2734331883) / (3084070000000 - 3082070000000) * 2
    let busy = cpu_use(&recorded("busy")).unwrap();
    assert_eq!(busy.online, 2);
    assert!((busy.cpus - 0.680519556).abs() < 1e-9, "{busy:?}");
    let idle = cpu_use(&recorded("idle")).unwrap();
    assert_eq!(idle.cpus, 0.0);
    // cgroup v2: no per-CPU list, online_cpus alone: 1e9 / 4e9 * 4.
    let v2 = cpu_use(&recorded("v2")).unwrap();
    assert!((v2.cpus - 1.0).abs() < 1e-9, "{v2:?}");
}

#[test]
fn memory_leaves_out_the_inactive_file_cache() {
    let idle = memory_use(&recorded("idle")).unwrap();
    assert_eq!(
        idle,
        MemoryUse {
            used: 2101248 - 1503232,
            limit: 64 << 20
        }
    );
    let busy = memory_use(&recorded("busy")).unwrap();
    assert_eq!(busy.used, 2187264 - 1605632);
    assert_eq!(busy.limit, 25275990016, "no limit: the host's memory");
    let v2 = memory_use(&recorded("v2")).unwrap();
    assert_eq!(
        v2.used,
        60_000_000 - 8_000_000,
        "inactive_file on cgroup v2"
    );
}

#[test]
fn no_figure_without_both_samples_or_a_running_container() {
    assert_eq!(
        cpu_use(&recorded("one_shot")),
        Err(Gap::NoPreviousSample),
        "one-shot stats carry no first sample"
    );
    assert!(memory_use(&recorded("one_shot")).is_ok());
    assert_eq!(cpu_use(&recorded("stopped")), Err(Gap::NotRunning));
    assert_eq!(memory_use(&recorded("stopped")), Err(Gap::NotRunning));

    let mut same_moment = recorded("busy");
    if let Some(before) = same_moment.precpu_stats.as_mut() {
        before.system_cpu_usage = Some(3084070000000);
    }
    assert_eq!(cpu_use(&same_moment), Err(Gap::NoTimeBetweenSamples));

    let mut no_limit = recorded("idle");
    if let Some(memory) = no_limit.memory_stats.as_mut() {
        memory.limit = Some(0);
    }
    assert_eq!(memory_use(&no_limit), Err(Gap::NoMemoryLimit));
}

#[test]
fn a_cache_larger_than_usage_is_not_subtracted() {
    let mut stats = recorded("idle");
    if let Some(memory) = stats.memory_stats.as_mut() {
        memory.usage = Some(1000);
    }
    assert_eq!(memory_use(&stats).map(|m| m.used), Ok(1000));
}

#[test]
fn a_sample_says_what_it_is_made_of() {
    let memory = sample("web", &recorded("idle"), ContainerMeasure::Memory).unwrap();
    assert_eq!(memory.detail, "584 KiB of 64 MiB");
    assert!((memory.value - 598016.0 / 67108864.0).abs() < 1e-12);
    let cpu = sample("web", &recorded("busy"), ContainerMeasure::Cpu).unwrap();
    assert_eq!(cpu.detail, "0.68 of 2 CPUs");
    let host = sample("web", &recorded("busy"), ContainerMeasure::Memory).unwrap();
    assert_eq!(host.detail, "568 KiB of 23.5 GiB");
}

#[test]
fn replicas_read_as_the_highest_of_them() {
    let samples = [
        sample("shop-api-1", &recorded("idle"), ContainerMeasure::Cpu).unwrap(),
        sample("shop-api-2", &recorded("busy"), ContainerMeasure::Cpu).unwrap(),
    ];
    let reading = highest(&samples).unwrap();
    assert!((reading.value - 0.680519556).abs() < 1e-9);
    assert_eq!(
        reading.note,
        "the highest of 2 containers: shop-api-2, 0.68 of 2 CPUs"
    );
    let one = highest(&samples[..1]).unwrap();
    assert_eq!(one.note, "shop-api-1: 0.00 of 2 CPUs");
    assert_eq!(highest(&[]), None);
}

#[test]
fn each_failure_says_what_is_missing() {
    let lines = [
        (
            StatsError::NoSuchContainer("web".into()),
            "no container named web",
        ),
        (
            StatsError::NoReplicas {
                project: "shop".into(),
                service: "api".into(),
            },
            "no running container of compose service api (project shop)",
        ),
        (
            StatsError::Gap {
                container: "web".into(),
                gap: Gap::NotRunning,
            },
            "container web is not running",
        ),
        (
            StatsError::Timeout(STATS_TIMEOUT),
            "the docker engine sent no stats within 10 s",
        ),
    ];
    for (error, line) in lines {
        assert_eq!(error.to_string(), line);
    }
    assert!(!StatsError::NoSuchContainer("web".into()).engine_lost());
    assert!(StatsError::Timeout(STATS_TIMEOUT).engine_lost());
}

#[test]
fn sizes_read_as_docker_writes_them() {
    assert_eq!(bytes(512), "512 B");
    assert_eq!(bytes(64 << 20), "64 MiB");
    assert_eq!(bytes(1536), "1.5 KiB");
}
