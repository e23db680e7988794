//! summary.md: the pack's document as GitHub-flavoured Markdown (charts are in report.html).

use super::doc::{Block, Table};

/// Escapes what would break a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(t: &Table) -> String {
    let mut out = String::new();
    let head: Vec<String> = t.head.iter().map(|h| cell(h)).collect();
    out.push_str(&format!("| {} |\n", head.join(" | ")));
    let rule: Vec<&str> = t
        .right
        .iter()
        .map(|r| if *r { "---:" } else { "---" })
        .collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    let last = t.rows.len().saturating_sub(1);
    for (i, row) in t.rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                if t.total_last && i == last && !c.is_empty() {
                    format!("**{}**", cell(c))
                } else {
                    cell(c)
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

pub fn render(blocks: &[Block]) -> String {
    let mut parts = Vec::new();
    for b in blocks {
        match b {
            Block::Title(t) => parts.push(format!("# {t}\n")),
            Block::Heading(h) => parts.push(format!("## {h}\n")),
            Block::Para(p) => parts.push(format!("{p}\n")),
            Block::Bullets(items) => {
                parts.push(items.iter().map(|i| format!("- {i}\n")).collect::<String>())
            }
            Block::Table(t) => parts.push(table(t)),
            Block::Chart(_) => {}
        }
    }
    parts.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_numbers_and_bold_the_total() {
        let t = Table {
            head: vec!["Use case".into(), "Cost".into()],
            right: vec![false, true],
            rows: vec![
                vec!["a|b".into(), "$1.00".into()],
                vec!["Total".into(), "$1.00".into()],
            ],
            total_last: true,
        };
        assert_eq!(
            table(&t),
            "| Use case | Cost |\n|---|---:|\n| a\\|b | $1.00 |\n| **Total** | **$1.00** |\n"
        );
    }
}
