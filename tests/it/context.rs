//! Contexts, precedence and redaction through the binary: `ccmon context ls|use|show`.

use std::path::Path;

use crate::util::{Output, ccmon};

const CONFIG: &str = "\
# Fleet contexts. This comment must survive `context use`.
current_context: staging
contexts:
  staging:
    prometheus: http://prom.staging:9090
    alertmanager:
      - http://am-0.staging:9093
      - http://am-1.staging:9093
    redis: redis://:staging-redis-pw@cache.staging:6379/0
    bearer_token_file: token.txt   # relative to this file
    headers:
      X-Scope-OrgID: fleet
  prod:
    prometheus: https://prom.prod.example
    postgres: postgres://ccmon@db.prod/ccmon
    postgres_password_file: pg.txt
    timeout: 5s
";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(config: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yaml"), config).unwrap();
        std::fs::write(dir.path().join("token.txt"), "tok-FILE-SECRET-42\n").unwrap();
        std::fs::write(dir.path().join("pg.txt"), "pg-FILE-SECRET-43\n").unwrap();
        Fixture { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn config(&self) -> std::path::PathBuf {
        self.path().join("config.yaml")
    }

    fn show(&self, extra: &[&str]) -> Output {
        self.show_with_env(&[], extra)
    }

    /// `context show -o json` with `env` set, as JSON.
    fn shown(&self, env: &[(&str, &str)], extra: &[&str]) -> serde_json::Value {
        parse(&self.show_with_env(env, extra))
    }

    /// `ccmon --config CONFIG EXTRA... context show -o json` with `env` set.
    fn show_with_env(&self, env: &[(&str, &str)], extra: &[&str]) -> Output {
        env.iter()
            .fold(ccmon(), |cmd, (key, value)| cmd.env(key, value))
            .args(["--config".as_ref(), self.config().as_os_str()])
            .args(extra)
            .args(["context", "show", "-o", "json"])
            .ok()
    }
}

fn setting<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json.as_array()
        .and_then(|rows| rows.iter().find(|r| r["setting"] == name))
        .unwrap_or_else(|| panic!("no setting {name} in {json}"))
}

/// Asserts the `prometheus` setting is `value`, taken from where `source[key]` says.
#[track_caller]
fn assert_prometheus(json: &serde_json::Value, value: &str, key: &str, from: &str) {
    let prometheus = setting(json, "prometheus");
    assert_eq!(prometheus["value"], value, "{prometheus}");
    assert_eq!(prometheus["source"][key], from, "{prometheus}");
}

fn parse(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})\n{out}"))
}

#[test]
fn ls_marks_the_current_context() {
    let f = Fixture::new(CONFIG);
    let out = ccmon()
        .args(["--config".as_ref(), f.config().as_os_str()])
        .args(["context", "ls"])
        .ok();
    assert_eq!(
        out.stdout, "CURRENT  NAME\n         prod\n*        staging\n",
        "{out}"
    );
    let out = ccmon()
        .args(["--config".as_ref(), f.config().as_os_str()])
        .args(["--context", "prod", "context", "ls", "-o", "json"])
        .ok();
    let json = parse(&out);
    assert_eq!(json[0]["name"], "prod");
    assert_eq!(json[0]["current"], true);
}

#[test]
fn ls_without_a_config_file_says_so() {
    ccmon()
        .args(["context", "ls"])
        .ok()
        .stderr_has("no config file at");
}

#[test]
fn the_default_config_location_is_used() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/ccmon");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.yaml"), CONFIG).unwrap();
    std::fs::write(dir.join("token.txt"), "x-token-x").unwrap();
    let out = crate::util::Ccmon::in_home(home.path())
        .args(["context", "show", "-o", "json"])
        .ok();
    let json = parse(&out);
    assert_eq!(setting(&json, "context")["value"], "staging");
    assert_eq!(
        setting(&json, "prometheus")["value"],
        "http://prom.staging:9090/"
    );
    // XDG_CONFIG_HOME wins over ~/.config.
    let xdg = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(xdg.path().join("ccmon")).unwrap();
    std::fs::write(xdg.path().join("ccmon/config.yaml"), "contexts: {}\n").unwrap();
    let out = crate::util::Ccmon::in_home(home.path())
        .env("XDG_CONFIG_HOME", xdg.path())
        .args(["context", "ls"])
        .ok();
    assert!(!out.stdout.contains("staging"), "{out}");
}

#[test]
fn use_switches_and_keeps_comments_and_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new(CONFIG);
    std::fs::set_permissions(f.config(), std::fs::Permissions::from_mode(0o600)).unwrap();
    ccmon()
        .args(["--config".as_ref(), f.config().as_os_str()])
        .args(["context", "use", "prod"])
        .ok()
        .stderr_has("switched to context \"prod\"");
    let text = std::fs::read_to_string(f.config()).unwrap();
    assert_eq!(
        text,
        CONFIG.replace("current_context: staging", "current_context: prod")
    );
    let mode = std::fs::metadata(f.config()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let json = parse(&f.show(&[]));
    assert_eq!(setting(&json, "context")["value"], "prod");
    assert_eq!(setting(&json, "timeout")["value"], "5s");

    // An unknown name changes nothing and names the known ones.
    ccmon()
        .args(["--config".as_ref(), f.config().as_os_str()])
        .args(["context", "use", "nope"])
        .run()
        .code(2)
        .stderr_has("no context named \"nope\"")
        .stderr_has("known contexts: prod, staging");
    assert_eq!(
        std::fs::read_to_string(f.config()).unwrap(),
        CONFIG.replace("staging\ncontexts", "prod\ncontexts")
    );
}

#[test]
fn use_adds_current_context_when_missing() {
    let f = Fixture::new("contexts:\n  a: {prometheus: 'http://a:9090'}\n");
    ccmon()
        .args(["--config".as_ref(), f.config().as_os_str()])
        .args(["context", "use", "a"])
        .ok();
    let text = std::fs::read_to_string(f.config()).unwrap();
    assert_eq!(
        text,
        "current_context: a\ncontexts:\n  a: {prometheus: 'http://a:9090'}\n"
    );
}

#[test]
fn precedence_is_flag_then_env_then_context_then_default() {
    let f = Fixture::new(CONFIG);
    // context
    let json = parse(&f.show(&[]));
    let prom = setting(&json, "prometheus");
    assert_eq!(prom["value"], "http://prom.staging:9090/");
    assert_eq!(prom["source"]["kind"], "context");
    let location = prom["source"]["location"].as_str().unwrap();
    assert!(location.ends_with("config.yaml:5:17"), "{location}");
    // default
    assert_eq!(setting(&json, "timeout")["source"]["kind"], "default");
    assert_eq!(
        setting(&json, "alertmanager")["value"],
        "http://am-0.staging:9093/, http://am-1.staging:9093/"
    );
    // env beats context
    let from_env = [("CCMON_PROMETHEUS_URL", "http://from-env:9090")];
    let json = f.shown(&from_env, &[]);
    assert_prometheus(
        &json,
        "http://from-env:9090/",
        "var",
        "CCMON_PROMETHEUS_URL",
    );
    // flag beats env
    let json = f.shown(&from_env, &["--prometheus-url", "http://from-flag:9090"]);
    assert_prometheus(&json, "http://from-flag:9090/", "flag", "--prometheus-url");
    // CCMON_CONTEXT picks the context, --context beats it
    let json = f.shown(&[("CCMON_CONTEXT", "prod")], &[]);
    assert_eq!(setting(&json, "context")["source"]["var"], "CCMON_CONTEXT");
    assert_eq!(
        setting(&json, "prometheus")["value"],
        "https://prom.prod.example/"
    );
    // CCMON_CONFIG names the file
    let out = ccmon()
        .env("CCMON_CONFIG", f.config())
        .args(["--context", "prod", "context", "show", "-o", "json"])
        .ok();
    let json = parse(&out);
    assert_eq!(
        setting(&json, "config_file")["source"]["var"],
        "CCMON_CONFIG"
    );
    assert_eq!(setting(&json, "context")["source"]["flag"], "--context");
}

#[test]
fn defaults_without_any_configuration() {
    ccmon()
        .args(["context", "show"])
        .ok()
        .stdout_has("http://localhost:9090/")
        .stdout_has("http://localhost:9093/")
        .stdout_has("events go to the local spool");
}

#[test]
fn secrets_never_appear_in_output_logs_or_errors() {
    let f = Fixture::new(CONFIG);
    // From the file: a URL password, a token file, a password file.
    for ctx in ["staging", "prod"] {
        for format in ["table", "wide", "json", "yaml"] {
            ccmon()
                .args(["--config".as_ref(), f.config().as_os_str()])
                .args(["--context", ctx, "-vv", "context", "show", "-o", format])
                .ok()
                .nowhere("staging-redis-pw")
                .nowhere("tok-FILE-SECRET-42")
                .nowhere("pg-FILE-SECRET-43");
        }
    }
    // From flags and the environment, including debug logs.
    let out = ccmon()
        .env("CCMON_BEARER_TOKEN", "env-TOKEN-SECRET-44")
        .env("DATABASE_URL", "postgres://u:db-PASS-45@db/x")
        .env("CCMON_ALERTMANAGER_URL", "http://am:am-PASS-46@am:9093")
        .args([
            "--redis-url",
            "redis://:flag-PASS-47@h:6379",
            "-vv",
            "context",
            "show",
        ])
        .ok()
        .stderr_has("effective settings")
        .nowhere("env-TOKEN-SECRET-44")
        .nowhere("db-PASS-45")
        .nowhere("am-PASS-46")
        .nowhere("flag-PASS-47");
    assert!(out.stdout.contains("redis://:***@h:6379"), "{out}");
    // In errors.
    ccmon()
        .args([
            "--prometheus-url",
            "http://user:err-PASS-48@[::1",
            "context",
            "show",
        ])
        .run()
        .code(2)
        .stderr_has("--prometheus-url")
        .nowhere("err-PASS-48");
    ccmon()
        .env("REDIS_URL", "mysql://u:err-PASS-49@h")
        .args(["context", "show"])
        .run()
        .code(2)
        .stderr_has("REDIS_URL")
        .nowhere("err-PASS-49");
}

#[test]
fn malformed_config_gives_file_line_col_and_exit_2() {
    let cases: &[(&str, &str)] = &[
        ("contexts:\n  a:\n    prometheus: [1, 2\n", ":3:"),
        ("contexts:\n  a:\n    promethues: http://x\n", ":3:5: "),
        (
            "current_context: b\ncontexts:\n  a: {}\n",
            ":1:18: current_context \"b\" names no context",
        ),
        (
            "contexts:\n  a:\n    prometheus: 'not a url'\ncurrent_context: a\n",
            ":3:17: prometheus: invalid URL",
        ),
        (
            "contexts:\n  a:\n    timeout: 5 minutes\ncurrent_context: a\n",
            ":3:14: timeout: invalid duration",
        ),
        ("contexts:\n  a: {}\n  a: {}\n", ":3:"),
        ("\t- ]]] {{{", ":1:"),
        ("contexts: [a, b]\n", ":1:"),
    ];
    for (text, expected) in cases {
        let f = Fixture::new(text);
        let out = ccmon()
            .args(["--config".as_ref(), f.config().as_os_str()])
            .args(["context", "show"])
            .run()
            .code(2);
        let want = format!("error: {}{expected}", f.config().display());
        assert!(out.stderr.starts_with(&want), "expected {want:?}\n{out}");
        assert!(!out.stderr.contains("panicked"), "{out}");
    }
}

#[test]
fn a_named_config_file_must_exist() {
    ccmon()
        .args(["--config", "/nonexistent/ccmon.yaml", "context", "show"])
        .run()
        .code(2)
        .stderr_has("config file /nonexistent/ccmon.yaml does not exist (named by --config)")
        .stderr_has("hint:");
    ccmon()
        .env("CCMON_CONFIG", "/nonexistent/x.yaml")
        .args(["context", "ls"])
        .run()
        .code(2)
        .stderr_has("named by CCMON_CONFIG");
}

#[test]
fn a_value_of_the_wrong_shape_names_its_position_and_what_is_expected() {
    let f = Fixture::new(
        "current_context: a\ncontexts:\n  a:\n    alertmanager: {url: http://am:9093}\n",
    );
    ccmon()
        .args(["--config".as_ref(), f.config().as_os_str()])
        .args(["context", "show"])
        .run()
        .code(2)
        .stderr_has(&format!("{}:4:19:", f.config().display()))
        .stderr_has("expected a URL, or a list of URLs")
        .nowhere("untagged enum");
}

#[test]
fn every_url_form_is_redacted_in_output_logs_health_json_and_errors() {
    // A closed port: the checks fail and their errors carry the URL through the chain.
    let port = crate::support::process::free_port();
    let forms: [(&str, String, &str); 8] = [
        (
            "DATABASE_URL",
            format!("host=127.0.0.1 port={port} user=u password=s3cretPW1 dbname=db"),
            "s3cretPW1",
        ),
        (
            "DATABASE_URL",
            format!("host=127.0.0.1 port={port} password='a s3cretPW2 b' dbname=db"),
            "s3cretPW2",
        ),
        (
            "REDIS_URL",
            format!("redis+cluster://127.0.0.1:{port}?node=:s3cretPW3@127.0.0.1:{port}"),
            "s3cretPW3",
        ),
        (
            "REDIS_URL",
            format!("redis://s3cretPW4@127.0.0.1:{port}"),
            "s3cretPW4",
        ),
        (
            "REDIS_URL",
            format!("redis://:s3cret/PW5@127.0.0.1:{port}"),
            "PW5",
        ),
        (
            "REDIS_URL",
            format!("redis://:s3cret?PW6@127.0.0.1:{port}"),
            "PW6",
        ),
        (
            "REDIS_URL",
            format!("rediss+cluster://u:s3cretPW7@127.0.0.1:{port}?node=s3cretPW7@127.0.0.1:1"),
            "s3cretPW7",
        ),
        (
            "CCMON_PROMETHEUS_URL",
            format!("http://s3cretPW8@127.0.0.1:{port}"),
            "s3cretPW8",
        ),
    ];
    for (var, value, secret) in &forms {
        for args in [
            &["-vv", "context", "show", "-o", "json"][..],
            &["-vv", "context", "show"],
            &["-vv", "health", "check", "-o", "json"],
        ] {
            ccmon().env(var, value).args(args).run().nowhere(secret);
        }
    }
    // The same forms in the config file, where an error names file:line:col.
    let f = Fixture::new(&format!(
        "current_context: a\ncontexts:\n  a:\n    postgres: \"{}\"\n    redis: \"{}\"\n",
        forms[1].1, forms[2].1
    ));
    for args in [
        &["-vv", "context", "show", "-o", "json"][..],
        &["-vv", "health", "check", "-o", "json"],
    ] {
        ccmon()
            .args(["--config".as_ref(), f.config().as_os_str()])
            .args(args)
            .run()
            .code(2)
            .stderr_has("config.yaml:4:")
            .nowhere("s3cretPW2")
            .nowhere("s3cretPW3");
    }
}

/// The settings table and the command line agree: every flag the table names is a flag
/// of `context show` (which takes them all), and each one, given after the command name,
/// is the source `context show` reports for its setting.
#[test]
fn every_flag_of_the_settings_table_exists_and_is_the_reported_source() {
    let mut cli = ccmon::cli::Cli::definition();
    cli.build();
    let show = cli
        .find_subcommand("context")
        .and_then(|c| c.find_subcommand("show"))
        .expect("context show");
    let global: Vec<String> = cli
        .get_arguments()
        .filter(|a| a.is_global_set())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    let longs: Vec<String> = show
        .get_arguments()
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .chain(global)
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("token");
    std::fs::write(&file, "t0ken").expect("write token");
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "contexts:\n  a: {}\n").expect("write config");
    for spec in ccmon::config::table::SETTINGS {
        let Some(flag) = spec.flag else { continue };
        assert!(longs.iter().any(|l| l == flag), "{flag} is not a flag");
        let value = match spec.name {
            "config_file" => config.to_str().expect("utf-8").to_owned(),
            "context" => "a".to_owned(),
            "redis" => "redis://r:6379".to_owned(),
            "postgres" => "postgres://db/app".to_owned(),
            "bearer_token" => file.to_str().expect("utf-8").to_owned(),
            "timeout" => "3s".to_owned(),
            _ => "http://x:1".to_owned(),
        };
        let mut args = vec!["context", "show", "-o", "json", flag, &value];
        if spec.name == "context" {
            args.extend(["--config", config.to_str().expect("utf-8")]);
        }
        let json = parse(&ccmon().args(&args).ok());
        let row = setting(&json, spec.name);
        assert_eq!(row["source"]["kind"], "flag", "{flag}: {row}");
        assert_eq!(row["source"]["flag"], *flag, "{flag}: {row}");
    }
}
