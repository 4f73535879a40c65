//! ccmon: the operator's toolbox for a fleet of Claude Code agents and the monitoring
//! stack around them. The binary is a thin shell around [`run`]; tests and benchmarks
//! call the same library code.

pub mod alertmanager;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod duration;
pub mod exit;
pub mod generate;
mod go_cursor;
pub mod go_quote;
pub mod gotmpl;
pub mod health;
pub mod http_client;
pub mod logging;
pub mod metrics;
pub mod output;
pub mod prom;
pub mod promql;
pub mod redact;
pub mod rules;
pub mod scaffold;
pub mod serve;
pub mod stream;
pub mod terminal_text;
#[cfg(test)]
mod test_inputs;
pub mod yaml;

use cli::{Cli, Command, ContextCommand, HealthCommand, StreamCommand};
use config::{Environment, GlobalSettings};
use exit::Outcome;
use output::Printer;

/// Runs one parsed command line.
pub fn run(cli: Cli, global: GlobalSettings, env: Environment) -> anyhow::Result<Outcome> {
    let printer = Printer::new(global.format, global.color, env.no_color());
    match cli.command {
        Command::Context(ContextCommand::Ls) => commands::context::ls(&global, &env, &printer),
        Command::Context(ContextCommand::Use(args)) => {
            commands::context::use_(&global, &env, &args.name)
        }
        Command::Context(ContextCommand::Show) => commands::context::show(&global, &env, &printer),
        Command::Health(HealthCommand::Serve(args)) => {
            commands::health::serve(&args, &config::load(&global, &env)?.settings)
        }
        Command::Health(HealthCommand::Check(args)) => {
            commands::health::check(&args, &config::load(&global, &env)?.settings, &printer)
        }
        Command::Completions(args) => commands::generate::completions(args.shell),
        Command::Stream(StreamCommand::Watch(args)) => {
            commands::stream::watch(&args, &config::load(&global, &env)?.settings, &printer)
        }
        Command::Stream(StreamCommand::Ingest(args)) => {
            commands::stream::ingest(&args, &config::load(&global, &env)?.settings, &printer)
        }
        Command::Stream(StreamCommand::Ls(args)) => commands::stream::ls(
            &args,
            &config::load(&global, &env)?.settings,
            &printer,
            global.verbosity < 0,
        ),
        Command::Stream(StreamCommand::Flush(args)) => {
            commands::stream::flush(&args, &config::load(&global, &env)?.settings)
        }
        Command::Stream(StreamCommand::Report(args)) => {
            commands::stream::report(&args, &config::load(&global, &env)?.settings, &printer)
        }
        Command::Stream(StreamCommand::Tail(args)) => {
            commands::stream::tail(&args, &config::load(&global, &env)?.settings, &printer)
        }
        Command::Man(args) => commands::generate::man(&args.dir),
        Command::Alerts(command) => commands::alerts::run(&command, &global, &env, &printer),
        Command::Query(args) => commands::query::query(&args, &global, &env, &printer),
        Command::Targets(args) => commands::query::targets(&args, &global, &env, &printer),
        Command::Rules(cli::RulesCommand::Lint(args)) => {
            commands::rules::lint(&args, &global, &env, &printer)
        }
        Command::Rules(cli::RulesCommand::Catalog(cli::RulesCatalogCommand::Export(args))) => {
            commands::rules::catalog_export(&args, &global, &env)
        }
        Command::Scaffold(args) => commands::scaffold::run(&args, &printer),
    }
}
