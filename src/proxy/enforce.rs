//! Gates that act, at the door: before a request is sent upstream, the control file in force
//! (`control_watch`) and the use case's cap (`caps`) decide whether it may go. A paused use
//! case is refused; a capped one is refused when its worst-case cost does not fit under the
//! cap. Refusals are HTTP 429 in the provider's error shape (`errors::Kind::Refused`) with
//! `x-should-retry: false` and no `retry-after`, and are recorded with outcome `refused`.

use rust_decimal::Decimal;

use super::caps::{Charge, Demand, Refusal};
use super::route::{Endpoint, Provider};
use super::State;
use crate::money::usd;

pub const PAUSED: &str = "tollgate_use_case_paused";
pub const OVER_CAP: &str = "tollgate_use_case_over_cap";
pub const CAP_UNPRICED: &str = "tollgate_use_case_cap_unpriced";

/// Why the request is refused, in the client's words.
#[derive(Debug)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

enum Rule {
    Open,
    Paused { by: String, decision: String },
    Capped(Decimal),
}

/// Lets the request through (with what it owes its use case's meter) or refuses it.
pub fn admit(
    state: &State,
    provider: Provider,
    endpoint: Endpoint,
    use_case: Option<&str>,
    demand: Demand<'_>,
) -> Result<Option<Charge>, Refused> {
    let Some(uc) = use_case else {
        return Ok(None);
    };
    let rule = state.control.with(|c| {
        if c.is_empty() {
            return Rule::Open;
        }
        match c.use_cases.get(uc) {
            Some(u) => match (&u.paused, u.monthly_cap_usd) {
                (Some(p), _) => Rule::Paused {
                    by: p.by.clone(),
                    decision: p.decision.clone(),
                },
                (None, Some(cap)) => Rule::Capped(cap),
                (None, None) => Rule::Open,
            },
            None => Rule::Open,
        }
    });
    if !endpoint.reads_body() {
        // Pass-through endpoints (models, files...) cost nothing; only a pause stops them.
        return match rule {
            Rule::Paused { by, decision } => Err(paused(uc, &by, &decision)),
            _ => Ok(None),
        };
    }
    match rule {
        Rule::Open => Ok(state.caps.track(uc)),
        Rule::Paused { by, decision } => Err(paused(uc, &by, &decision)),
        Rule::Capped(cap) => state
            .caps
            .reserve(uc, cap, provider, endpoint, demand)
            .map_err(|r| refused(uc, r)),
    }
}

fn paused(uc: &str, by: &str, decision: &str) -> Refused {
    Refused {
        code: PAUSED,
        message: format!(
            "tollgate: use case '{uc}' is paused ({decision}, decided by {by}); its requests are refused until it is resumed (tollgate gates decide use-case:{uc} --decision resumed --by NAME)"
        ),
    }
}

fn refused(uc: &str, r: Refusal) -> Refused {
    match r {
        Refusal::OverCap(o) => Refused {
            code: OVER_CAP,
            message: format!(
                "tollgate: use case '{uc}' is over its monthly cap of {}: {} spent or in flight this month, and this request may cost up to ${}; raise monthly_cap_usd in tollgate.toml or wait for next month",
                usd(o.cap),
                usd(o.committed),
                o.worst_case.round_dp(4)
            ),
        },
        Refusal::Unpriced(model) => Refused {
            code: CAP_UNPRICED,
            message: format!(
                "tollgate: use case '{uc}' has a monthly cap, and the cost of a request to {} cannot be bounded (no price in tollgate's table); use a priced model or remove the cap",
                model.map_or_else(|| "no model".to_string(), |m| format!("model '{m}'"))
            ),
        },
    }
}
