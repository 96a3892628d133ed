//! Docker test kit: the engine checked for (a test that needs it and does
//! not find it fails, saying so), images built locally from Debian's static
//! busybox (no registry here), containers started with a healthcheck, and
//! everything named with a prefix of its own removed on drop, even when the
//! test panics.
//!
//! By default, images `PREFIX/web:1.0.0` and `:3.0.0` serve `/health` (`ok
//! v1`, `ok v3`), `/version` and `/metrics` with `busybox httpd`; `:2.0.0`
//! has no `/health`, so the healthcheck (`wget` of it) fails and the
//! container turns unhealthy. [`Kit::with`] builds others.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const BUSYBOX: &str = "/bin/busybox";
pub const VERSIONS: [&str; 3] = ["1.0.0", "2.0.0", "3.0.0"];
pub const HEALTHCHECK: &str = "wget -q -O /dev/null http://127.0.0.1:8080/health";

/// `docker ARGS`, its stdout; panics with the command and its stderr.
pub fn docker(args: &[&str]) -> String {
    let output = Command::new("docker")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("these tests need the docker CLI: {e}"));
    assert!(
        output.status.success(),
        "docker {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr).trim()
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// `docker ARGS`, whether it worked (for cleaning up).
fn docker_quiet(args: &[&str]) -> bool {
    Command::new("docker")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Fails the test, saying what is missing, unless an engine answers and a
/// static busybox is there to build images from.
pub fn require_engine() {
    let version = Command::new("docker")
        .args(["version", "--format", "{{.Server.APIVersion}}"])
        .output();
    match version {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "these tests need a Docker engine, and none answered: {}; start dockerd or set DOCKER_HOST",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => panic!("these tests need the docker CLI and a Docker engine: {e}"),
    }
    let file = Command::new("file").arg(BUSYBOX).output();
    let is_static = file
        .as_ref()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("statically linked"))
        .unwrap_or(false);
    assert!(
        Path::new(BUSYBOX).exists() && (is_static || file.is_err()),
        "these tests build their images from a static busybox at {BUSYBOX}: apt-get install busybox-static"
    );
}

/// The engine's socket path, from `DOCKER_HOST` or the default.
pub fn engine_socket() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|h| h.strip_prefix("unix://").map(str::to_owned))
        .unwrap_or_else(|| "/var/run/docker.sock".to_owned())
}

/// One test's images and containers.
pub struct Kit {
    /// Every name this kit makes starts with it.
    pub prefix: String,
    versions: Vec<String>,
}

/// An image to build: `PREFIX/web:VERSION`.
pub struct Image<'a> {
    pub version: &'a str,
    /// Whether it serves `/health` (its healthcheck passes).
    pub healthy: bool,
    /// What its `/metrics` says `app_error_ratio` is.
    pub error_ratio: f64,
}

/// How to start a test container.
#[derive(Default)]
pub struct Run<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub labels: &'a [(&'a str, &'a str)],
    pub env: &'a [(&'a str, &'a str)],
    /// Publish 8080 on this loopback port; `Some(0)`: on one the engine
    /// chooses.
    pub publish: Option<u16>,
    pub network: Option<(&'a str, &'a str)>,
    /// More `docker run` options (`-v /data`, `--rm`).
    pub options: &'a [&'a str],
}

impl Kit {
    /// Checks for the engine and builds the three images of [`VERSIONS`].
    pub fn new() -> Self {
        Self::with(&VERSIONS.map(|version| Image {
            version,
            healthy: version != "2.0.0",
            error_ratio: 0.0,
        }))
    }

    /// Checks for the engine and builds these images.
    pub fn with(images: &[Image<'_>]) -> Self {
        require_engine();
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let kit = Self {
            prefix: format!(
                "rc-test-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ),
            versions: images.iter().map(|i| i.version.to_owned()).collect(),
        };
        let dir = tempfile::tempdir().expect("a temp dir");
        for image in images {
            kit.build(dir.path(), image);
        }
        kit
    }

    pub fn image(&self, version: &str) -> String {
        format!("{}/web:{version}", self.prefix)
    }

    /// A container name of this kit's.
    pub fn name(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix)
    }

    fn build(&self, dir: &Path, image: &Image<'_>) {
        let version = image.version;
        let major = version.split('.').next().unwrap_or(version);
        let root = dir.join(format!("v{version}"));
        std::fs::create_dir_all(root.join("bin")).expect("rootfs");
        std::fs::create_dir_all(root.join("www")).expect("rootfs");
        std::fs::copy(BUSYBOX, root.join("bin/busybox")).expect("copy busybox");
        for tool in ["sh", "wget", "httpd", "sleep", "cat", "echo"] {
            std::os::unix::fs::symlink("busybox", root.join("bin").join(tool)).expect("symlink");
        }
        std::fs::write(root.join("www/version"), format!("{major}\n")).expect("write");
        if image.healthy {
            std::fs::write(root.join("www/health"), format!("ok v{major}\n")).expect("write");
        }
        let metrics = format!(
            "# TYPE app_error_ratio gauge\napp_error_ratio {}\n",
            image.error_ratio
        );
        std::fs::write(root.join("www/metrics"), metrics).expect("write");
        let mut tar = Command::new("tar")
            .args(["-C", &root.to_string_lossy(), "-c", "."])
            .stdout(Stdio::piped())
            .spawn()
            .expect("tar");
        let imported = Command::new("docker")
            .args([
                "import",
                "--change",
                r#"CMD ["/bin/busybox","httpd","-f","-p","8080","-h","/www"]"#,
                "--change",
                "ENV APP_IMAGE_DEFAULT=1",
                "-",
                &self.image(version),
            ])
            .stdin(tar.stdout.take().expect("tar's output"))
            .stdout(Stdio::null())
            .status()
            .expect("docker import");
        assert!(
            tar.wait().is_ok_and(|s| s.success()),
            "tar of {}",
            root.display()
        );
        assert!(
            imported.success(),
            "docker import of {}",
            self.image(version)
        );
    }

    /// Starts a container with the healthcheck (every second, unhealthy
    /// after two failures) and a one-second stop timeout (httpd as PID 1
    /// ignores SIGTERM); the host port when published.
    pub fn run(&self, spec: &Run<'_>) -> Option<u16> {
        let image = self.image(spec.version);
        let mut args: Vec<String> = [
            "run",
            "-d",
            "--name",
            spec.name,
            "--health-cmd",
            HEALTHCHECK,
            "--health-interval",
            "1s",
            "--health-retries",
            "2",
            "--health-timeout",
            "2s",
            "--stop-timeout",
            "1",
        ]
        .map(str::to_owned)
        .to_vec();
        if !spec
            .options
            .iter()
            .any(|o| *o == "--rm" || *o == "--restart")
        {
            args.extend(["--restart".to_owned(), "unless-stopped".to_owned()]);
        }
        for (key, value) in spec.labels {
            args.extend(["--label".to_owned(), format!("{key}={value}")]);
        }
        for (key, value) in spec.env {
            args.extend(["--env".to_owned(), format!("{key}={value}")]);
        }
        if let Some(port) = spec.publish {
            let port = if port == 0 {
                String::new()
            } else {
                port.to_string()
            };
            args.extend(["-p".to_owned(), format!("127.0.0.1:{port}:8080")]);
        }
        if let Some((network, alias)) = spec.network {
            args.extend([
                "--network".to_owned(),
                network.to_owned(),
                "--network-alias".to_owned(),
                alias.to_owned(),
            ]);
        }
        args.extend(spec.options.iter().map(|o| (*o).to_owned()));
        args.push(image);
        docker(&args.iter().map(String::as_str).collect::<Vec<_>>());
        spec.publish.map(|_| self.port(spec.name))
    }

    /// Starts `PREFIX-NAME` from the first image with docker run `options`,
    /// running `script` with `sh -c` (else its web server); its full name.
    pub fn start(&self, name: &str, options: &[&str], script: Option<&str>) -> String {
        let full = self.name(name);
        let image = self.image(&self.versions[0]);
        let mut args = vec!["run", "-d", "--name", full.as_str(), "--stop-timeout", "1"];
        args.extend_from_slice(options);
        args.push(&image);
        if let Some(script) = script {
            args.extend_from_slice(&["/bin/busybox", "sh", "-c", script]);
        }
        docker(&args);
        full
    }

    /// The loopback port 8080 of `name` is published on.
    pub fn port(&self, name: &str) -> u16 {
        let mapping = docker(&["port", name, "8080/tcp"]);
        mapping
            .lines()
            .next()
            .and_then(|l| l.rsplit(':').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port for {name}: {mapping}"))
    }

    pub fn network(&self, name: &str) -> String {
        let network = self.name(name);
        docker(&["network", "create", &network]);
        network
    }
}

impl Drop for Kit {
    fn drop(&mut self) {
        let listed =
            docker_quiet_output(&["ps", "-aq", "--filter", &format!("name={}-", self.prefix)]);
        let ids: Vec<&str> = listed.split_whitespace().collect();
        if !ids.is_empty() {
            let mut args = vec!["rm", "-f"];
            args.extend(ids);
            docker_quiet(&args);
        }
        for version in &self.versions {
            docker_quiet(&["rmi", "-f", &self.image(version)]);
        }
        let networks = docker_quiet_output(&[
            "network",
            "ls",
            "-q",
            "--filter",
            &format!("name={}-", self.prefix),
        ]);
        for network in networks.split_whitespace() {
            docker_quiet(&["network", "rm", network]);
        }
    }
}

fn docker_quiet_output(args: &[&str]) -> String {
    Command::new("docker")
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Held while a test measures CPU: its busy containers must not share the
/// cores with another test's (two such tests at once read a third of a CPU
/// each on two cores). A file lock, so it holds across test processes too.
pub fn cpu_to_myself() -> std::fs::File {
    let path = std::env::temp_dir().join("release-cockpit-tests-docker-cpu.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .expect("the CPU test lock");
    file.lock().expect("the CPU test lock");
    file
}

/// A loopback port nobody listens on now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// `docker inspect NAME` as JSON.
pub fn inspect(name: &str) -> serde_json::Value {
    let text = docker(&["inspect", name]);
    let mut all: Vec<serde_json::Value> = serde_json::from_str(&text).expect("inspect JSON");
    all.remove(0)
}

/// Whether a container of this name exists.
pub fn exists(name: &str) -> bool {
    docker_quiet(&["inspect", name])
}

/// Waits for the container's health to be `healthy`.
pub fn wait_healthy(name: &str, within: Duration) {
    let start = Instant::now();
    loop {
        let health = docker(&["inspect", "--format", "{{.State.Health.Status}}", name]);
        if health == "healthy" {
            return;
        }
        assert!(
            start.elapsed() < within,
            "{name} is {health} after {within:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `GET path` on a loopback port: the body, or `None`.
pub fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.lines().next()?;
    status
        .split_whitespace()
        .nth(1)
        .is_some_and(|code| code == "200")
        .then(|| body.to_owned())
}
