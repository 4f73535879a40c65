//! Redaction of secrets: the one function every error, log line and rendered output passes
//! through before it reaches a terminal, a file or a log collector.
//!
//! Three kinds of secret are masked: passwords in URL userinfo (`redis://:pw@host`),
//! credentials after `Authorization`/`Bearer`/`Basic` and in query parameters such as
//! `token=`, and every secret value ccmon itself loaded (token files, passwords from the
//! environment), wherever it appears — those are registered with [`register_secret`].

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
// because passwords may themselves contain `@` or `:` when not percent-encoded.
static URL_USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?P<pre>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@"'<>]*:)(?P<pw>[^\s/"'<>]*)@"#)
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
    for re in [&*URL_USERINFO, &*AUTH_HEADER, &*BEARER, &*QUERY_SECRET] {
        if let Cow::Owned(replaced) = re.replace_all(&out, |caps: &regex::Captures<'_>| {
            if &caps["pw"] == MASK {
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
        assert_eq!(redact("redis://user@host"), "redis://user@host");
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
