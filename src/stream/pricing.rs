//! What tokens cost while an agent runs: the `result` line carries the exact cost only at
//! the end of a turn, and an agent can run for hours before it, so the live cost is its
//! tokens times this table. The `result`'s `modelUsage` replaces the estimate when it comes.
//!
//! Prices are kept as whole picodollars (1e-12 USD) per token, so a cost is an exact
//! integer sum: every published price is a whole number of cents per million tokens, and
//! the recorded `costUSD` of a run is reproduced to the last digit, not within a rounding.
//!
//! A model the table does not know has an unknown cost (`None`), never 0: an operator
//! budgeting on a total that silently leaves a model out would be misled.
//!
//! Not covered (the estimate is then low, until the `result` corrects it): long-context
//! surcharges (input over 200k tokens), 1-hour cache writes (twice the input price; the
//! stream's per-message usage does not always split them out).

use super::parse::Usage;

/// The table's date: when its prices were checked against their source.
pub const PRICES_AS_OF: &str = "2025-12-01";

/// Prices of one model, in picodollars (1e-12 USD) per token; `$3 / MTok` is 3_000_000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// Uncached input.
    pub input: u64,
    /// Output.
    pub output: u64,
    /// Input read from the prompt cache.
    pub cache_read: u64,
    /// Input written to the prompt cache (5-minute cache).
    pub cache_write: u64,
}

/// Cents per million tokens as picodollars per token (`per_mtok(300)`, $3 / MTok, is
/// 3_000_000).
const fn per_mtok(cents: u64) -> u64 {
    cents * 10_000
}

const fn price(input: u64, output: u64, cache_read: u64, cache_write: u64) -> Price {
    Price {
        input: per_mtok(input),
        output: per_mtok(output),
        cache_read: per_mtok(cache_read),
        cache_write: per_mtok(cache_write),
    }
}

/// A web search, whatever the model: $10 per 1,000 searches (same source as [`TABLE`]);
/// recorded (claude-clean-simple: one search on Sonnet 4.5).
const WEB_SEARCH: u64 = 10_000_000_000;

/// Model name prefixes and their prices, in cents per million tokens (input, output, cache
/// read, 5-minute cache write). The longest matching prefix wins, so `claude-opus-4-5` is
/// not priced as `claude-opus-4`. Dated by [`PRICES_AS_OF`].
///
/// Source of every line: Anthropic's published price list,
/// <https://docs.claude.com/en/docs/about-claude/pricing>, checked 2025-12-01. Lines marked
/// "recorded" are also checked against a real run's `costUSD` in this module's tests.
const TABLE: &[(&str, Price)] = &[
    // Opus 4.5: $5 / $25, cache read $0.50, write $6.25. Recorded (gleam-basic-query).
    ("claude-opus-4-5", price(500, 2500, 50, 625)),
    // Opus 4 and 4.1: $15 / $75, cache read $1.50, write $18.75.
    ("claude-opus-4-1", price(1500, 7500, 150, 1875)),
    ("claude-opus-4", price(1500, 7500, 150, 1875)),
    // Sonnet 4.5: $3 / $15, cache read $0.30, write $3.75 (up to 200k input tokens).
    // Recorded (claude-clean-simple).
    ("claude-sonnet-4-5", price(300, 1500, 30, 375)),
    // Sonnet 4 and 3.7: same prices as Sonnet 4.5.
    ("claude-sonnet-4", price(300, 1500, 30, 375)),
    ("claude-3-7-sonnet", price(300, 1500, 30, 375)),
    // Haiku 4.5: $1 / $5, cache read $0.10, write $1.25. Recorded (claude-clean-simple).
    ("claude-haiku-4-5", price(100, 500, 10, 125)),
    // Haiku 3.5: $0.80 / $4, cache read $0.08, write $1.
    ("claude-3-5-haiku", price(80, 400, 8, 100)),
];

/// The price of `model`, if the table knows it.
pub fn price_of(model: &str) -> Option<Price> {
    TABLE
        .iter()
        .filter(|(prefix, _)| model.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, p)| *p)
}

/// The cost of `usage` on `model` in picodollars, `None` when the model has no price.
pub fn cost_picos(model: &str, usage: &Usage) -> Option<u128> {
    let p = price_of(model)?;
    let t = |tokens: u64, price: u64| u128::from(tokens) * u128::from(price);
    Some(
        t(usage.input_tokens, p.input)
            + t(usage.output_tokens, p.output)
            + t(usage.cache_read_input_tokens, p.cache_read)
            + t(usage.cache_creation_input_tokens, p.cache_write)
            + t(usage.web_search_requests, WEB_SEARCH),
    )
}

/// The cost of `usage` on `model` in USD, `None` when the model has no price.
pub fn cost_usd(model: &str, usage: &Usage) -> Option<f64> {
    cost_picos(model, usage).map(picos_to_usd)
}

/// Picodollars as USD.
pub fn picos_to_usd(picos: u128) -> f64 {
    picos as f64 / 1e12
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::parse::parse;

    /// Every `modelUsage` entry of `recording`'s result, and the result's `usage` and
    /// `total_cost_usd` with the model of its first assistant line.
    fn checks(recording: &str) -> Vec<(String, Usage, f64)> {
        let mut out = Vec::new();
        let mut model = String::new();
        for line in recording.lines() {
            let p = parse(line.as_bytes());
            if model.is_empty()
                && let Some(m) = &p.model
            {
                model.clone_from(m);
            }
            let Some(r) = p.result else { continue };
            if r.model_usage.is_empty() {
                let (Some(u), Some(c)) = (r.usage, r.total_cost_usd) else {
                    continue;
                };
                out.push((model.clone(), u, c));
            }
            for m in r.model_usage {
                out.push((m.model, m.usage, m.cost_usd.unwrap_or(f64::NAN)));
            }
        }
        out
    }

    #[test]
    fn the_table_reproduces_both_recorded_costs_exactly() {
        let mut seen = Vec::new();
        for recording in [
            include_str!("../../tests/fixtures/stream-json/claude-clean-simple.jsonl"),
            include_str!("../../tests/fixtures/stream-json/gleam-basic-query.ndjson"),
        ] {
            for (model, usage, recorded) in checks(recording) {
                let picos = cost_picos(&model, &usage);
                // The recorded figure is a float sum of the same products: rounded to the
                // picodollar it is the exact integer.
                assert_eq!(
                    picos,
                    Some((recorded * 1e12).round() as u128),
                    "{model}: {usage:?} recorded {recorded}"
                );
                seen.push(model);
            }
        }
        seen.sort();
        assert_eq!(
            seen,
            [
                "claude-haiku-4-5-20251001",
                "claude-opus-4-5-20251101",
                "claude-sonnet-4-5-20250929"
            ]
        );
    }

    #[test]
    fn longest_prefix_wins_and_unknown_models_have_no_price() {
        assert_eq!(
            price_of("claude-opus-4-5-20251101").map(|p| p.input),
            Some(5_000_000)
        );
        assert_eq!(
            price_of("claude-opus-4-20250514").map(|p| p.input),
            Some(15_000_000)
        );
        assert_eq!(price_of("gpt-4o"), None);
        assert_eq!(cost_usd("some-local-model", &Usage::default()), None);
        let u = Usage {
            input_tokens: 1_000_000,
            ..Usage::default()
        };
        assert_eq!(cost_usd("claude-sonnet-4-5", &u), Some(3.0));
    }
}
