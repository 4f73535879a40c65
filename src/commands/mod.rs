//! Command glue: each function takes settings, calls library code, hands typed results to
//! the printer and returns an outcome. `anyhow` context is added here and nowhere deeper.

pub mod alerts;
pub mod context;
pub mod generate;
pub mod query;
pub mod stream;
