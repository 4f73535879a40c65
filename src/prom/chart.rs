//! The terminal line chart of `ccmon query range`: one line per series on a character
//! grid, a y axis with the range of values, a time axis, and a legend, because people read
//! trends, not numbers. Without a terminal (or with `NO_COLOR`) it uses plain ASCII
//! markers and lines, so a chart pasted into a ticket still reads. It returns text; the
//! caller prints it.

use std::fmt::Write as _;

/// Markers per series; a series is told apart by its marker (and colour on a terminal).
const MARKERS: [char; 10] = ['*', '+', 'o', 'x', '#', '@', '%', '&', '=', '$'];
/// ANSI colours per series on a terminal.
const COLORS: [u8; 6] = [32, 33, 36, 35, 34, 31];

/// How to draw.
#[derive(Debug, Clone, Copy)]
pub struct ChartOptions {
    /// Total width in columns, axis labels included.
    pub width: usize,
    /// Rows of the plot area.
    pub height: usize,
    /// Colour and box-drawing characters (terminal only).
    pub decorate: bool,
}

/// One line: a legend name and its `(unix seconds, value)` points in time order.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend text.
    pub name: String,
    /// Points; non-finite values leave a gap.
    pub points: Vec<(f64, f64)>,
}

/// Formats an axis value compactly: `950`, `1.5k`, `2.3M`, `0.004`.
pub fn format_value(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = if a >= 1e12 {
        (v / 1e12, "T")
    } else if a >= 1e9 {
        (v / 1e9, "G")
    } else if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let text = if scaled == 0.0 {
        "0".to_owned()
    } else if scaled.abs() >= 100.0 {
        format!("{scaled:.0}")
    } else if scaled.abs() >= 1.0 {
        format!("{scaled:.2}")
    } else {
        format!("{scaled:.3}")
    };
    // 1.50 → 1.5, 2.00 → 2: trailing zeros carry no information on an axis.
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    format!("{text}{suffix}")
}

fn format_time(secs: f64, span: f64) -> String {
    let Ok(t) = jiff::Timestamp::from_millisecond((secs * 1000.0) as i64) else {
        return "?".into();
    };
    let dt = jiff::tz::TimeZone::UTC.to_datetime(t);
    if span > 86_400.0 {
        format!(
            "{:02}-{:02} {:02}:{:02}",
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute()
        )
    } else if span > 600.0 {
        format!("{:02}:{:02}", dt.hour(), dt.minute())
    } else {
        format!("{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second())
    }
}

/// Draws `lines` over `[start, end]` (unix seconds); points further apart than
/// `1.5 × step` are not joined, so missing data shows as a gap.
pub fn render(lines: &[Line], start: f64, end: f64, step: f64, opts: ChartOptions) -> String {
    let values = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return "no data points in this range\n".to_owned();
    }
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    // An odd height puts the middle label on a row of its own value exactly.
    let height = opts.height.max(3) | 1;
    let labels = [
        format_value(hi),
        format_value((hi + lo) / 2.0),
        format_value(lo),
    ];
    let label_w = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);
    let plot_w = opts.width.saturating_sub(label_w + 2).max(10);
    let span = (end - start).max(1e-9);

    // cell → index of the series drawn there (the last one drawn wins).
    let mut grid: Vec<Vec<Option<usize>>> = vec![vec![None; plot_w]; height];
    let col_of = |t: f64| (((t - start) / span) * (plot_w - 1) as f64).round();
    let row_of = |v: f64| (((hi - v) / (hi - lo)) * (height - 1) as f64).round();
    for (i, line) in lines.iter().enumerate() {
        let mut previous: Option<(f64, f64, f64)> = None; // (time, col, row)
        for &(t, v) in &line.points {
            if !v.is_finite() || t < start - step || t > end + step {
                previous = None;
                continue;
            }
            let (c, r) = (col_of(t), row_of(v));
            match previous {
                Some((pt, pc, pr)) if t - pt <= step * 1.5 => {
                    // Join the points: every column between them, and the rows between
                    // neighbouring columns, so steep changes stay visible.
                    let cols = (c - pc).max(1.0);
                    let mut last_row = pr;
                    for k in 1..=cols as usize {
                        let x = pc + k as f64;
                        let y = (pr + (r - pr) * (k as f64 / cols)).round();
                        let (a, b) = if y < last_row {
                            (y, last_row)
                        } else {
                            (last_row, y)
                        };
                        let mut yy = a;
                        while yy <= b {
                            set(&mut grid, x, yy, i);
                            yy += 1.0;
                        }
                        last_row = y;
                    }
                }
                _ => set(&mut grid, c, r, i),
            }
            previous = Some((t, c, r));
        }
    }

    let (vbar, tick, corner, hbar) = if opts.decorate {
        ('│', '┤', '└', '─')
    } else {
        ('|', '+', '+', '-')
    };
    let mut out = String::new();
    for (row, cells) in grid.iter().enumerate() {
        let label = if row == 0 {
            Some(&labels[0])
        } else if row == (height - 1) / 2 && height > 2 {
            Some(&labels[1])
        } else if row == height - 1 {
            Some(&labels[2])
        } else {
            None
        };
        let _ = write!(
            out,
            "{:>label_w$} {}",
            label.map_or("", String::as_str),
            if label.is_some() { tick } else { vbar }
        );
        let mut line = String::new();
        for cell in cells {
            match cell {
                Some(i) => line.push_str(&marker(*i, opts.decorate)),
                None => line.push(' '),
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{:>label_w$} {corner}{}",
        "",
        hbar.to_string().repeat(plot_w)
    );
    // Time labels: start, middle and end, without overlapping.
    let mut axis = vec![' '; plot_w + 1];
    let first = format_time(start, span);
    let middle = format_time(start + span / 2.0, span);
    let last = format!("{} UTC", format_time(end, span));
    place(&mut axis, 0, &first);
    let mid_at = (plot_w / 2).saturating_sub(middle.chars().count() / 2);
    if mid_at > first.chars().count() + 2
        && mid_at + middle.chars().count() + 2 < plot_w + 1 - last.chars().count()
    {
        place(&mut axis, mid_at, &middle);
    }
    let end_at = (plot_w + 1).saturating_sub(last.chars().count());
    if end_at > first.chars().count() + 1 {
        place(&mut axis, end_at, &last);
    }
    let axis: String = axis.into_iter().collect();
    let _ = writeln!(out, "{:>label_w$} {}", "", axis.trim_end());
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(out, "  {} {}", marker(i, opts.decorate), line.name);
    }
    out
}

fn set(grid: &mut [Vec<Option<usize>>], col: f64, row: f64, series: usize) {
    if col < 0.0 || row < 0.0 {
        return;
    }
    if let Some(cell) = grid
        .get_mut(row as usize)
        .and_then(|r| r.get_mut(col as usize))
    {
        *cell = Some(series);
    }
}

fn place(axis: &mut [char], at: usize, text: &str) {
    for (k, c) in text.chars().enumerate() {
        if let Some(slot) = axis.get_mut(at + k) {
            *slot = c;
        }
    }
}

fn marker(series: usize, decorate: bool) -> String {
    let m = MARKERS[series % MARKERS.len()];
    if decorate {
        format!("\x1b[{}m{m}\x1b[0m", COLORS[series % COLORS.len()])
    } else {
        m.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: ChartOptions = ChartOptions {
        width: 60,
        height: 9,
        decorate: false,
    };

    #[test]
    fn values_format_compactly() {
        let cases = [
            (0.0, "0"),
            (1.5, "1.5"),
            (950.0, "950"),
            (15_000.0, "15k"),
            (2_340_000.0, "2.34M"),
            (0.004, "0.004"),
            (-3.0, "-3"),
        ];
        for (value, want) in cases {
            assert_eq!(format_value(value), want, "{value}");
        }
    }

    #[test]
    fn draws_lines_axes_and_legend() {
        let start = 1_767_168_000.0;
        let rising = Line {
            name: "up{job=\"a\"}".into(),
            points: (0..=60)
                .map(|i| (start + f64::from(i) * 60.0, f64::from(i)))
                .collect(),
        };
        let flat = Line {
            name: "up{job=\"b\"}".into(),
            points: (0..=60)
                .map(|i| (start + f64::from(i) * 60.0, 30.0))
                .collect(),
        };
        let text = render(&[rising, flat], start, start + 3600.0, 60.0, PLAIN);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 9 + 2 + 2, "{text}");
        assert!(lines[0].starts_with("60 +"), "{text}");
        assert!(lines[8].starts_with(" 0 +"), "{text}");
        // The rising line ends top right and starts bottom left.
        assert!(lines[0].ends_with('*'), "{text}");
        assert_eq!(lines[8].chars().nth(4), Some('*'), "{text}");
        // The flat line sits in the middle row, across the whole width.
        assert!(lines.iter().any(|l| l.matches('+').count() > 40), "{text}");
        assert!(
            lines[10].contains("08:00") && lines[10].contains("09:00 UTC"),
            "{text}"
        );
        assert!(
            text.contains("  * up{job=\"a\"}\n  + up{job=\"b\"}\n"),
            "{text}"
        );
        assert!(text.is_ascii());
    }

    #[test]
    fn gaps_are_not_joined_and_nothing_panics() {
        let start = 0.0;
        let gappy = Line {
            name: "x".into(),
            points: vec![
                (0.0, 1.0),
                (10.0, 2.0),
                (500.0, 1.0),
                (510.0, f64::NAN),
                (520.0, 2.0),
            ],
        };
        let text = render(&[gappy], start, 600.0, 10.0, PLAIN);
        assert!(text.contains('*'), "{text}");
        assert_eq!(
            render(&[], 0.0, 1.0, 1.0, PLAIN),
            "no data points in this range\n"
        );
        let weird = Line {
            name: "w".into(),
            points: vec![(-1e300, 1e308), (1e300, -1e308), (5.0, f64::INFINITY)],
        };
        let _ = render(
            &[weird],
            0.0,
            10.0,
            1.0,
            ChartOptions {
                width: 0,
                height: 0,
                decorate: true,
            },
        );
        let one = Line {
            name: "one".into(),
            points: vec![(5.0, 42.0)],
        };
        let text = render(&[one], 0.0, 10.0, 1.0, PLAIN);
        assert!(text.contains("42"), "{text}");
    }
}
