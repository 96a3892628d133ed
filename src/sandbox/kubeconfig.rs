//! A kubeconfig that points `kubectl` and kube-rs at the sandbox.

use std::io;
use std::path::Path;

/// Writes a kubeconfig with one context, `sandbox`, for `user` (sent as a
/// bearer token, which the sandbox takes as the user's name).
pub fn write_kubeconfig(path: &Path, server: &str, namespace: &str, user: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        crate::config::paths::create_private_dir_all(dir)?;
    }
    let text = format!(
        "apiVersion: v1\n\
         kind: Config\n\
         clusters:\n\
         - name: sandbox\n  cluster:\n    server: {server}\n\
         contexts:\n\
         - name: sandbox\n  context:\n    cluster: sandbox\n    namespace: {namespace}\n    user: {user}\n\
         current-context: sandbox\n\
         users:\n\
         - name: {user}\n  user:\n    token: {user}\n"
    );
    crate::config::paths::write_private(path, text)
}
