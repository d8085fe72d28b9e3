//! The kinds of chart (`[chart] kind = "…"`) and what each needs of a record's data, in one place:
//! the record parser reports a mismatch at its position, the renderer refuses it too.

/// A kind of chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Horizontal bars, one group per row (the default).
    Bar,
    /// Vertical columns, one group per row.
    Column,
    /// One line per value column over the rows, in their order.
    Line,
    /// One horizontal bar per row, made of its values (parts of a whole).
    StackedBar,
    /// One column per row, made of its values.
    StackedColumn,
    /// Shares of one whole: one value column, a slice per row.
    Donut,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Bar,
        Kind::Column,
        Kind::Line,
        Kind::StackedBar,
        Kind::StackedColumn,
        Kind::Donut,
    ];

    /// The name written in `[chart] kind`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Bar => "bar",
            Kind::Column => "column",
            Kind::Line => "line",
            Kind::StackedBar => "stacked-bar",
            Kind::StackedColumn => "stacked-column",
            Kind::Donut => "donut",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Every kind's name, quoted, for a message: `"bar", "column", …`.
    pub fn list() -> String {
        Kind::ALL.map(|k| format!("\"{}\"", k.name())).join(", ")
    }

    /// The known kind nearest to a misspelt `name`, when one is close.
    pub fn nearest(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .map(|k| (strsim::jaro_winkler(name, k.name()), k))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k)
    }

    pub fn is_stacked(self) -> bool {
        matches!(self, Kind::StackedBar | Kind::StackedColumn)
    }

    /// Why this kind cannot draw `series` value columns over `rows` rows, with what to change.
    pub fn shape_problem(self, series: usize, rows: usize) -> Option<(String, String)> {
        match self {
            Kind::Donut if series != 1 => Some((
                format!("a donut chart shows the shares of one whole, but `values` names {series} columns"),
                "keep one column in `values` (e.g. `values = [\"projects\"]`), or use `kind = \"stacked-bar\"` for parts of several wholes".into(),
            )),
            Kind::Line if rows < 2 => Some((
                format!("a line chart needs at least two rows to join, and this record has {rows}"),
                "add the rows of the other years or periods, or use `kind = \"bar\"` for a single row".into(),
            )),
            _ => None,
        }
    }

    /// Why this kind cannot draw a negative value, with what to change.
    pub fn negative_problem(self) -> Option<(String, String)> {
        (self == Kind::Donut || self.is_stacked()).then(|| {
            (
                format!(
                    "a {} chart draws parts of a whole, which cannot be negative",
                    self.name()
                ),
                "check the figure; to show gains and losses use `kind = \"bar\"` or `kind = \"column\"`, which draw negative values below the zero line".into(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_misspellings_find_their_kind() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_name(k.name()), Some(k));
        }
        assert_eq!(Kind::nearest("colum"), Some(Kind::Column));
        assert_eq!(Kind::nearest("stacked-bars"), Some(Kind::StackedBar));
        assert_eq!(Kind::nearest("doughnut"), Some(Kind::Donut));
        assert_eq!(Kind::nearest("pie-chart-of-everything"), None);
        assert!(Kind::list().starts_with("\"bar\", \"column\""));
    }

    #[test]
    fn each_kind_says_what_it_needs() {
        assert!(Kind::Donut.shape_problem(2, 3).is_some());
        assert!(Kind::Line.shape_problem(1, 1).is_some());
        assert!(Kind::Line.shape_problem(2, 2).is_none());
        assert!(Kind::StackedBar.negative_problem().is_some());
        assert!(Kind::Bar.negative_problem().is_none());
    }
}
