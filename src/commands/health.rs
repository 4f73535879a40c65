//! `ccmon health serve` and `ccmon health check`: build the checks from the settings, run
//! them (in the background for the server, once for `check`), and serve or print the report.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::{mpsc, watch};

use crate::cli::{DetailsArg, FailOnHealthArg, HealthCheckArgs, HealthServeArgs, LevelArg};
use crate::config::{ConfigError, Settings};
use crate::exit::{ExitStatus, Outcome};
use crate::health::report::{Report, Scope};
use crate::health::server::{self, AppState, DetailsPolicy, Lifecycle, ServeOptions};
use crate::health::{Level, Status, fleet, metrics, runner};
use crate::output::Printer;

/// Slow clients must send their headers within this time (slowloris protection).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for background work when the runtime stops.
const RUNTIME_SHUTDOWN: Duration = Duration::from_secs(1);
/// How often the fleet's metrics are read from Redis (a typical scrape interval).
const FLEET_INTERVAL: Duration = Duration::from_secs(15);
/// Longest a read of the fleet may take.
const FLEET_TIMEOUT: Duration = Duration::from_secs(5);
/// Events queued for the metrics task before new ones are dropped.
const EVENT_QUEUE: usize = 1024;

fn level(arg: LevelArg) -> Level {
    match arg {
        LevelArg::Liveness => Level::Liveness,
        LevelArg::Readiness => Level::Readiness,
        LevelArg::Startup => Level::Startup,
    }
}

fn details_policy(args: &HealthServeArgs) -> anyhow::Result<DetailsPolicy> {
    Ok(match args.details {
        DetailsArg::Never => DetailsPolicy::Never,
        DetailsArg::Always => DetailsPolicy::Always,
        DetailsArg::Token => {
            let path = args
                .details_token_file
                .as_ref()
                .ok_or(ConfigError::BadFlag {
                    flag: "--details",
                    message: "`token` needs --details-token-file".to_owned(),
                })?;
            let token = std::fs::read_to_string(path)
                .map_err(|source| ConfigError::SecretFile {
                    path: path.clone(),
                    source,
                })?
                .trim()
                .to_owned();
            if token.is_empty() {
                return Err(ConfigError::BadFlag {
                    flag: "--details-token-file",
                    message: format!("{} is empty", path.display()),
                }
                .into());
            }
            crate::redact::register_secret(&token);
            DetailsPolicy::Token(token)
        }
    })
}

/// `ccmon health serve`.
pub fn serve(args: &HealthServeArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let (shutdown_delay, drain_timeout) = (args.shutdown_delay, args.drain_timeout);
    let details = details_policy(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let specs = settings.health_checks.clone();
    let served = runtime.block_on(async move {
        let listener = server::bind(&args.listen).await?;
        let addr = listener
            .local_addr()
            .context("cannot read the bound address")?;
        let (events_tx, events_rx) = mpsc::channel(EVENT_QUEUE);
        let runner = runner::Runner::start(&specs, events_tx);
        let board = runner.board();
        let collector = metrics::Collector::new(&runner::Results::latest(&board, &|_, _| true));
        let (metrics_tx, metrics_rx) = watch::channel(String::new());
        tokio::spawn(metrics::run(collector, events_rx, metrics_tx));
        let fleet = settings.redis.as_ref().map(|redis| {
            let (tx, rx) = watch::channel(String::new());
            tokio::spawn(fleet::poll(
                redis.value.clone(),
                FLEET_INTERVAL,
                FLEET_TIMEOUT,
                tx,
            ));
            rx
        });
        let lifecycle = Arc::new(Lifecycle::new());
        let state = AppState {
            results: Arc::new(board),
            metrics: metrics_rx,
            fleet,
            details: Arc::new(details),
            lifecycle: lifecycle.clone(),
        };
        tracing::info!(
            "serving health on http://{addr} ({} check(s){})",
            specs.len(),
            if settings.health_configured {
                ""
            } else {
                ", defaults"
            }
        );
        let shutdown = async move {
            terminated().await;
            // Readiness fails from this moment, before the drain starts.
            lifecycle.start_draining();
            if !shutdown_delay.is_zero() {
                tracing::info!(
                    "shutting down: readiness now fails; draining in {}",
                    crate::duration::format(shutdown_delay)
                );
                tokio::time::sleep(shutdown_delay).await;
            }
            tracing::info!("shutting down: readiness fails; draining connections");
        };
        server::serve(
            listener,
            server::router(state),
            ServeOptions {
                max_connections: args.max_connections,
                header_read_timeout: HEADER_READ_TIMEOUT,
                drain_timeout,
            },
            shutdown,
        )
        .await;
        drop(runner);
        anyhow::Ok(())
    });
    // A file-system check stuck in the kernel (a hung NFS mount) keeps its blocking thread;
    // waiting for it would turn a bounded drain into a hang.
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
    served?;
    Ok(ExitStatus::Success.into())
}

/// Resolves on SIGTERM or SIGINT.
async fn terminated() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        }
        // Without signal handlers the server runs until killed.
        _ => std::future::pending::<()>().await,
    }
}

/// `ccmon health check [LEVEL]`: exit 0 healthy, 1 degraded (2 with `--fail-on degraded`),
/// 2 unhealthy or unknown.
pub fn check(
    args: &HealthCheckArgs,
    settings: &Settings,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    let scope = args.level.map_or(Scope::All, |l| Scope::Level(level(l)));
    let specs: Vec<_> = settings
        .health_checks
        .iter()
        .filter(|s| scope.includes(s.level))
        .cloned()
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let results = runtime.block_on(runner::run_all_once(&specs));
    // As for the server: a check that timed out may still hold a blocking thread.
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
    let report = Report::new(scope, results.into_iter().map(Arc::new).collect(), 0.0);
    printer.print(&report)?;
    Ok(Outcome::Code(match report.overall_status {
        Status::Healthy => 0,
        Status::Degraded if args.fail_on == FailOnHealthArg::Degraded => 2,
        Status::Degraded => 1,
        Status::Unhealthy | Status::Unknown => 2,
    }))
}
