//! A unix socket between the cockpit and the Docker engine that a test can
//! cut (every connection dropped, new ones refused) or hang (connections
//! accepted, nothing passed on), to see how the cockpit takes an engine that
//! went away or stopped answering, without touching the real engine.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;

const PASS: u8 = 0;
const CUT: u8 = 1;
const HANG: u8 = 2;

pub struct EngineProxy {
    pub socket: PathBuf,
    mode: Arc<AtomicU8>,
    changed: watch::Sender<u8>,
    _dir: tempfile::TempDir,
}

impl EngineProxy {
    /// Forwards to `engine` (a unix socket path) until told otherwise.
    pub fn start(engine: &Path) -> Self {
        let dir = tempfile::tempdir().expect("a temp dir");
        let socket = dir.path().join("docker.sock");
        let listener = UnixListener::bind(&socket).expect("bind the proxy socket");
        let mode = Arc::new(AtomicU8::new(PASS));
        let (changed, _) = watch::channel(PASS);
        let engine = engine.to_path_buf();
        let (accept_mode, accept_changed) = (mode.clone(), changed.clone());
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                match accept_mode.load(Ordering::SeqCst) {
                    CUT => drop(client),
                    HANG => {
                        // Held open, never answered, until the mode changes.
                        let mut changes = accept_changed.subscribe();
                        tokio::spawn(async move {
                            let _held = client;
                            let _ = changes.changed().await;
                        });
                    }
                    _ => {
                        let engine = engine.clone();
                        let mut changes = accept_changed.subscribe();
                        tokio::spawn(async move {
                            let Ok(mut upstream) = UnixStream::connect(&engine).await else {
                                return;
                            };
                            let mut client = client;
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => return,
                                _ = changes.changed() => {}
                            }
                            // A cut drops the connection; a hang keeps it
                            // open and silent until the next change.
                            if *changes.borrow() == HANG {
                                let _ = changes.changed().await;
                            }
                        });
                    }
                }
            }
        });
        Self {
            socket,
            mode,
            changed,
            _dir: dir,
        }
    }

    /// `unix:///…` for a target's `host`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
        let _ = self.changed.send(mode);
    }

    pub fn pass(&self) {
        self.set(PASS);
    }

    pub fn cut(&self) {
        self.set(CUT);
    }

    pub fn hang(&self) {
        self.set(HANG);
    }
}
