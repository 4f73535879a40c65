//! The secrets `ccmon scaffold` reads from `docker/secrets/` or creates there when absent:
//! the web password (random, with its bcrypt hash for the web config) and a local CA with
//! one server certificate for every name of the stack. Existing files are always used as
//! they are, so real certificates and a chosen password replace the generated ones by
//! simply being put in place. Nothing here writes: new files come back as
//! [`SecretFile`]s for the plan, so `--dry-run` creates nothing.

use std::io;
use std::path::Path;

use super::secure::{self, TLS_CA, TLS_CERT, TLS_KEY, WEB_PASSWORD};
use super::{Options, ScaffoldError};

/// bcrypt cost of the password hash: 2^10 rounds, the floor OWASP recommends; Prometheus
/// and Alertmanager cache a verified password, so it is paid once per connection burst.
pub const BCRYPT_COST: u32 = 10;

/// Bytes of randomness in a generated password (hex-encoded: 48 characters).
const PASSWORD_BYTES: usize = 24;

/// How long the generated certificates are valid, in days. The server certificate is
/// short enough for the blackbox certificate alerts to remind the operator to replace it.
const CA_DAYS: i64 = 3650;
const SERVER_DAYS: i64 = 397;

/// A secret file to create.
#[derive(Debug, Clone)]
pub struct SecretFile {
    /// Relative path, `/`-separated.
    pub path: &'static str,
    /// Contents.
    pub contents: String,
}

/// What the rendering needs from the secrets, and the secret files to create.
#[derive(Debug, Clone, Default)]
pub struct Secrets {
    /// The bcrypt hash of the web password, with `--basic-auth`.
    pub password_hash: Option<String>,
    /// Files that do not exist yet.
    pub create: Vec<SecretFile>,
    /// What is wrong with secrets that exist and are used as they are (a certificate
    /// that does not name a host the stack needs); said, not refused, since real
    /// certificates may be issued differently.
    pub warnings: Vec<String>,
}

/// Reads the secrets under `dir`, generating what is missing.
pub fn prepare(dir: &Path, options: &Options) -> Result<Secrets, ScaffoldError> {
    let mut secrets = Secrets::default();
    if let Some(user) = &options.basic_auth {
        let path = dir.join(WEB_PASSWORD);
        let password = match read_optional(&path)? {
            Some(text) => {
                // As Prometheus and ccmon read a password file: without the final newline.
                let p = text.trim_end_matches(['\n', '\r']).to_owned();
                if p.is_empty() {
                    return Err(ScaffoldError::EmptyPassword(path));
                }
                p
            }
            None => {
                let p = random_hex(PASSWORD_BYTES)?;
                secrets.create.push(SecretFile {
                    path: WEB_PASSWORD,
                    contents: p.clone(),
                });
                p
            }
        };
        let existing = read_optional(&dir.join(secure::WEB_CONFIG))?
            .and_then(|text| secure::existing_hash(&text, user))
            .filter(|hash| bcrypt::verify(&password, hash).unwrap_or(false));
        let hash = match existing {
            Some(h) => h,
            None => bcrypt::hash(&password, BCRYPT_COST)
                .map_err(|e| ScaffoldError::Crypto(format!("bcrypt: {e}")))?,
        };
        secrets.password_hash = Some(hash);
    }
    if options.tls {
        let files = [TLS_CA, TLS_CERT, TLS_KEY];
        let present: Vec<bool> = files.iter().map(|f| dir.join(f).exists()).collect();
        if present.iter().all(|p| !p) {
            let now = jiff::Timestamp::now();
            let (ca, cert, key) = certificates(&secure::certificate_hosts(options), now)?;
            for (path, contents) in [(TLS_CA, ca), (TLS_CERT, cert), (TLS_KEY, key)] {
                secrets.create.push(SecretFile { path, contents });
            }
        } else if present.iter().all(|p| *p) {
            let ca = read_optional(&dir.join(TLS_CA))?.unwrap_or_default();
            let cert = read_optional(&dir.join(TLS_CERT))?.unwrap_or_default();
            secrets.warnings.extend(
                check_certificate(&ca, &cert, &secure::certificate_hosts(options))
                    .into_iter()
                    .map(|problem| format!("{}: {problem}", dir.join(TLS_CERT).display())),
            );
        } else {
            let missing = files
                .iter()
                .zip(&present)
                .filter(|(_, p)| !**p)
                .map(|(f, _)| dir.join(f))
                .collect();
            return Err(ScaffoldError::TlsIncomplete(missing));
        }
    }
    Ok(secrets)
}

fn read_optional(path: &Path) -> Result<Option<String>, ScaffoldError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ScaffoldError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// `n` random bytes from the operating system, hex-encoded (safe in URLs, shells, YAML).
fn random_hex(n: usize) -> Result<String, ScaffoldError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf)
        .map_err(|e| ScaffoldError::Crypto(format!("no randomness from the OS: {e}")))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// A CA (whose key is thrown away: nothing else can be signed with it) and a server
/// certificate for `hosts` signed by it, as PEM: (CA certificate, certificate, key).
pub fn certificates(
    hosts: &[String],
    now: jiff::Timestamp,
) -> Result<(String, String, String), ScaffoldError> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let err = |what: &str| {
        let what = what.to_owned();
        move |e: rcgen::Error| ScaffoldError::Crypto(format!("{what}: {e}"))
    };
    // Whole days are precise enough for validity, and keep the `time` crate (rcgen's
    // date type) out of our own dependencies.
    let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();
    let at = |days: i64| {
        let d = today
            .checked_add(jiff::Span::new().days(days))
            .unwrap_or(today);
        rcgen::date_time_ymd(i32::from(d.year()), d.month() as u8, d.day() as u8)
    };
    let ca_key = KeyPair::generate().map_err(err("CA key"))?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err("CA"))?;
    ca.distinguished_name
        .push(DnType::CommonName, "ccmon monitoring stack local CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = at(-1);
    ca.not_after = at(CA_DAYS);
    let ca_cert = ca.self_signed(&ca_key).map_err(err("CA certificate"))?;
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate().map_err(err("server key"))?;
    let mut server = CertificateParams::new(hosts.to_vec()).map_err(err("--tls-hosts"))?;
    server
        .distinguished_name
        .push(DnType::CommonName, "ccmon monitoring stack");
    server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.use_authority_key_identifier_extension = true;
    server.not_before = at(-1);
    server.not_after = at(SERVER_DAYS);
    let cert = server
        .signed_by(&key, &issuer)
        .map_err(err("server certificate"))?;
    Ok((ca_cert.pem(), cert.pem(), key.serialize_pem()))
}

/// Whether `cert` (PEM, the server certificate first, then intermediates) is valid now for
/// each of `hosts` when `ca` is the trust anchor, as a client of the stack will check it;
/// one message per failing host.
pub fn check_certificate(ca: &str, cert: &str, hosts: &[String]) -> Vec<String> {
    use rustls_pki_types::pem::PemObject as _;
    use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::client::danger::ServerCertVerifier as _;

    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca.as_bytes()).flatten() {
        let _ = roots.add(c);
    }
    if roots.is_empty() {
        return vec!["ca.crt holds no PEM certificate".into()];
    }
    let chain: Vec<CertificateDer<'_>> = CertificateDer::pem_slice_iter(cert.as_bytes())
        .flatten()
        .collect();
    let Some((leaf, intermediates)) = chain.split_first() else {
        return vec!["server.crt holds no PEM certificate".into()];
    };
    let verifier = match rustls::client::WebPkiServerVerifier::builder(roots.into()).build() {
        Ok(v) => v,
        Err(e) => return vec![format!("cannot check it: {e}")],
    };
    let now = UnixTime::now();
    hosts
        .iter()
        .filter_map(|host| {
            let name = ServerName::try_from(host.as_str()).ok()?.to_owned();
            verifier
                .verify_server_cert(leaf, intermediates, &name, &[], now)
                .err()
                .map(|e| format!("not valid for {host} ({e})"))
        })
        .collect()
}
