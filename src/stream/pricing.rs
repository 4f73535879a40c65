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

use std::sync::OnceLock;

use super::parse::Usage;

/// The config file's `pricing:` entries, set once at the start of a command.
static OVERRIDES: OnceLock<Vec<(String, Price)>> = OnceLock::new();

/// Installs the config file's `pricing:` entries (model name, or a pattern with `*`), which
/// win over the built-in table. Only the first call counts (one config per process).
pub fn set_overrides(overrides: Vec<(String, Price)>) {
    let _ = OVERRIDES.set(overrides);
}

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

impl Price {
    /// A price from USD per million tokens (as written in the config file), rounded to the
    /// picodollar per token.
    pub fn from_usd_per_mtok(
        input: f64,
        output: f64,
        cache_read: f64,
        cache_write: f64,
    ) -> Result<Price, String> {
        let one = |name: &str, usd: f64| {
            if usd.is_finite() && (0.0..=1e6).contains(&usd) {
                Ok((usd * 1e6).round() as u64)
            } else {
                Err(format!(
                    "{name}: {usd} is not a price in USD per million tokens (0 to 1000000)"
                ))
            }
        };
        Ok(Price {
            input: one("input", input)?,
            output: one("output", output)?,
            cache_read: one("cache_read", cache_read)?,
            cache_write: one("cache_write", cache_write)?,
        })
    }
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

/// The price of `model`: the config file's entry naming it exactly, else its most
/// specific matching pattern (the longest), else the built-in table.
pub fn price_of(model: &str) -> Option<Price> {
    price_with(OVERRIDES.get().map_or(&[][..], Vec::as_slice), model)
}

fn price_with(overrides: &[(String, Price)], model: &str) -> Option<Price> {
    if let Some((_, p)) = overrides.iter().find(|(name, _)| name == model) {
        return Some(*p);
    }
    if let Some((_, p)) = overrides
        .iter()
        .filter(|(pattern, _)| glob_match(pattern, model))
        .max_by_key(|(pattern, _)| pattern.len())
    {
        return Some(*p);
    }
    TABLE
        .iter()
        .filter(|(prefix, _)| model.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, p)| *p)
}

/// Whether `model` matches `pattern`, where `*` stands for any run of characters.
fn glob_match(pattern: &str, model: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = model.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
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
    fn config_entries_win_by_exact_name_then_most_specific_pattern() {
        let p = |usd: f64| {
            Price::from_usd_per_mtok(usd, usd, usd, usd).unwrap_or(Price {
                input: 0,
                output: 0,
                cache_read: 0,
                cache_write: 0,
            })
        };
        let o = vec![
            ("claude-*".to_owned(), p(1.0)),
            ("claude-opus-*".to_owned(), p(2.0)),
            ("my-model".to_owned(), p(0.25)),
        ];
        let input = |m: &str| price_with(&o, m).map(|p| p.input);
        assert_eq!(input("my-model"), Some(250_000));
        assert_eq!(input("my-model-2"), None);
        assert_eq!(input("claude-opus-4-5-20251101"), Some(2_000_000));
        assert_eq!(input("claude-sonnet-4-5"), Some(1_000_000));
        assert_eq!(
            price_with(&[], "claude-sonnet-4-5").map(|p| p.input),
            Some(3_000_000)
        );
        assert!(glob_match("a*b*c", "aXXbYYc") && !glob_match("a*b*c", "aXXcYYb"));
        assert!(Price::from_usd_per_mtok(-1.0, 1.0, 1.0, 1.0).is_err());
        assert!(Price::from_usd_per_mtok(f64::NAN, 1.0, 1.0, 1.0).is_err());
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
