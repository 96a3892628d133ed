//! Which columns of a table fit a width, shared by the Health and Rollout
//! panes (and the Checklist). Each column says how much it matters, the
//! narrowest width its short form reads in and the width its full form
//! wants. Every column is abbreviated before any is dropped; when even the
//! short forms do not fit, the least important column goes first. Width
//! left over then restores full forms, most important first, and whatever
//! remains goes to a column that fills (a chart).

/// One column of a table, as the fit sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Higher stays longer: the highest is the last to go.
    pub priority: u8,
    /// The narrowest width its cells read in (their short forms).
    pub min: usize,
    /// The width its widest full cell needs.
    pub preferred: usize,
    /// Spaces after it, when a shown column follows.
    pub gap: usize,
    /// Takes the width nobody else wants, beyond `preferred`.
    pub fill: bool,
}

impl Column {
    pub const fn new(priority: u8, min: usize, preferred: usize, gap: usize) -> Self {
        Self {
            priority,
            min,
            preferred: if preferred > min { preferred } else { min },
            gap,
            fill: false,
        }
    }

    pub const fn filling(self) -> Self {
        Self { fill: true, ..self }
    }
}

/// The width each column gets in `width`, or `None` for a dropped one. The
/// widths and the gaps between shown columns never add up to more than
/// `width`, except that the most important column is kept, cut, when nothing
/// else fits.
pub fn fit<const N: usize>(columns: &[Column; N], width: usize) -> [Option<usize>; N] {
    let mut shown = [true; N];
    let span = |shown: &[bool; N], widths: &dyn Fn(&Column) -> usize| {
        let mut total = 0;
        let mut gap = 0;
        for (column, _) in columns.iter().zip(shown).filter(|(_, on)| **on) {
            total += gap + widths(column);
            gap = column.gap;
        }
        total
    };
    while span(&shown, &|c| c.min) > width && shown.iter().filter(|on| **on).count() > 1 {
        // The least important shown column; of equals, the rightmost.
        let dropped = (0..N)
            .filter(|&i| shown[i])
            .min_by_key(|&i| (columns[i].priority, std::cmp::Reverse(i)));
        match dropped {
            Some(i) => shown[i] = false,
            None => break,
        }
    }
    let mut widths = [None; N];
    for (i, column) in columns.iter().enumerate() {
        if shown[i] {
            widths[i] = Some(column.min);
        }
    }
    let used = span(&shown, &|c| c.min);
    if used > width {
        // Only one column is left and it is too wide: it gets what there is.
        return widths.map(|w| w.map(|_| width));
    }
    let mut left = width - used;
    let mut by_importance: Vec<usize> = (0..N).filter(|&i| shown[i]).collect();
    // Stable: of equals, the leftmost grows first.
    by_importance.sort_by_key(|&i| std::cmp::Reverse(columns[i].priority));
    for &i in &by_importance {
        let grow = (columns[i].preferred - columns[i].min).min(left);
        widths[i] = widths[i].map(|w| w + grow);
        left -= grow;
    }
    if let Some(i) = by_importance.iter().copied().find(|&i| columns[i].fill) {
        widths[i] = widths[i].map(|w| w + left);
    }
    widths
}

/// The first of `forms` (the full one first, then shorter ones) that fits
/// `width`; the last one cut with `…` when none does.
pub fn pick(forms: &[&str], width: usize) -> String {
    match forms.iter().find(|form| form.chars().count() <= width) {
        Some(form) => (*form).to_owned(),
        None => clip(forms.last().copied().unwrap_or_default(), width),
    }
}

/// `text` if it fits `width`, else its start and `…`.
pub fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    match width {
        0 => String::new(),
        _ => text.chars().take(width - 1).chain(['…']).collect(),
    }
}

/// A table's header line: each shown column's label (`labels` gives it for
/// its width, and whether it is right-aligned) padded to its width, then its
/// gap; hidden columns leave nothing.
pub fn header(
    widths: &[Option<usize>],
    gaps: &[usize],
    label: impl Fn(usize, usize) -> (String, bool),
) -> String {
    let mut text = String::new();
    for (column, width) in widths.iter().enumerate() {
        let Some(width) = *width else {
            continue;
        };
        let (label, right) = label(column, width);
        let gap = " ".repeat(gaps.get(column).copied().unwrap_or(0));
        text.push_str(&if right {
            format!("{label:>width$}{gap}")
        } else {
            format!("{label:<width$}{gap}")
        });
    }
    text.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: Column = Column::new(9, 10, 20, 1);
    const STATE: Column = Column::new(8, 6, 11, 1);
    const VALUE: Column = Column::new(7, 5, 9, 1);
    const NOTE: Column = Column::new(2, 10, 30, 1);
    const CHART: Column = Column::new(3, 8, 8, 0).filling();

    fn total(columns: &[Column], widths: &[Option<usize>]) -> usize {
        let shown: Vec<(usize, usize)> = columns
            .iter()
            .zip(widths)
            .filter_map(|(c, w)| w.map(|w| (w, c.gap)))
            .collect();
        let gaps: usize = shown.iter().rev().skip(1).map(|(_, gap)| gap).sum();
        shown.iter().map(|(w, _)| w).sum::<usize>() + gaps
    }

    #[test]
    fn wide_enough_shows_every_column_in_full_and_the_filler_takes_the_rest() {
        let columns = [NAME, VALUE, NOTE, STATE, CHART];
        let widths = fit(&columns, 100);
        assert_eq!(
            widths,
            [Some(20), Some(9), Some(30), Some(11), Some(100 - 74)]
        );
        assert_eq!(total(&columns, &widths), 100);
    }

    #[test]
    fn short_forms_come_before_any_column_is_dropped() {
        let columns = [NAME, VALUE, NOTE, STATE, CHART];
        // The short forms take 10+1+5+1+10+1+6+1+8 = 43.
        let widths = fit(&columns, 43);
        assert_eq!(widths, [Some(10), Some(5), Some(10), Some(6), Some(8)]);
        // Width beyond the short forms restores the most important first.
        let widths = fit(&columns, 50);
        assert_eq!(widths, [Some(17), Some(5), Some(10), Some(6), Some(8)]);
        let widths = fit(&columns, 60);
        assert_eq!(widths, [Some(20), Some(7), Some(10), Some(11), Some(8)]);
    }

    #[test]
    fn the_least_important_goes_first_and_name_and_state_last() {
        let columns = [NAME, VALUE, NOTE, STATE, CHART];
        let shown = |width| fit(&columns, width).map(|w| w.is_some());
        assert_eq!(shown(42), [true, true, false, true, true]);
        assert_eq!(shown(31), [true, true, false, true, false]);
        assert_eq!(shown(22), [true, false, false, true, false]);
        assert_eq!(shown(16), [true, false, false, false, false]);
        for width in 0..120 {
            let widths = fit(&columns, width);
            if widths.iter().filter(|w| w.is_some()).count() > 1 {
                assert!(total(&columns, &widths) <= width, "{width}: {widths:?}");
            }
            // Whatever is shown, the name is.
            assert!(widths[0].is_some(), "{width}");
        }
    }

    #[test]
    fn a_lone_column_too_wide_is_cut_to_the_width() {
        assert_eq!(fit(&[NAME, STATE], 4), [Some(4), None]);
    }

    #[test]
    fn pick_takes_the_first_form_that_fits_else_cuts_the_last() {
        assert_eq!(pick(&["progressing", "rolling"], 11), "progressing");
        assert_eq!(pick(&["progressing", "rolling"], 8), "rolling");
        assert_eq!(pick(&["progressing", "rolling"], 4), "rol…");
        assert_eq!(clip("checkout", 0), "");
        assert_eq!(clip("→ 2.4.0", 7), "→ 2.4.0");
    }
}
