//! A minimal Redis client speaking RESP2 over `std::net::TcpStream`, enough for readiness
//! probes and self-tests (PING, SET/GET, DBSIZE, XLEN...): one connection per command, every
//! step bounded by a timeout, replies parsed into [`Resp`]. Tests of the product talk to Redis
//! through ccmon itself; this only checks what landed there.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One RESP2 reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resp {
    Simple(String),
    Error(String),
    Integer(i64),
    /// `None` is the nil bulk string (`$-1`), e.g. GET of a missing key.
    Bulk(Option<Vec<u8>>),
    /// `None` is the nil array (`*-1`).
    Array(Option<Vec<Resp>>),
}

impl Resp {
    /// The reply as text: simple strings and bulk strings; None for nil and other kinds.
    pub fn text(&self) -> Option<String> {
        match self {
            Resp::Simple(s) => Some(s.clone()),
            Resp::Bulk(Some(b)) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        }
    }

    /// The reply as an integer (DBSIZE, XLEN, INCR...).
    pub fn integer(&self) -> Option<i64> {
        match self {
            Resp::Integer(n) => Some(*n),
            _ => None,
        }
    }

    /// True for `$-1` and `*-1`.
    pub fn is_nil(&self) -> bool {
        matches!(self, Resp::Bulk(None) | Resp::Array(None))
    }
}

/// Sends one command (`args[0]` is the command name) and reads its reply; a Redis error reply
/// is `Ok(Resp::Error(..))`, only transport and protocol failures are `Err`.
pub fn command(addr: SocketAddr, args: &[&str], timeout: Duration) -> io::Result<Resp> {
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut request = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        request.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        request.extend_from_slice(arg.as_bytes());
        request.extend_from_slice(b"\r\n");
    }
    (&stream).write_all(&request)?;
    read_reply(&mut BufReader::new(stream))
}

fn read_reply(reader: &mut impl BufRead) -> io::Result<Resp> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed before a reply",
        ));
    }
    let line = line.trim_end_matches("\r\n");
    let (kind, rest) = line.split_at(line.len().min(1));
    let number = || {
        rest.parse::<i64>()
            .map_err(|_| protocol(format!("bad length or integer in {line:?}")))
    };
    Ok(match kind {
        "+" => Resp::Simple(rest.to_owned()),
        "-" => Resp::Error(rest.to_owned()),
        ":" => Resp::Integer(number()?),
        "$" => match usize::try_from(number()?) {
            Err(_) => Resp::Bulk(None),
            Ok(len) => {
                let mut buf = vec![0; len + 2];
                reader.read_exact(&mut buf)?;
                buf.truncate(len);
                Resp::Bulk(Some(buf))
            }
        },
        "*" => match usize::try_from(number()?) {
            Err(_) => Resp::Array(None),
            Ok(n) => Resp::Array(Some(
                (0..n)
                    .map(|_| read_reply(reader))
                    .collect::<io::Result<_>>()?,
            )),
        },
        _ => return Err(protocol(format!("unknown reply type in {line:?}"))),
    })
}

fn protocol(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

#[cfg(test)]
mod tests {
    use super::{Resp, read_reply};

    #[test]
    fn parses_nested_and_nil_replies() {
        let mut input: &[u8] = b"*3\r\n$3\r\nfoo\r\n$-1\r\n:7\r\n";
        let reply = read_reply(&mut input).expect("array reply parses");
        assert_eq!(
            reply,
            Resp::Array(Some(vec![
                Resp::Bulk(Some(b"foo".to_vec())),
                Resp::Bulk(None),
                Resp::Integer(7)
            ]))
        );
    }
}
