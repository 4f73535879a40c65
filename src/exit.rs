//! The documented exit codes and the one function that turns an error into a message on
//! stderr and a code. Each error type maps to exactly one code here.

use std::fmt::Write as _;

use crate::config::ConfigError;
use crate::output::write_stderr_line;

/// ccmon's exit codes (docs/architecture.md, "Exit codes"; the README's table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// Success.
    Success = 0,
    /// The thing checked is bad: lint errors, unhealthy, a failed import.
    Failure = 1,
    /// Usage or configuration error.
    Usage = 2,
    /// A server or network could not be reached.
    Unreachable = 3,
    /// ccmon could not do its own work on this machine: a file it keeps (the spool, an
    /// intake) could not be read or written, or a thread or signal handler could not be
    /// set up. Neither a usage error nor a verdict on the thing checked.
    Runtime = 4,
    /// `stream watch`: the command exists but cannot be executed (as `env` and `timeout`).
    CannotExecute = 126,
    /// `stream watch`: the command was not found (as `env` and `timeout`).
    CommandNotFound = 127,
}

impl ExitStatus {
    /// The numeric code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// The outcome of a command that ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// One of the documented statuses.
    Status(ExitStatus),
    /// A raw code, for `stream watch` which exits with its child's code.
    Code(u8),
}

impl Outcome {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Status(s) => s.code(),
            Outcome::Code(c) => c,
        }
    }
}

impl From<ExitStatus> for Outcome {
    fn from(s: ExitStatus) -> Self {
        Outcome::Status(s)
    }
}

/// A file (or stdin) the user named as a command's input could not be read: their mistake
/// to fix (a wrong path, a permission), so a usage error, unlike a failure of the files
/// ccmon keeps itself.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {what}")]
pub struct UnreadableInput {
    /// The path as given, or `stdin`.
    pub what: String,
    /// Why.
    #[source]
    pub source: std::io::Error,
}

impl UnreadableInput {
    /// For `map_err`: `read(path).map_err(UnreadableInput::of(path.display()))`.
    pub fn of(what: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.to_string();
        move |source| UnreadableInput { what, source }
    }
}

/// Picks the exit code for an error by the first typed error in its chain that decides
/// one. What no type decides: an I/O error is ccmon's own failure (`Runtime`); a bare
/// message (a command's own check of its arguments, `bail!`) is a usage error.
pub fn classify(err: &anyhow::Error) -> ExitStatus {
    if let Some(status) = err.chain().find_map(status_of) {
        return status;
    }
    if err.chain().any(|cause| cause.is::<std::io::Error>()) {
        return ExitStatus::Runtime;
    }
    ExitStatus::Usage
}

/// The exit code one error type stands for, if it decides one (a wrapper may leave it to
/// its source). Every error type of ccmon is decided here, and only here.
fn status_of(cause: &(dyn std::error::Error + 'static)) -> Option<ExitStatus> {
    use crate::alertmanager::AmError;
    use crate::http_client::HttpError;
    use crate::prom::PromError;
    use crate::rules::LintError;
    use crate::rules::metrics_from::MetricsFromError;
    use crate::stream::ingest::IngestError;
    use crate::stream::supervisor::WatchError;
    use ExitStatus::{CannotExecute, CommandNotFound, Failure, Runtime, Unreachable, Usage};

    // What the user gave: flags, the config file, rule files and their settings, silences,
    // an Alertmanager config to test routes against.
    if cause.is::<ConfigError>()
        || cause.is::<UnreadableInput>()
        || cause.is::<crate::duration::DurationError>()
        || cause.is::<crate::clock::TimeError>()
        || cause.is::<crate::yaml::YamlError>()
        || cause.is::<crate::alertmanager::matcher::MatcherError>()
        || cause.is::<crate::alertmanager::import::ImportError>()
        || cause.is::<crate::rules::settings::SettingsError>()
        || cause.is::<crate::rules::inputs::InputError>()
        || cause.is::<crate::alertmanager::silence::SilenceError>()
        || cause.is::<crate::alertmanager::route::RouteError>()
        || cause.is::<crate::serve::ServeError>()
    {
        return Some(Usage);
    }
    // ccmon's own work on this machine: its spool, output, generated files.
    if cause.is::<crate::stream::spool::SpoolError>()
        || cause.is::<crate::generate::GenerateError>()
        || cause.is::<crate::output::RenderError>()
    {
        return Some(Runtime);
    }
    if let Some(e) = cause.downcast_ref::<crate::scaffold::ScaffoldError>() {
        return Some(if e.is_conflict() { Failure } else { Usage });
    }
    if let Some(e) = cause.downcast_ref::<WatchError>() {
        return match e {
            WatchError::Spawn { source, .. } => Some(match source.kind() {
                std::io::ErrorKind::NotFound => CommandNotFound,
                _ => CannotExecute,
            }),
            WatchError::Child { .. }
            | WatchError::Signals(_)
            | WatchError::Thread(_)
            | WatchError::Recording => Some(Runtime),
            // The metrics listener and the Redis settings: their sources decide.
            _ => None,
        };
    }
    if let Some(e) = cause.downcast_ref::<IngestError>() {
        return match e {
            // The file or stdin the user named.
            IngestError::Read { .. } => Some(Usage),
            IngestError::Thread(_) => Some(Runtime),
            IngestError::Spool(_) | IngestError::Redis(_) => None,
        };
    }
    if let Some(e) = cause.downcast_ref::<LintError>() {
        return match e {
            LintError::Settings(_) => Some(Usage),
            LintError::Thread(_) => Some(Runtime),
        };
    }
    if let Some(e) = cause.downcast_ref::<crate::rules::online::OnlineError>() {
        use crate::rules::online::OnlineError;
        return Some(match e {
            OnlineError::Fetch { .. } => Unreachable,
            OnlineError::Runtime(_) => Runtime,
        });
    }
    if let Some(e) = cause.downcast_ref::<MetricsFromError>() {
        return Some(match e {
            MetricsFromError::Fetch { .. } => Unreachable,
            MetricsFromError::Read { .. } | MetricsFromError::TooLarge { .. } => Usage,
        });
    }
    if let Some(e) = cause.downcast_ref::<crate::stream::redis::RedisSinkError>() {
        return Some(if e.is_unavailable() {
            Unreachable
        } else {
            Usage
        });
    }
    if let Some(e) = cause.downcast_ref::<AmError>() {
        return match e {
            AmError::Http(_) => None,
            AmError::NoPeer { .. } => Some(Unreachable),
            AmError::BadId(_) => Some(Usage),
        };
    }
    if let Some(e) = cause.downcast_ref::<PromError>() {
        return match e {
            PromError::Http(_) => None,
            // Prometheus refused what it was asked (`bad_data`), or failed running it.
            PromError::Api { error_type, .. } => Some(match error_type.as_str() {
                "bad_data" => Usage,
                _ => Unreachable,
            }),
        };
    }
    if let Some(e) = cause.downcast_ref::<HttpError>() {
        return Some(match e {
            HttpError::Setup { .. } | HttpError::Secret(_) => Usage,
            HttpError::Unreachable { .. } | HttpError::Request { .. } => Unreachable,
            // A server error is a server that cannot serve; a refusal (401, 404, 422) is
            // about what ccmon was told to send.
            HttpError::Status { status, .. } if status.is_server_error() => Unreachable,
            HttpError::Status { .. } => Usage,
            // Not the API expected: most often a URL that points at something else.
            HttpError::Decode { .. } => Usage,
            // Not the server meant, or one misbehaving.
            HttpError::TooLarge { .. } => Usage,
        });
    }
    if let Some(e) = cause.downcast_ref::<reqwest::Error>()
        && (e.is_connect() || e.is_timeout())
    {
        return Some(Unreachable);
    }
    None
}

/// Whether the error is stdout having been closed (`ccmon ... | head`), which is not a
/// failure: ccmon then exits 0 silently, as ripgrep does.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints `error: headline`, the cause chain and a hint to stderr, all redacted, and
/// returns the exit code. A server that cannot be reached over HTTP gets ccmon's own
/// messages and the innermost cause (`Connection refused`): the HTTP client's layers in
/// between (request, client, connect) repeat the URL and tell an operator nothing more.
/// `verbose` (`-v`) shows the whole chain.
pub fn report(err: &anyhow::Error, verbose: bool) -> u8 {
    if is_broken_pipe(err) {
        return ExitStatus::Success.code();
    }
    let status = classify(err);
    let mut text = format!("error: {err}");
    let mut previous = err.to_string();
    let mut causes: Vec<_> = err.chain().skip(1).collect();
    if !verbose
        && status == ExitStatus::Unreachable
        && let Some(i) = causes.iter().position(|c| c.is::<reqwest::Error>())
    {
        // reqwest's layers (request, client, connect) repeat the URL that ccmon's own
        // message already names: keep ccmon's causes and the innermost one.
        let innermost = causes.pop();
        causes.truncate(i);
        causes.extend(innermost);
    }
    for cause in causes {
        let line = cause.to_string();
        // Some libraries repeat their source's text in their own message; say it once.
        if previous.contains(&line) {
            continue;
        }
        let _ = write!(text, "\n  caused by: {line}");
        previous = line;
    }
    if let Some(hint) = hint(err) {
        let _ = write!(text, "\nhint: {hint}");
    }
    write_stderr_line(&text);
    status.code()
}

fn hint(err: &anyhow::Error) -> Option<String> {
    err.chain().find_map(|cause| {
        if let Some(e) = cause.downcast_ref::<ConfigError>() {
            return e.hint();
        }
        if let Some(hint) = cause
            .downcast_ref::<crate::alertmanager::AmError>()
            .and_then(crate::alertmanager::AmError::hint)
        {
            return Some(hint);
        }
        if let Some(e) = cause.downcast_ref::<crate::http_client::HttpError>() {
            return e.hint();
        }
        if let Some(e) = cause.downcast_ref::<crate::stream::redis::RedisSinkError>() {
            return e.hint();
        }
        if let Some(hint) = cause
            .downcast_ref::<crate::scaffold::ScaffoldError>()
            .and_then(crate::scaffold::ScaffoldError::hint)
        {
            return Some(hint);
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::spool::SpoolError;

    #[test]
    fn a_spool_failure_is_a_runtime_error_not_usage() {
        let io = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let err = anyhow::Error::new(SpoolError::io(
            std::path::Path::new("/s/a.log"),
            "write",
            io,
        ))
        .context("cannot record the session");
        assert_eq!(classify(&err), ExitStatus::Runtime);
        assert_eq!(ExitStatus::Runtime.code(), 4);
        let err = anyhow::Error::new(crate::stream::supervisor::WatchError::Recording);
        assert_eq!(classify(&err), ExitStatus::Runtime);
    }

    #[test]
    fn an_unknown_io_failure_is_runtime_and_a_bare_message_is_usage() {
        let io = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let err = anyhow::Error::new(io).context("cannot write the report");
        assert_eq!(classify(&err), ExitStatus::Runtime);
        let err = anyhow::anyhow!("--all-contexts and --context exclude each other");
        assert_eq!(classify(&err), ExitStatus::Usage);
        let err = anyhow::Error::new(crate::rules::LintError::Thread(std::io::Error::from(
            std::io::ErrorKind::OutOfMemory,
        )));
        assert_eq!(classify(&err), ExitStatus::Runtime);
    }

    #[test]
    fn a_command_that_is_not_found_is_127() {
        let err = anyhow::Error::new(crate::stream::supervisor::WatchError::Spawn {
            command: "nope".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
        assert_eq!(classify(&err), ExitStatus::CommandNotFound);
    }
}
