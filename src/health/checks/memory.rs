//! `memory`: system memory in use, from `/proc/meminfo` (MemTotal less MemAvailable, the
//! figure `free` calls used; page cache that can be dropped does not count).

use super::{Check, Run, blocking};
use crate::health::{Finding, Status};

/// The check.
#[derive(Debug)]
pub struct Memory {
    /// Degraded above this percentage.
    pub degraded_above: f64,
    /// Unhealthy above this percentage.
    pub unhealthy_above: f64,
}

/// Used percentage from the text of `/proc/meminfo`.
pub fn used_percent(meminfo: &str) -> Option<f64> {
    let field = |name: &str| {
        meminfo.lines().find_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse::<f64>().ok()
        })
    };
    let total = field("MemTotal")?;
    let available = field("MemAvailable")?;
    (total > 0.0).then(|| ((total - available) / total * 100.0).clamp(0.0, 100.0))
}

impl Check for Memory {
    fn run(&self) -> Run<'_> {
        let (degraded, unhealthy) = (self.degraded_above, self.unhealthy_above);
        Box::pin(blocking(move || {
            let text = match std::fs::read_to_string("/proc/meminfo") {
                Ok(text) => text,
                Err(e) => return Finding::unhealthy(format!("cannot read /proc/meminfo: {e}")),
            };
            let Some(used) = used_percent(&text) else {
                return Finding::unhealthy("/proc/meminfo has no MemTotal/MemAvailable");
            };
            let status = if used > unhealthy {
                Status::Unhealthy
            } else if used > degraded {
                Status::Degraded
            } else {
                Status::Healthy
            };
            let rounded = (used * 10.0).round() / 10.0;
            Finding::new(status, format!("{rounded:.1}% of memory in use"))
                .detail("percent", rounded)
                .observe("utilization", rounded, "percent")
        }))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_meminfo() {
        let text = "MemTotal:       1000 kB\nMemFree:  10 kB\nMemAvailable:    250 kB\n";
        assert_eq!(super::used_percent(text), Some(75.0));
        assert_eq!(super::used_percent("garbage"), None);
    }
}
