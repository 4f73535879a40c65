//! Test support: real services and the agent stand-in.

pub mod standin;
