//! A value axis: round ticks ("nice numbers": steps of 1, 2 or 5 times a power of ten) over a
//! range that always holds zero, so that every bar starts at a zero baseline.

/// The ticks of an axis from `lo` to `hi`, both ticks themselves.
#[derive(Debug, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
}

impl Axis {
    /// About `target` ticks over the data's range and zero.
    pub fn new(min: f64, max: f64, target: usize) -> Axis {
        let (lo, hi) = (min.min(0.0), max.max(0.0));
        let span = if hi > lo { hi - lo } else { 1.0 };
        let step = nice_step(span / target.max(1) as f64);
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil().max(if lo == 0.0 { 1.0 } else { 0.0 }) * step;
        let n = ((hi - lo) / step).round() as i64;
        let decimals = (-step.log10().floor()).max(0.0) as i32;
        let round = |v: f64| {
            let f = 10f64.powi(decimals);
            (v * f).round() / f + 0.0
        };
        let ticks = (0..=n).map(|i| round(lo + i as f64 * step)).collect();
        Axis {
            lo: round(lo),
            hi: round(hi),
            ticks,
        }
    }

    /// Where `v` falls between `lo` (0) and `hi` (1).
    pub fn fraction(&self, v: f64) -> f64 {
        (v - self.lo) / (self.hi - self.lo)
    }
}

/// The round step nearest above `raw`: 1, 2, 5 or 10 times a power of ten.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data_and_zero() {
        let a = Axis::new(0.0, 2964.0, 4);
        assert_eq!(a.ticks, [0.0, 1000.0, 2000.0, 3000.0]);
        let a = Axis::new(-120.0, 340.0, 4);
        assert_eq!(a.ticks, [-200.0, 0.0, 200.0, 400.0]);
        let a = Axis::new(0.1, 0.7, 4);
        assert_eq!(a.ticks, [0.0, 0.2, 0.4, 0.6, 0.8]);
        let a = Axis::new(-5.0, -1.0, 4);
        assert_eq!((a.lo, a.hi), (-6.0, 0.0));
        assert!(a.ticks.iter().all(|t| (t / 2.0).fract() == 0.0));
    }

    #[test]
    fn an_all_zero_range_still_has_an_axis() {
        let a = Axis::new(0.0, 0.0, 4);
        assert!(a.lo == 0.0 && a.hi > 0.0, "{a:?}");
        assert!(a.fraction(0.0) == 0.0);
    }
}
