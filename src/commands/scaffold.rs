//! `ccmon scaffold [DIR]`: renders the embedded stack for the chosen options, compares it
//! with what is on disk, and lists (`--dry-run`), diffs (`--diff`) or writes it, then says
//! what to do next. The library part is [`crate::scaffold`].

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::cli::ScaffoldArgs;
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Printer, Tabular, write_stderr_line, write_stdout};
use crate::scaffold::{self, Change, Exporter, Options, PlannedFile, diff};

/// One file of the plan, as shown.
#[derive(Debug, Serialize)]
pub struct PlanRow {
    /// Path below DIR.
    pub path: String,
    /// `create`, `update`, `unchanged` (dry run) or `created`, `updated`, `unchanged`,
    /// `conflict` (after a write).
    pub action: &'static str,
}

/// The plan, for the table and `-o json|yaml`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct PlanTable(pub Vec<PlanRow>);

impl Tabular for PlanTable {
    fn headers(&self, _wide: bool) -> Vec<&'static str> {
        vec!["ACTION", "PATH"]
    }

    fn rows(&self, _wide: bool) -> Vec<Vec<String>> {
        self.0
            .iter()
            .map(|r| vec![r.action.to_owned(), r.path.clone()])
            .collect()
    }
}

fn rows(plan: &[PlannedFile], action: impl Fn(&PlannedFile) -> &'static str) -> PlanTable {
    PlanTable(
        plan.iter()
            .map(|f| PlanRow {
                path: f.path.to_owned(),
                action: action(f),
            })
            .collect(),
    )
}

/// Runs `ccmon scaffold`.
pub fn run(args: &ScaffoldArgs, printer: &Printer) -> anyhow::Result<Outcome> {
    let options = args.options();
    let files = scaffold::render(&options)?;
    let plan = scaffold::plan(&args.dir, files)?;
    if args.diff {
        let mut text = String::new();
        for f in plan.iter().filter(|f| f.change != Change::Unchanged) {
            match (&f.current, f.change) {
                (None, Change::Update) => {
                    let _ = writeln!(text, "Binary file {} differs", f.target.display());
                }
                (current, _) => {
                    text.push_str(&diff::unified(
                        f.path,
                        current.as_deref().unwrap_or(""),
                        &f.contents,
                    ));
                }
            }
        }
        write_stdout(&text)?;
        summary(&plan);
        return Ok(ExitStatus::Success.into());
    }
    if args.dry_run {
        printer.print(&rows(&plan, |f| match f.change {
            Change::Create => "create",
            Change::Update => "update",
            Change::Unchanged => "unchanged",
        }))?;
        summary(&plan);
        return Ok(ExitStatus::Success.into());
    }
    match scaffold::write(&plan, args.force) {
        Ok(_) => {
            printer.print(&rows(&plan, |f| match f.change {
                Change::Create => "created",
                Change::Update => "updated",
                Change::Unchanged => "unchanged",
            }))?;
            write_stderr_line(&next_steps(&args.dir, &options));
            Ok(ExitStatus::Success.into())
        }
        Err(err) if err.is_conflict() => {
            printer.print(&rows(&plan, |f| match f.change {
                Change::Create => "skipped",
                Change::Update => "conflict",
                Change::Unchanged => "unchanged",
            }))?;
            Err(err.into())
        }
        Err(err) => Err(err.into()),
    }
}

/// One line on stderr counting the changes of a dry run or diff.
fn summary(plan: &[PlannedFile]) {
    let count = |c| plan.iter().filter(|f| f.change == c).count();
    let (create, update, same) = (
        count(Change::Create),
        count(Change::Update),
        count(Change::Unchanged),
    );
    let mut line = format!("would create {create}, update {update}, leave {same} unchanged");
    if update > 0 {
        line.push_str(" (updates need --force)");
    }
    write_stderr_line(&line);
}

/// What to do after the files are written: secrets, edits, start, check.
fn next_steps(dir: &Path, options: &Options) -> String {
    let d = dir.display();
    let mut s = String::from("next steps:\n");
    let _ = writeln!(
        s,
        "  1. create the secret files (never commit them; add {d}/docker/secrets/ to .gitignore):"
    );
    let _ = writeln!(
        s,
        "       mkdir -p {d}/docker/secrets && chmod 700 {d}/docker/secrets"
    );
    let _ = writeln!(
        s,
        "       printf 'GF_SECURITY_ADMIN_PASSWORD=%s\\n' \"$(openssl rand -hex 16)\" > {d}/docker/secrets/grafana.env"
    );
    if options.exporters.contains(&Exporter::Postgres) {
        let _ = writeln!(
            s,
            "       printf 'DATA_SOURCE_URI=host.docker.internal:5432/DB?sslmode=disable\\nDATA_SOURCE_USER=USER\\nDATA_SOURCE_PASS=PASSWORD\\n' > {d}/docker/secrets/postgres-exporter.env"
        );
    }
    for r in &options.receivers {
        let _ = writeln!(
            s,
            "       printf '%s' 'SECRET' > {d}/docker/secrets/{}",
            r.secret_file()
        );
    }
    let _ = writeln!(
        s,
        "  2. edit the lines marked EDIT in {d}/monitoring/alertmanager.yml (SMTP host, addresses, channels, webhook URL)"
    );
    let _ = writeln!(
        s,
        "  3. run `ccmon health serve` where Prometheus reaches it ({}), and list `ccmon stream watch --metrics-listen` addresses in {d}/monitoring/targets/ccmon-agents.yml",
        options.ccmon_host
    );
    let _ = writeln!(
        s,
        "  4. docker compose -f {d}/docker/monitoring-compose.yml up -d"
    );
    let _ = write!(
        s,
        "  5. check: ccmon targets; ccmon alerts status; Grafana on http://127.0.0.1:3000 (folder ccmon)"
    );
    s
}
