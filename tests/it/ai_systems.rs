//! ai_systems.csv (issue 15 item 9): the EU AI Act inventory in the monthly pack, from a
//! hand-built bill (FOCUS rows with models) and gateway records; systems only on the bill keep
//! `requests` blank, systems only the gateway saw keep `spend_usd` blank.

use crate::common::{Env, FOCUS_HEADER};
use crate::export::{path, read, run_ok};
use crate::gateway_rows::{ingest, Req};

const CONFIG: &str = r#"
[[use_cases]]
id = "assistant"
name = "In-app assistant"
kind = "feature"
owner = "app-team"
audience = "user-facing"

[[use_cases]]
id = "bot"
name = "Support bot"
kind = "pilot"
owner = "cs-eng"
audience = "internal"

[[rules]]
use_case = "assistant"
match = { sub_account = "proj_assist" }

[[rules]]
use_case = "bot"
match = { sub_account = "proj_bot" }
"#;

fn bill_line(cost: &str, day: &str, provider: &str, sub: &str, model: &str) -> String {
    let month = &day[..7];
    format!(
        "{cost},{cost},{cost},{cost},acct-1,Acme,USD,{month}-01T00:00:00Z,{month}-01T00:00:00Z,Usage,,usage,{day}T00:00:00Z,{day}T23:59:59Z,{provider},{provider},{provider},1,Units,AI and Machine Learning,{provider} API,{sub},\"{{}}\",{model}"
    )
}

#[test]
fn inventory_lists_every_system_in_use_with_where_it_was_seen() {
    let env = Env::new();
    env.write("tollgate.toml", CONFIG);
    let lines = [
        bill_line(
            "10.00",
            "2026-09-15",
            "OpenAI",
            "proj_assist",
            "gpt-5.5-2026-04-23",
        ),
        bill_line(
            "91.00",
            "2026-10-15",
            "OpenAI",
            "proj_assist",
            "gpt-5.5-2026-04-23",
        ),
        bill_line(
            "12.34",
            "2026-10-03",
            "Anthropic",
            "proj_bot",
            "claude-sonnet-5-5",
        ),
        bill_line("7.77", "2026-10-04", "OpenAI", "proj_other", "gpt-4o"),
        // No model: a vector DB, not an AI system of its own.
        bill_line("5.00", "2026-10-05", "Pinecone", "proj_assist", ""),
    ];
    let csv = format!("{FOCUS_HEADER},x_Model\n{}\n", lines.join("\n"));
    let bill = env.write("bill.csv", &csv);
    run_ok(&env, &["import", "focus", path(&bill)]);
    ingest(
        &env,
        &[
            Req::new("a1", "2026-10-02 10:00:00", "assistant"),
            Req::new("a2", "2026-10-20 10:00:00", "assistant"),
            Req::new("a3", "2026-10-31 23:00:00", "assistant"),
            // November: not October's.
            Req::new("a4", "2026-11-02 10:00:00", "assistant"),
            Req {
                provider: "Anthropic",
                model: "claude-haiku-5",
                ..Req::new("h1", "2026-10-09 10:00:00", "assistant")
            },
        ],
    );
    let out = env.path("pack");
    run_ok(&env, &["export", "--month", "2026-10", "--out", path(&out)]);
    assert_eq!(
        read(&out, "ai_systems.csv"),
        "month,use_case,purpose,owner,kind,provider,model,audience,first_seen,last_seen,requests,spend_usd,end_users_pseudonymised,content_stored,seen_in\n\
         2026-10,assistant,In-app assistant,app-team,feature,Anthropic,claude-haiku-5,user-facing,2026-10-09,2026-10-09,1,,yes,no,gateway\n\
         2026-10,assistant,In-app assistant,app-team,feature,OpenAI,gpt-5.5-2026-04-23,user-facing,2026-09-15,2026-10-31,3,91.00,yes,no,bill+gateway\n\
         2026-10,bot,Support bot,cs-eng,pilot,Anthropic,claude-sonnet-5-5,internal,2026-10-03,2026-10-03,,12.34,unknown,no,bill\n\
         2026-10,unallocated,,,,OpenAI,gpt-4o,,2026-10-04,2026-10-04,,7.77,unknown,no,bill\n"
    );
    let summary = read(&out, "summary.md");
    assert!(
        summary.contains("4 AI systems (use case x provider x model) were in use in 2026-10, 2 of them seen by the gateway")
            && summary.contains("- ai_systems.csv"),
        "{summary}"
    );
    let manifest = read(&out, "manifest.json");
    assert!(
        manifest.contains("\"name\": \"ai_systems.csv\""),
        "{manifest}"
    );
}

#[test]
fn an_unknown_audience_is_a_config_error_naming_the_field() {
    let text =
        "[[use_cases]]\nid = \"a\"\nname = \"A\"\nkind = \"feature\"\naudience = \"public\"\n";
    let err = tollgate::config::parse(text, "t.toml")
        .expect_err("audience")
        .to_string();
    assert!(
        err.starts_with("t.toml:5: audience:")
            && err.contains("user-facing")
            && err.contains("internal"),
        "{err}"
    );
}
