//! Reading spool files from where the last sync stopped. A file's complete lines (each ends in
//! a newline) are parsed; a last line without its newline is the proxy still writing it and is
//! left, named as pending, for the next sync. The offset is an optimisation only: a file that
//! shrank or whose first bytes changed is read again from the start, and request_id keeps that
//! from adding anything twice.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::record::SpoolRecord;

/// How many leading bytes identify a file (see `gateway_spool_files.head_sha256`).
const HEAD_BYTES: u64 = 4096;

/// How far a file has been read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Offset {
    pub bytes_done: u64,
    pub lines_done: u64,
    pub head_sha256: String,
}

/// What one read of a file found.
#[derive(Debug, Default)]
pub struct FileRead {
    /// Parsed records with their 1-based line numbers.
    pub records: Vec<(u64, SpoolRecord)>,
    /// Lines that did not parse: line number and why.
    pub corrupt: Vec<(u64, String)>,
    /// The line number of a last line without its newline.
    pub pending: Option<u64>,
    /// Where the next read starts.
    pub next: Offset,
    /// The offset did not match the file (shrunk or replaced): read from the start.
    pub restarted: bool,
}

/// The spool files of every dir (`requests-*.jsonl`), by file name then dir, so the hours of
/// several instances interleave. A dir that does not exist is an error naming it.
pub fn files(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for dir in dirs {
        let found = crate::proxy::spool::files(dir).map_err(|e| {
            format!(
                "spool dir {} cannot be read: {e}; check path in the source (or [proxy] spool_dir)",
                dir.display()
            )
        })?;
        out.extend(found);
    }
    out.sort_by(|a, b| a.file_name().cmp(&b.file_name()).then_with(|| a.cmp(b)));
    out.dedup();
    Ok(out)
}

/// Reads `path` from `prev` (from the start when `None` or when it no longer fits the file).
pub fn read(path: &Path, prev: Option<&Offset>) -> io::Result<FileRead> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let mut head = Vec::new();
    (&mut f).take(HEAD_BYTES).read_to_end(&mut head)?;
    let fits = |o: &Offset| {
        o.bytes_done <= len && head_hash(&head, o.bytes_done) == o.head_sha256 && o.bytes_done > 0
    };
    let (start, line0, restarted) = match prev {
        Some(o) if fits(o) => (o.bytes_done, o.lines_done, false),
        Some(o) => (0, 0, o.bytes_done > 0),
        None => (0, 0, false),
    };
    f.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let mut out = FileRead {
        restarted,
        ..FileRead::default()
    };
    let mut line = line0;
    for text in bytes[..complete].split_inclusive(|b| *b == b'\n') {
        line += 1;
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            out.corrupt.push((line, "empty line".to_string()));
            continue;
        }
        match SpoolRecord::parse(text) {
            Ok(r) => out.records.push((line, r)),
            Err(why) => out.corrupt.push((line, why)),
        }
    }
    if complete < bytes.len() {
        out.pending = Some(line + 1);
    }
    let bytes_done = start + complete as u64;
    out.next = Offset {
        bytes_done,
        lines_done: line,
        head_sha256: head_hash(&head, bytes_done),
    };
    Ok(out)
}

/// SHA-256 of the first `min(done, 4096)` bytes of the file (`head` holds up to 4096).
fn head_hash(head: &[u8], done: u64) -> String {
    let n = head.len().min(usize::try_from(done).unwrap_or(usize::MAX));
    hex::encode(Sha256::digest(&head[..n]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = r#"{"request_id":"a","provider_request_id":null,"key_hint":null,"started_at":"2026-12-05T10:00:00.000001Z","ended_at":"2026-12-05T10:00:00.000002Z","provider":"OpenAI","endpoint":"/v1/models","model_requested":null,"model":null,"use_case":null,"user":null,"tags":{},"status":200,"outcome":"ok","stream":false,"input_tokens":null,"cached_input_tokens":null,"cache_write_tokens":null,"cache_write_1h_tokens":null,"output_tokens":null,"reasoning_tokens":null,"cost_usd":null,"priced":false,"latency_ms":0.5,"ttft_ms":null}"#;

    fn line(id: &str) -> String {
        A.replace("\"a\"", &format!("\"{id}\""))
    }

    #[test]
    fn reads_on_from_the_offset_and_leaves_a_partial_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("requests-2026120510-x.jsonl");
        std::fs::write(
            &p,
            format!("{}\n{}\n{{\"request_id\":\"c", line("a"), line("b")),
        )
        .expect("write");
        let first = read(&p, None).expect("read");
        assert_eq!(first.records.len(), 2);
        assert_eq!(first.pending, Some(3));
        assert_eq!(first.next.lines_done, 2);
        let rest = format!(
            "{}\nnot json\n",
            line("c").trim_start_matches("{\"request_id\":\"c")
        );
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .and_then(|mut f| std::io::Write::write_all(&mut f, rest.as_bytes()))
            .expect("append");
        let second = read(&p, Some(&first.next)).expect("read");
        let ids: Vec<_> = second
            .records
            .iter()
            .map(|(l, r)| (*l, r.request_id.as_str()))
            .collect();
        assert_eq!(ids, vec![(3, "c")]);
        assert_eq!(second.corrupt.len(), 1);
        assert_eq!(second.corrupt[0].0, 4);
        assert_eq!(second.pending, None);
        assert!(!second.restarted);
        // Replaced by another file: read again from the start.
        std::fs::write(&p, format!("{}\n", line("z"))).expect("replace");
        let third = read(&p, Some(&second.next)).expect("read");
        assert!(third.restarted);
        assert_eq!(third.records[0].1.request_id, "z");
    }
}
