//! The `ccmon` binary: parse arguments, run, map the result to an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use ccmon::config::{Environment, env_vars};

fn main() -> ExitCode {
    let (cli, global) = ccmon::cli::Cli::parse_args();
    let env = Environment::from_process();
    let color = std::io::stderr().is_terminal()
        && !env.no_color()
        && global.color == ccmon::output::ColorChoice::Auto;
    ccmon::logging::init(global.verbosity, env.get(env_vars::LOG), color);
    let verbose = global.verbosity > 0;
    match ccmon::run(cli, global, env) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(err) => ExitCode::from(ccmon::exit::report(&err, verbose)),
    }
}
