//! Calendar quarters (`YYYY-Qn`), the unit of the board's pack: Q1 = January to March, and so
//! on, in UTC like every month.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::month::Month;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u32,
}

impl Quarter {
    /// The quarter `m` is in.
    pub fn of(m: Month) -> Quarter {
        Quarter {
            year: m.year,
            q: (m.month - 1) / 3 + 1,
        }
    }

    pub fn first_month(self) -> Month {
        Month {
            year: self.year,
            month: (self.q - 1) * 3 + 1,
        }
    }

    /// Its three months, in order.
    pub fn months(self) -> [Month; 3] {
        let first = self.first_month();
        [first, first.plus(1), first.plus(2)]
    }

    pub fn first_day(self) -> NaiveDate {
        self.first_month().first_day()
    }

    /// The first day after it.
    pub fn end_day(self) -> NaiveDate {
        self.first_month().plus(3).first_day()
    }

    pub fn prev(self) -> Quarter {
        Quarter::of(self.first_month().plus(-3))
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| {
            format!("'{s}' is not a quarter ({why}); write it as YYYY-Qn with n from 1 to 4, e.g. 2026-Q3")
        };
        let (y, q) = s
            .trim()
            .split_once("-Q")
            .or_else(|| s.trim().split_once("-q"))
            .ok_or_else(|| bad("no -Q"))?;
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the year must have four digits"));
        }
        let year: i32 = y.parse().map_err(|_| bad("bad year"))?;
        match q {
            "1" | "2" | "3" | "4" => Ok(Quarter {
                year,
                q: q.parse().map_err(|_| bad("bad quarter"))?,
            }),
            _ => Err(bad("there are four quarters, Q1 to Q4")),
        }
    }
}

impl serde::Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_names_bad_quarters() {
        let q: Quarter = "2026-Q3".parse().expect("quarter");
        assert_eq!(q, Quarter { year: 2026, q: 3 });
        assert_eq!(q.to_string(), "2026-Q3");
        assert_eq!(
            q.months().map(|m| m.to_string()),
            ["2026-07", "2026-08", "2026-09"]
        );
        assert_eq!(q.prev().to_string(), "2026-Q2");
        assert_eq!(
            "2026-Q1".parse::<Quarter>().expect("q1").prev().to_string(),
            "2025-Q4"
        );
        assert_eq!(q.end_day().to_string(), "2026-10-01");
        assert_eq!(
            Quarter::of("2026-12".parse().expect("m")).to_string(),
            "2026-Q4"
        );
        for bad in [
            "2026-Q5", "2026-Q0", "2026-07", "26-Q1", "2026-Q", "2026-Q01", "2026-Q1x",
        ] {
            let e = bad.parse::<Quarter>().expect_err(bad);
            assert!(e.contains(bad) && e.contains("YYYY-Qn"), "{e}");
        }
    }
}
