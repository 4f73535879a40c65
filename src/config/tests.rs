//! Unit tests of resolution and editing.

use super::file::yaml_scalar;
use super::resolve::resolve;
use super::*;

fn global() -> GlobalSettings {
    GlobalSettings {
        format: Format::Table,
        format_given: false,
        color: ColorChoice::Never,
        verbosity: 0,
        config_path: None,
        config_path_from_env: false,
        context: None,
        context_from_env: false,
        flags: FlagSettings::default(),
    }
}

const FILE: &str = "\
# my contexts
current_context: dev
contexts:
  dev:
    prometheus: http://prom.dev:9090
    alertmanager: [http://am1:9093, http://am2:9093]
    redis: redis://:devpass@cache:6379/0
    timeout: 5s
  prod:
    prometheus: https://prom.prod
    headers:
      X-Scope-OrgID: team-a
";

/// Resolution with no flags and no environment, the file (if any) found where it is looked for.
fn resolve_plain(file: Option<&ConfigFile>) -> Result<Settings, ConfigError> {
    resolve(
        &global(),
        &Environment::default(),
        file,
        ConfigPathSource::Default,
    )
}

fn parsed(text: &str) -> ConfigFile {
    ConfigFile::parse(Path::new("/etc/ccmon.yaml"), text.to_owned()).unwrap()
}

#[test]
fn precedence_flag_env_context_default() {
    let file = parsed(FILE);
    let env = Environment::from_pairs([("CCMON_PROMETHEUS_URL", "http://from-env:9090")]);
    let mut g = global();
    let s = resolve(&g, &env, Some(&file), ConfigPathSource::Flag).unwrap();
    assert_eq!(s.prometheus.value.as_str(), "http://from-env:9090/");
    assert_eq!(
        s.prometheus.source,
        Source::Env {
            var: "CCMON_PROMETHEUS_URL"
        }
    );
    assert_eq!(s.alertmanager.value.len(), 2);
    assert!(matches!(s.alertmanager.source, Source::Context { .. }));
    assert_eq!(s.timeout.value, Duration::from_secs(5));

    g.flags.prometheus_url = Some("http://from-flag:9090".into());
    let s = resolve(&g, &env, Some(&file), ConfigPathSource::Flag).unwrap();
    assert_eq!(
        s.prometheus.source,
        Source::Flag {
            flag: "--prometheus-url"
        }
    );

    let s = resolve_plain(None).unwrap();
    assert_eq!(s.prometheus.value.as_str(), "http://localhost:9090/");
    assert_eq!(s.prometheus.source, Source::Default);
    assert!(s.redis.is_none());
}

#[test]
fn context_location_is_reported() {
    let file = parsed(FILE);
    let s = resolve_plain(Some(&file)).unwrap();
    match &s.prometheus.source {
        Source::Context { context, location } => {
            assert_eq!(context, "dev");
            assert_eq!(location, "/etc/ccmon.yaml:5:17");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_values_point_at_their_position() {
    let err = ConfigFile::parse(
        Path::new("c.yaml"),
        "contexts:\n  a:\n    promethus: x\n".into(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("c.yaml:3:5: "), "{text}");
    let file = parsed("contexts:\n  a:\n    prometheus: 'ftp://x'\ncurrent_context: a\n");
    let err = resolve_plain(Some(&file)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/etc/ccmon.yaml:3:17: prometheus: unsupported scheme"),
        "{err}"
    );
    let err = ConfigFile::parse(
        Path::new("c.yaml"),
        "current_context: nope\ncontexts: {a: {}}\n".into(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("c.yaml:1:18: current_context \"nope\""),
        "{err}"
    );
}

#[test]
fn use_context_keeps_comments() {
    let file = parsed(FILE);
    let text = file.with_current_context("prod").unwrap();
    assert!(
        text.starts_with("# my contexts\ncurrent_context: prod\ncontexts:"),
        "{text}"
    );
    let file = parsed("# c\ncontexts:\n  a: {}\n");
    assert_eq!(
        file.with_current_context("a").unwrap(),
        "# c\ncurrent_context: a\ncontexts:\n  a: {}\n"
    );
    assert_eq!(yaml_scalar("true"), "\"true\"");
    assert_eq!(yaml_scalar("prod-eu.1"), "prod-eu.1");
    assert_eq!(yaml_scalar("a b"), "\"a b\"");
}

#[test]
fn url_passwords_are_registered_secrets() {
    let file = parsed(FILE);
    let _ = resolve_plain(Some(&file)).unwrap();
    assert_eq!(
        crate::redact::redact("auth devpass failed"),
        "auth *** failed"
    );
}

#[test]
fn the_table_drives_context_show() {
    let file = parsed(
        "current_context: a\ncontexts:\n  a:\n    prometheus: http://p:9090\n    postgres: postgres://u:tbl-pg-pw-4711@db/app\n    bearer_token_file: token\n    tls: {ca_file: ca.crt}\n    headers: {X-Scope-OrgID: t}\n",
    );
    let env = Environment::from_pairs([
        ("REDIS_URL", "redis://:tbl-redis-pw-4711@cache:6379"),
        ("CCMON_TIMEOUT", "7s"),
        ("HOME", "/home/x"),
    ]);
    let mut g = global();
    g.flags.alertmanager_urls = vec!["http://am1:9093".into(), "http://am2:9093".into()];
    let s = resolve(&g, &env, Some(&file), ConfigPathSource::Flag).unwrap();
    let shown = s.shown();
    let names: Vec<&str> = shown.iter().map(|r| r.setting).collect();
    let table: Vec<&str> = table::SETTINGS.iter().map(|s| s.name).collect();
    assert_eq!(names, table);
    let row = |name: &str| shown.iter().find(|r| r.setting == name).unwrap();
    assert_eq!(row("prometheus").value, "http://p:9090/");
    assert!(matches!(row("prometheus").source, Source::Context { .. }));
    assert_eq!(
        row("alertmanager").value,
        "http://am1:9093/, http://am2:9093/"
    );
    assert_eq!(
        row("alertmanager").source,
        Source::Flag {
            flag: "--alertmanager-url"
        }
    );
    assert_eq!(row("redis").value, "redis://:***@cache:6379");
    assert_eq!(row("redis").source, Source::Env { var: "REDIS_URL" });
    assert_eq!(row("postgres").value, "postgres://u:***@db/app");
    assert!(
        row("bearer_token")
            .value
            .starts_with("<unreadable file /etc/token")
    );
    assert_eq!(row("basic_auth").value, "(not set)");
    assert_eq!(row("tls").value, "ca_file /etc/ca.crt");
    assert_eq!(row("headers").value, "X-Scope-OrgID: t");
    assert_eq!(row("timeout").value, "7s");
    assert_eq!(row("state_dir").value, "/home/x/.local/state/ccmon");
    assert_eq!(row("context").value, "a");
    // `Settings::show` finds a setting's field by its kind: no two settings share one.
    for (i, a) in table::SETTINGS.iter().enumerate() {
        for b in &table::SETTINGS[i + 1..] {
            assert_ne!(a.kind, b.kind, "{} and {} share a kind", a.name, b.name);
        }
    }
    // Every variable of the table (but the two clap reads itself) is one ccmon reads.
    for setting in table::SETTINGS {
        if matches!(setting.kind, table::Kind::ConfigFile | table::Kind::Context) {
            continue;
        }
        for var in setting.env {
            assert!(env_vars::ALL.contains(var), "{var} is not read");
        }
    }
}
