//! `ccmon scaffold [DIR]`: renders the embedded stack for the chosen options, compares it
//! with what is on disk, and lists (`--dry-run`), diffs (`--diff`) or writes it, then says
//! what to do next. The library part is [`crate::scaffold`].

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::cli::ScaffoldArgs;
use crate::exit::{ExitStatus, Outcome};
use crate::output::{Printer, Tabular, write_stderr_line, write_stdout};
use crate::scaffold::secure::{self, REMOTE_WRITE_PASSWORD, REMOTE_WRITE_TOKEN, WEB_PASSWORD};
use crate::scaffold::{self, Change, Exporter, Options, PlannedFile, RemoteWriteAuth, diff};

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
    scaffold::validate(&options)?;
    let secrets = scaffold::secrets::prepare(&args.dir, &options)?;
    for warning in &secrets.warnings {
        write_stderr_line(&format!("warning: {warning}"));
    }
    let files = scaffold::render(&options, &secrets)?;
    let mut plan = scaffold::plan(&args.dir, files)?;
    plan.extend(scaffold::plan_secrets(&args.dir, &secrets));
    if args.diff {
        let mut text = String::new();
        for f in plan.iter().filter(|f| f.change != Change::Unchanged) {
            match (&f.current, f.change) {
                _ if f.secret => {
                    let _ = writeln!(text, "Secret file {} would be created", f.target.display());
                }
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
            write_stderr_line(&next_steps(&args.dir, &options, &plan));
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
fn next_steps(dir: &Path, options: &Options, plan: &[PlannedFile]) -> String {
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
    if !options.remote_write.is_empty() {
        match &options.remote_write_auth {
            Some(RemoteWriteAuth::Bearer) => {
                let _ = writeln!(
                    s,
                    "       printf '%s' 'TOKEN' > {d}/{REMOTE_WRITE_TOKEN}      # the remote-write bearer token"
                );
            }
            Some(RemoteWriteAuth::Basic(user)) => {
                let _ = writeln!(
                    s,
                    "       printf '%s' 'PASSWORD' > {d}/{REMOTE_WRITE_PASSWORD}   # remote-write password of {user}"
                );
            }
            None => {}
        }
    }
    let created = |path: &str| plan.iter().any(|f| f.secret && f.path == path);
    if let Some(user) = &options.basic_auth {
        let how = if created(WEB_PASSWORD) {
            "generated"
        } else {
            "read"
        };
        let _ = writeln!(
            s,
            "     the web password of {user} was {how}: {d}/{WEB_PASSWORD} (to change it, edit the file and run this command again with --force)"
        );
    }
    if options.tls {
        if created(secure::TLS_CERT) {
            let _ = writeln!(
                s,
                "     TLS: a local CA signed a certificate for {} in {d}/docker/secrets/tls/ (the CA key was not kept).",
                secure::certificate_hosts(options).join(", ")
            );
            let _ = writeln!(
                s,
                "     To use real ones, replace ca.crt (the CA that signed it), server.crt and server.key (PEM) there, keeping those names, and restart the stack."
            );
        } else {
            let _ = writeln!(
                s,
                "     TLS: the certificate, key and CA in {d}/docker/secrets/tls/ are used as they are"
            );
        }
    }
    let _ = writeln!(
        s,
        "  2. edit the lines marked EDIT in {d}/monitoring/alertmanager.yml (SMTP host, addresses, channels, webhook URL) and {d}/monitoring/alert-rules.yml (the fleet's cost budget)"
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
    let scheme = if options.tls { "https" } else { "http" };
    if secure::needs_context(options) {
        let _ = write!(
            s,
            "  5. check: ccmon --config {d}/{} targets; ccmon --config {d}/{} alerts status; Grafana on {scheme}://127.0.0.1:3000 (folder ccmon)",
            secure::CONTEXT,
            secure::CONTEXT
        );
    } else {
        let _ = write!(
            s,
            "  5. check: ccmon targets; ccmon alerts status; Grafana on http://127.0.0.1:3000 (folder ccmon)"
        );
    }
    s
}
