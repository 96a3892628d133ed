//! The configuration of a container to replace another with a new image: the
//! old one's own settings (env, command, entrypoint, labels, ports, mounts,
//! healthcheck, restart policy, networks and aliases), without what it only
//! had from its old image, so that the new image's own defaults apply.
//!
//! An inspected container's config is its image's merged with what it was
//! created with; copied whole, the old image's `CMD` or `ENV` would override
//! the new image's. A value equal to the old image's is taken as inherited.

use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, ContainerInspectResponse, EndpointSettings, HostConfig, ImageConfig,
    Mount, MountPoint, MountType, NetworkingConfig, PortBinding, PortMap,
};

/// The new container's configuration, and the networks to connect it to after
/// creation (an engine before API 1.44 takes only one at creation).
pub struct Recreated {
    pub body: ContainerCreateBody,
    pub more_networks: Vec<(String, EndpointSettings)>,
}

/// `old` with `image` and the cockpit's `labels`, as said above.
pub fn recreate(
    old: &ContainerInspectResponse,
    old_image: Option<&ImageConfig>,
    image: &str,
    labels: &[(String, String)],
) -> Recreated {
    let config = old.config.clone().unwrap_or_default();
    let inherited = old_image.cloned().unwrap_or_default();
    let own = |mine: Option<Vec<String>>, theirs: &Option<Vec<String>>| {
        mine.filter(|m| Some(m) != theirs.as_ref())
    };
    let env = config.env.map(|env| {
        let from_image = inherited.env.clone().unwrap_or_default();
        env.into_iter()
            .filter(|e| !from_image.contains(e))
            .collect::<Vec<_>>()
    });
    let mut all_labels: HashMap<String, String> = config
        .labels
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, v)| inherited.labels.as_ref().and_then(|l| l.get(k)) != Some(v))
        .collect();
    all_labels.extend(labels.iter().cloned());
    let without = |mine: Option<Vec<String>>, theirs: &Option<Vec<String>>| {
        let theirs = theirs.clone().unwrap_or_default();
        mine.map(|m| {
            m.into_iter()
                .filter(|p| !theirs.contains(p))
                .collect::<Vec<_>>()
        })
        .filter(|m| !m.is_empty())
    };
    let id = old.id.clone().unwrap_or_default();
    // The engine names a container's host after its id unless told otherwise;
    // sharing another container's network (`container:web`, compose's
    // `service:`), it has that one's names, and may not be given its own.
    let shares_network = old
        .host_config
        .as_ref()
        .and_then(|h| h.network_mode.as_deref())
        .is_some_and(|m| m.starts_with("container:"));
    let hostname = config
        .hostname
        .filter(|h| !h.is_empty() && !id.starts_with(h.as_str()) && !shares_network);
    let domainname = config
        .domainname
        .filter(|d| !d.is_empty() && !shares_network);
    let running_ports = old.network_settings.as_ref().and_then(|n| n.ports.as_ref());
    let host_config = old
        .host_config
        .clone()
        .map(|host| pin_chosen_ports(host, running_ports))
        .map(|host| keep_anonymous_volumes(host, old.mounts.as_deref().unwrap_or_default()));
    let network_mode = host_config
        .as_ref()
        .and_then(|h| h.network_mode.clone())
        .unwrap_or_default();
    let short_id = id.get(..12).unwrap_or(&id).to_owned();
    let mut networks: Vec<(String, EndpointSettings)> = old
        .network_settings
        .as_ref()
        .and_then(|n| n.networks.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|(name, endpoint)| (name, endpoint_for(endpoint, &short_id)))
        .collect();
    networks.sort_by(|a, b| a.0.cmp(&b.0));
    // The one named by the network mode is set at creation, the rest after.
    let first = networks
        .iter()
        .position(|(name, _)| *name == network_mode)
        .map(|i| networks.remove(i));
    let body = ContainerCreateBody {
        hostname,
        domainname,
        user: config.user.filter(|u| Some(u) != inherited.user.as_ref()),
        attach_stdin: config.attach_stdin,
        attach_stdout: config.attach_stdout,
        attach_stderr: config.attach_stderr,
        exposed_ports: without(config.exposed_ports, &inherited.exposed_ports),
        tty: config.tty,
        open_stdin: config.open_stdin,
        stdin_once: config.stdin_once,
        env,
        cmd: own(config.cmd, &inherited.cmd),
        healthcheck: config
            .healthcheck
            .filter(|h| Some(h) != inherited.healthcheck.as_ref()),
        image: Some(image.to_owned()),
        volumes: without(config.volumes, &inherited.volumes),
        working_dir: config
            .working_dir
            .filter(|w| Some(w) != inherited.working_dir.as_ref() && !w.is_empty()),
        entrypoint: own(config.entrypoint, &inherited.entrypoint),
        labels: Some(all_labels),
        stop_signal: config
            .stop_signal
            .filter(|s| Some(s) != inherited.stop_signal.as_ref()),
        stop_timeout: config.stop_timeout,
        host_config,
        networking_config: first.map(|(name, endpoint)| NetworkingConfig {
            endpoints_config: Some(HashMap::from([(name, endpoint)])),
        }),
        ..Default::default()
    };
    Recreated {
        body,
        more_networks: networks,
    }
}

/// A port published without a host port (`-p 8080`, `ports: ["8080"]`) got
/// one the engine chose; the new container asks for that one, where clients
/// found the old. A fixed binding is kept as it is.
fn pin_chosen_ports(mut host: HostConfig, running: Option<&PortMap>) -> HostConfig {
    let (Some(bindings), Some(running)) = (host.port_bindings.as_mut(), running) else {
        return host;
    };
    for (port, wanted) in bindings.iter_mut() {
        let given = running.get(port).cloned().flatten().unwrap_or_default();
        for binding in wanted.iter_mut().flatten() {
            if binding.host_port.as_deref().is_some_and(|p| !p.is_empty()) {
                continue;
            }
            let same_address = |b: &&PortBinding| {
                normal_ip(b.host_ip.as_deref()) == normal_ip(binding.host_ip.as_deref())
            };
            if let Some(chosen) = given.iter().find(same_address) {
                binding.host_port = chosen.host_port.clone();
            }
        }
    }
    host
}

/// A volume the old container had without naming it (`-v /data`, an image's
/// `VOLUME`) is mounted into the new one where it was, as compose does on a
/// recreate: otherwise the new container starts with an empty one, and the
/// data stays with the kept old container.
fn keep_anonymous_volumes(mut host: HostConfig, mounts: &[MountPoint]) -> HostConfig {
    let named: Vec<String> = host
        .binds
        .iter()
        .flatten()
        .filter_map(|bind| bind.split(':').nth(1).map(str::to_owned))
        .chain(
            host.mounts
                .iter()
                .flatten()
                .filter_map(|m| m.target.clone()),
        )
        .collect();
    let anonymous: Vec<Mount> = mounts
        .iter()
        .filter(|m| m.typ.as_deref() == Some("volume"))
        .filter(|m| m.destination.as_ref().is_some_and(|d| !named.contains(d)))
        .map(|m| Mount {
            target: m.destination.clone(),
            source: m.name.clone(),
            typ: Some(MountType::VOLUME),
            read_only: m.rw.map(|rw| !rw),
            ..Default::default()
        })
        .collect();
    if !anonymous.is_empty() {
        host.mounts.get_or_insert_with(Vec::new).extend(anonymous);
    }
    host
}

/// `""` and `0.0.0.0` both mean every address.
fn normal_ip(ip: Option<&str>) -> &str {
    match ip {
        None | Some("") | Some("0.0.0.0") => "0.0.0.0",
        Some(ip) => ip,
    }
}

/// What the new container asks of a network: the old one's aliases (not the
/// old id, which the engine added), fixed addresses and links; what the
/// engine assigned (addresses, endpoint ids) is left to it.
fn endpoint_for(old: EndpointSettings, short_id: &str) -> EndpointSettings {
    EndpointSettings {
        aliases: old.aliases.map(|a| {
            a.into_iter()
                .filter(|alias| alias != short_id)
                .collect::<Vec<_>>()
        }),
        ipam_config: old.ipam_config,
        links: old.links,
        driver_opts: old.driver_opts,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_came_from_the_old_image_is_left_to_the_new_one() {
        let old: ContainerInspectResponse = serde_json::from_value(serde_json::json!({
            "Id": "0123456789abcdef",
            "Config": {
                "Hostname": "0123456789ab",
                "Image": "shop/web:1",
                "Env": ["PATH=/bin", "APP_MODE=live"],
                "Cmd": ["/bin/busybox", "httpd", "-f"],
                "Labels": {"from.image": "1", "team": "shop"},
                "Healthcheck": {"Test": ["CMD-SHELL", "wget -q http://127.0.0.1:8080/health"], "Interval": 1000000000}
            },
            "HostConfig": {"NetworkMode": "shop-net", "PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18080"}]},
                           "RestartPolicy": {"Name": "unless-stopped"}},
            "NetworkSettings": {"Networks": {
                "shop-net": {"Aliases": ["web", "0123456789ab"], "IPAddress": "172.20.0.5", "NetworkID": "n1"},
                "metrics": {"Aliases": ["web-metrics"]}
            }}
        }))
        .unwrap();
        let image: ImageConfig = serde_json::from_value(serde_json::json!({
            "Env": ["PATH=/bin"], "Cmd": ["/bin/busybox", "httpd", "-f"], "Labels": {"from.image": "1"}
        }))
        .unwrap();
        let new = recreate(
            &old,
            Some(&image),
            "shop/web:2",
            &[("io.release-cockpit.version".into(), "2".into())],
        );
        let body = &new.body;
        assert_eq!(body.image.as_deref(), Some("shop/web:2"));
        assert_eq!(body.env.as_deref(), Some(&["APP_MODE=live".to_owned()][..]));
        assert_eq!(body.cmd, None, "the new image's CMD applies");
        assert_eq!(body.hostname, None, "the old id is not a hostname to keep");
        let labels = body.labels.as_ref().unwrap();
        assert_eq!(labels.get("team").map(String::as_str), Some("shop"));
        assert!(!labels.contains_key("from.image"));
        assert_eq!(labels["io.release-cockpit.version"], "2");
        assert!(
            body.healthcheck.is_some(),
            "the container's own healthcheck stays"
        );
        let host = body.host_config.as_ref().unwrap();
        assert!(host.port_bindings.is_some());
        let endpoints = body
            .networking_config
            .as_ref()
            .and_then(|n| n.endpoints_config.as_ref())
            .unwrap();
        assert_eq!(
            endpoints["shop-net"].aliases.as_deref(),
            Some(&["web".to_owned()][..])
        );
        assert_eq!(endpoints["shop-net"].ip_address, None);
        assert_eq!(new.more_networks.len(), 1);
        assert_eq!(new.more_networks[0].0, "metrics");
    }

    #[test]
    fn a_port_the_engine_chose_is_asked_for_again_and_a_fixed_one_kept() {
        let old: ContainerInspectResponse = serde_json::from_value(serde_json::json!({
            "HostConfig": {"PortBindings": {
                "8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}],
                "9090/tcp": [{"HostIp": "", "HostPort": "19090"}],
                "7070/tcp": [{"HostIp": "", "HostPort": ""}]
            }},
            "NetworkSettings": {"Ports": {
                "8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32768"}],
                "9090/tcp": [{"HostIp": "0.0.0.0", "HostPort": "19090"}],
                "7070/tcp": [{"HostIp": "0.0.0.0", "HostPort": "32769"}, {"HostIp": "::", "HostPort": "32769"}]
            }}
        }))
        .unwrap();
        let new = recreate(&old, None, "shop/web:2", &[]);
        let bindings = new.body.host_config.unwrap().port_bindings.unwrap();
        let port = |key: &str| bindings[key].as_ref().unwrap()[0].host_port.clone();
        assert_eq!(port("8080/tcp").as_deref(), Some("32768"));
        assert_eq!(port("9090/tcp").as_deref(), Some("19090"));
        assert_eq!(port("7070/tcp").as_deref(), Some("32769"));
    }

    #[test]
    fn an_unnamed_volume_goes_with_the_container_and_a_named_one_stays_as_it_is() {
        let old: ContainerInspectResponse = serde_json::from_value(serde_json::json!({
            "HostConfig": {"Binds": ["shop-uploads:/uploads", "/srv/conf:/conf:ro"]},
            "Mounts": [
                {"Type": "volume", "Name": "3f1c0d", "Destination": "/data", "RW": true},
                {"Type": "volume", "Name": "shop-uploads", "Destination": "/uploads", "RW": true},
                {"Type": "bind", "Source": "/srv/conf", "Destination": "/conf", "RW": false}
            ]
        }))
        .unwrap();
        let host = recreate(&old, None, "shop/web:2", &[])
            .body
            .host_config
            .unwrap();
        assert_eq!(host.binds.as_ref().unwrap().len(), 2);
        let mounts = host.mounts.unwrap();
        assert_eq!(mounts.len(), 1, "{mounts:?}");
        assert_eq!(mounts[0].source.as_deref(), Some("3f1c0d"));
        assert_eq!(mounts[0].target.as_deref(), Some("/data"));
        assert_eq!(mounts[0].read_only, Some(false));
    }

    #[test]
    fn a_container_on_another_ones_network_takes_no_hostname_of_its_own() {
        let old: ContainerInspectResponse = serde_json::from_value(serde_json::json!({
            "Id": "0123456789abcdef",
            "Config": {"Hostname": "fedcba987654", "Domainname": "shop.internal"},
            "HostConfig": {"NetworkMode": "container:fedcba9876543210"}
        }))
        .unwrap();
        let body = recreate(&old, None, "shop/sidecar:2", &[]).body;
        assert_eq!(body.hostname, None);
        assert_eq!(body.domainname, None);
    }

    #[test]
    fn a_stopped_container_leaves_its_ports_to_the_engine() {
        let old: ContainerInspectResponse = serde_json::from_value(serde_json::json!({
            "HostConfig": {"PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": ""}]}},
            "NetworkSettings": {"Ports": {}}
        }))
        .unwrap();
        let new = recreate(&old, None, "shop/web:2", &[]);
        let bindings = new.body.host_config.unwrap().port_bindings.unwrap();
        assert_eq!(
            bindings["8080/tcp"].as_ref().unwrap()[0]
                .host_port
                .as_deref(),
            Some("")
        );
    }
}
