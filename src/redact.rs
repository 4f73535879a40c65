//! Redaction of secrets: the one function every error, log line and rendered output passes
//! through before it reaches a terminal, a file or a log collector.
//!
//! Four kinds of secret are masked: passwords in URL userinfo (`redis://:pw@host`), also in
//! a redis cluster URL's `node=` parameters; `password=` in libpq key=value connection
//! strings (`host=db password='a b'`); credentials after `Authorization`/`Bearer`/`Basic`
//! and in query parameters such as `token=`; and every secret value ccmon itself loaded
//! (token files, passwords from the environment, the password of every URL the config
//! read, valid or not), wherever it appears — those are registered with
//! [`register_secret`] and [`register_url_secrets`].
//!
//! A userinfo without a colon (`scheme://word@host`) is masked too, except for PostgreSQL
//! URLs: Redis reads a lone word as the password (`redis://s3cret@host`), and on http(s) a
//! lone word is how tokens are passed (`https://TOKEN@host`), so masking it costs at most a
//! user name. For `postgres://` and `postgresql://` libpq defines it as the user name, which
//! stays visible because operators need it to tell connections apart.

use std::borrow::Cow;
use std::sync::{LazyLock, RwLock};

use regex::Regex;

/// What a secret is replaced with.
pub const MASK: &str = "***";

/// Secrets shorter than this are not registered: masking every `ab` in the output would
/// make it unreadable and such a "secret" protects nothing anyway.
const MIN_SECRET_LEN: usize = 4;

static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

// `scheme://user:password@host`: the password runs to the last `@` before the host part,
// because passwords may themselves contain `@` or `:` when not percent-encoded. It stops at
// `/`, `?` and `#`, which end the authority (a cluster URL's `node=` userinfo is matched
// on its own); a password containing them makes the URL invalid, and the config registers
// such passwords as secrets when it reads the value.
static URL_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<pre>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@"'<>]*:)(?P<pw>[^\s/?#"'<>]*)@"#)
        .expect("static regex")
});

// `scheme://word@host`: a userinfo without a colon (see the module doc for which schemes).
static URL_LONE_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<pre>(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://)(?P<pw>[^\s:/@"'<>?#]+)@"#)
        .expect("static regex")
});

// A redis cluster URL's seed nodes: `?node=:pw@h:1`, `&node=user:pw@h:1`, `node=pw@h:1`, also
// inside a quoted value (`node=":pw@h:1"` in an error message).
static NODE_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?P<pre>\bnode=\\?"?[^\s&:/@"'<>\\]*:)(?P<pw>[^\s&"'<>\\]*)@"#)
        .expect("static regex")
});
static NODE_LONE_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?P<pre>\bnode=\\?"?)(?P<pw>[^\s&:/@"'<>\\]+)@"#).expect("static regex")
});

// libpq key=value: `password=s3cret`, `password = 'a b'`, `password='it\'s'`; the key must
// start a word of its own, so `?password=` (a query parameter) and `xpassword=` do not count.
static LIBPQ_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?P<pre>(?:^|[\s,;(\["'{])(?:password|sslpassword)\s*=\s*)(?P<pw>'(?:[^'\\]|\\.)*'?|[^\s'"]+)"#)
        .expect("static regex")
});

static AUTH_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?P<pre>\b(?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token|digest)\s+)?)(?P<pw>[^\s"',;}]+)"#)
        .expect("static regex")
});

static BEARER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?P<pre>\b(?:bearer|basic)\s+)(?P<pw>[A-Za-z0-9\-._~+/]{8,}=*)")
        .expect("static regex")
});

static QUERY_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?P<pre>[?&;](?:password|passwd|pwd|token|access_token|api_key|apikey|secret|client_secret|auth)=)(?P<pw>[^&\s"'#]+)"#)
        .expect("static regex")
});

/// Registers a secret value so that [`redact`] masks it wherever it appears.
pub fn register_secret(secret: &str) {
    let secret = secret.trim();
    if secret.len() < MIN_SECRET_LEN {
        return;
    }
    let mut secrets = SECRETS
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_owned());
        // Longest first, so a secret that contains another is masked whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Registers every password a connection setting may carry, read leniently so that a value
/// the URL parser rejects is covered too: the userinfo password of `scheme://user:pw@host`
/// (for redis schemes also a lone `scheme://pw@host`), the userinfo of each `node=`
/// parameter, and `password=` of a libpq key=value string. Percent-decoded forms as well.
pub fn register_url_secrets(value: &str) {
    let mut found: Vec<String> = Vec::new();
    for (at, _) in value.match_indices("://") {
        let scheme = value[..at]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || "+.-".contains(c)))
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let rest = &value[at + 3..];
        let token = rest.split(char::is_whitespace).next().unwrap_or_default();
        // A cluster URL's `node=` parameters have userinfo of their own; the URL's own
        // userinfo ends before them.
        let own = token
            .find("?node=")
            .or_else(|| token.find("&node="))
            .map_or(token, |end| &token[..end]);
        if let Some(end) = own.rfind('@') {
            found.extend(userinfo_secret(&own[..end], scheme.starts_with("redis")));
        }
        for param in token.split(['?', '&']) {
            if let Some(node) = param.strip_prefix("node=")
                && let Some(end) = node.rfind('@')
            {
                found.extend(userinfo_secret(&node[..end], true));
            }
        }
    }
    for caps in LIBPQ_PASSWORD.captures_iter(value) {
        let pw = &caps["pw"];
        found.push(match pw.strip_prefix('\'') {
            Some(quoted) => {
                let quoted = quoted.strip_suffix('\'').unwrap_or(quoted);
                let mut plain = String::with_capacity(quoted.len());
                let mut chars = quoted.chars();
                while let Some(c) = chars.next() {
                    plain.push(if c == '\\' {
                        chars.next().unwrap_or(c)
                    } else {
                        c
                    });
                }
                plain
            }
            None => pw.to_owned(),
        });
    }
    for secret in found {
        register_secret(&secret);
        if let Some(decoded) = percent_decoded(&secret) {
            register_secret(&decoded);
        }
    }
}

/// The password in a userinfo: after its first colon, or the whole of it where a lone word
/// is a password (redis).
fn userinfo_secret(userinfo: &str, lone_is_password: bool) -> Option<String> {
    match userinfo.split_once(':') {
        Some((_, pw)) => Some(pw.to_owned()),
        None if lone_is_password => Some(userinfo.to_owned()),
        None => None,
    }
}

fn percent_decoded(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    percent_decode(s).ok()
}

/// Undoes URL percent-encoding (`%41` -> `A`); a `%` not followed by two hex digits stays.
/// Shared by the URL parser of the settings and by the redaction of URL passwords, so a
/// password is recognised in the form the user wrote and in the one the URL carries.
pub(crate) fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|e| e.utf8_error())
}

/// Returns `text` with every secret masked. Borrows when there is nothing to mask.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    {
        let secrets = SECRETS
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for secret in secrets.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), MASK));
            }
        }
    }
    for re in [
        &*NODE_USERINFO,
        &*NODE_LONE_USERINFO,
        &*URL_USERINFO,
        &*URL_LONE_USERINFO,
        &*LIBPQ_PASSWORD,
        &*AUTH_HEADER,
        &*BEARER,
        &*QUERY_SECRET,
    ] {
        if let Cow::Owned(replaced) = re.replace_all(&out, |caps: &regex::Captures<'_>| {
            let user_name = caps.name("scheme").is_some_and(|s| {
                ["postgres", "postgresql"].contains(&&*s.as_str().to_ascii_lowercase())
            });
            // Masked already, by a pattern earlier in the list or an earlier pass.
            if caps["pw"].contains(MASK) || user_name {
                caps[0].to_owned()
            } else {
                format!(
                    "{}{MASK}{}",
                    &caps["pre"],
                    &caps[0][caps["pre"].len() + caps["pw"].len()..]
                )
            }
        }) {
            out = Cow::Owned(replaced);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords() {
        assert_eq!(
            redact("redis://:hunter22@cache:6379/0"),
            "redis://:***@cache:6379/0"
        );
        assert_eq!(
            redact("connect postgres://app:s3cr3t@db.internal/app failed"),
            "connect postgres://app:***@db.internal/app failed"
        );
        assert_eq!(redact("https://u:p@ss:w@host/x"), "https://u:***@host/x");
        assert_eq!(
            redact("http://localhost:9090/api"),
            "http://localhost:9090/api"
        );
        // A lone userinfo is a password for redis and may be a token on http(s); for
        // PostgreSQL it is the user name.
        assert_eq!(redact("redis://s3cretPW@host"), "redis://***@host");
        assert_eq!(
            redact("https://TOKEN1234@git.example/x"),
            "https://***@git.example/x"
        );
        assert_eq!(redact("postgres://app@db/app"), "postgres://app@db/app");
        assert_eq!(
            redact("e-mail me at a@b.example"),
            "e-mail me at a@b.example"
        );
    }

    #[test]
    fn cluster_node_parameters() {
        assert_eq!(
            redact("redis+cluster://h:1?node=:s3cretPW@h:1"),
            "redis+cluster://h:1?node=:***@h:1"
        );
        assert_eq!(
            redact("redis+cluster://:a@h:1?node=u:s3cretPW@h2:1&node=s3cretPW@h3:1"),
            "redis+cluster://:***@h:1?node=u:***@h2:1&node=***@h3:1"
        );
        assert_eq!(
            redact(r#"node=":s3cretPW@h:1" is not host:port"#),
            r#"node=":***@h:1" is not host:port"#
        );
        assert_eq!(
            redact("?node=h2:7001&node=h3:7002"),
            "?node=h2:7001&node=h3:7002"
        );
    }

    #[test]
    fn libpq_key_value_passwords() {
        assert_eq!(
            redact("host=h user=u password=s3cretPW dbname=db"),
            "host=h user=u password=*** dbname=db"
        );
        assert_eq!(
            redact("invalid URL \"host=h password = 'a b\\' c' dbname=db\""),
            "invalid URL \"host=h password = *** dbname=db\""
        );
        assert_eq!(redact("PASSWORD=x1234"), "PASSWORD=***");
        assert_eq!(redact("the password is not set"), "the password is not set");
    }

    #[test]
    fn url_secrets_are_registered_even_from_invalid_urls() {
        register_url_secrets("redis://:pa?ss/wd-REG-1@host");
        assert_eq!(redact("auth pa?ss/wd-REG-1 failed"), "auth *** failed");
        register_url_secrets("redis://lone-REG-2@host");
        assert_eq!(redact("saw lone-REG-2"), "saw ***");
        register_url_secrets("redis+cluster://h:1?node=:node%2DREG-3@h:1");
        assert_eq!(redact("saw node-REG-3 and node%2DREG-3"), "saw *** and ***");
        register_url_secrets("host=h password='quo\\'ted-REG-4'");
        assert_eq!(redact("saw quo'ted-REG-4"), "saw ***");
        register_url_secrets("postgres://user-REG-5@db/app");
        assert_eq!(redact("user-REG-5"), "user-REG-5");
    }

    #[test]
    fn authorization_and_tokens() {
        assert_eq!(
            redact("Authorization: Bearer abc.def.ghi"),
            "Authorization: Bearer ***"
        );
        assert_eq!(
            redact("authorization=Basic dXNlcjpwYXNz"),
            "authorization=Basic ***"
        );
        assert_eq!(
            redact(r#"{"Authorization":"Bearer eyJhbGciOi"}"#),
            r#"{"Authorization":"Bearer ***"}"#
        );
        assert_eq!(
            redact("header bearer 0123456789abcdef"),
            "header bearer ***"
        );
        assert_eq!(
            redact("GET /x?a=1&token=zzz&b=2"),
            "GET /x?a=1&token=***&b=2"
        );
        assert_eq!(redact("?password=pw"), "?password=***");
    }

    #[test]
    fn registered_secrets_anywhere() {
        register_secret("tok-REGISTERED-1234");
        assert_eq!(
            redact("server said: bad token tok-REGISTERED-1234"),
            "server said: bad token ***"
        );
        register_secret("ab");
        assert_eq!(redact("abc"), "abc");
    }

    #[test]
    fn idempotent_and_borrowing() {
        let once = redact("redis://:pw@h Authorization: Bearer abcdefgh").into_owned();
        assert_eq!(redact(&once), once);
        assert!(matches!(redact("nothing secret here"), Cow::Borrowed(_)));
    }
}
