//! `log_file`: the size of a log file, so a runaway log is noticed before the disk fills.

use std::path::PathBuf;

use super::{Check, Run, blocking};
use crate::health::Finding;
use crate::health::spec::Thresholds;

/// The check.
#[derive(Debug)]
pub struct LogFile {
    /// The file.
    pub path: PathBuf,
    /// Thresholds in bytes.
    pub thresholds: Thresholds,
}

impl Check for LogFile {
    fn run(&self) -> Run<'_> {
        let (path, thresholds) = (self.path.clone(), self.thresholds);
        Box::pin(blocking(move || {
            let shown = path.display().to_string();
            match std::fs::metadata(&path) {
                Ok(meta) => {
                    let mb = meta.len() as f64 / 1e6;
                    Finding::new(
                        thresholds.classify(meta.len() as f64),
                        format!("{shown} is {mb:.1} MB"),
                    )
                    .detail("path", shown)
                    .detail("size_bytes", meta.len())
                    .observe("size", (mb * 10.0).round() / 10.0, "MB")
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Finding::degraded(format!("log file {shown} does not exist yet"))
                        .detail("path", shown)
                }
                Err(e) => {
                    Finding::unhealthy(format!("cannot stat {shown}: {e}")).detail("path", shown)
                }
            }
        }))
    }
}
