//! An incremental Server-Sent Events scanner: finds event boundaries (a blank line) in the
//! frames of a stream as they pass, holding at most one partial event between frames. In
//! pass-through mode frames go to the client untouched; in strip mode only whole events are
//! forwarded, so one event (OpenAI's injected usage chunk) can be left out.

use std::borrow::Cow;

use bytes::{Bytes, BytesMut};

/// A partial event larger than this is not scanned: it is forwarded and the scanner skips to
/// the next boundary (so memory per stream stays bounded whatever the upstream sends).
pub const MAX_EVENT: usize = 1 << 20;

#[derive(Debug, Default)]
pub struct Scanner {
    /// The start of an event whose end has not arrived yet; while skipping, the last two bytes
    /// seen (a boundary can straddle two frames).
    carry: Vec<u8>,
    /// Inside an oversized event: bytes up to the next boundary are not an event.
    skipping: bool,
}

/// What the caller does with a complete event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Forward,
    Drop,
}

impl Scanner {
    /// Bytes kept until their event ends.
    pub fn pending(&self) -> usize {
        if self.skipping {
            0
        } else {
            self.carry.len()
        }
    }

    /// Scans `frame`, calling `on_event` for every event it completes, and returns what the
    /// client receives now: `frame` itself in pass-through mode, whole forwarded events in strip
    /// mode.
    pub fn feed(
        &mut self,
        frame: Bytes,
        strip: bool,
        mut on_event: impl FnMut(&[u8]) -> Verdict,
    ) -> Bytes {
        if !strip {
            self.scan_only(&frame, &mut on_event);
            return frame;
        }
        if self.carry.is_empty() && !self.skipping {
            return self.strip_fast(frame, &mut on_event);
        }
        // Bytes at the front of `data` that were already forwarded (the skipping tail).
        let forwarded = if self.skipping { self.carry.len() } else { 0 };
        let mut data = std::mem::take(&mut self.carry);
        data.extend_from_slice(&frame);
        let mut out = BytesMut::new();
        let mut at = 0;
        if self.skipping {
            match boundary(&data, 0) {
                Some(end) => {
                    out.extend_from_slice(&data[forwarded..end]);
                    at = end;
                    self.skipping = false;
                }
                None => {
                    out.extend_from_slice(&data[forwarded..]);
                    self.carry = last2(&data);
                    return out.freeze();
                }
            }
        }
        while let Some(end) = boundary(&data, at) {
            if on_event(&data[at..end]) == Verdict::Forward {
                out.extend_from_slice(&data[at..end]);
            }
            at = end;
        }
        if data.len() - at > MAX_EVENT {
            out.extend_from_slice(&data[at..]);
            self.skipping = true;
            self.carry = last2(&data);
        } else {
            data.drain(..at);
            self.carry = data;
        }
        out.freeze()
    }

    /// Strip mode with nothing carried: zero-copy unless an event is dropped.
    fn strip_fast(&mut self, frame: Bytes, on_event: &mut impl FnMut(&[u8]) -> Verdict) -> Bytes {
        let mut cuts = Vec::new();
        let mut at = 0;
        while let Some(end) = boundary(&frame, at) {
            if on_event(&frame[at..end]) == Verdict::Drop {
                cuts.push(at..end);
            }
            at = end;
        }
        let oversized = frame.len() - at > MAX_EVENT;
        let upto = if oversized {
            self.skipping = true;
            self.carry = last2(&frame);
            frame.len()
        } else {
            self.carry.extend_from_slice(&frame[at..]);
            at
        };
        if cuts.is_empty() {
            return frame.slice(..upto);
        }
        let mut out = BytesMut::with_capacity(upto);
        let mut from = 0;
        for c in cuts {
            out.extend_from_slice(&frame[from..c.start]);
            from = c.end;
        }
        out.extend_from_slice(&frame[from..upto]);
        out.freeze()
    }

    /// What is still held when the stream ends: a last event without its blank line. It is
    /// scanned, and returned in strip mode when forwarded.
    pub fn finish(&mut self, strip: bool, mut on_event: impl FnMut(&[u8]) -> Verdict) -> Bytes {
        let rest = std::mem::take(&mut self.carry);
        if rest.is_empty() || self.skipping {
            return Bytes::new();
        }
        let verdict = on_event(&rest);
        if strip && verdict == Verdict::Forward {
            Bytes::from(rest)
        } else {
            Bytes::new()
        }
    }

    fn scan_only(&mut self, frame: &[u8], on_event: &mut impl FnMut(&[u8]) -> Verdict) {
        let mut at = 0;
        if !self.carry.is_empty() {
            // A boundary may straddle the join: look at the carry's last bytes with the frame's first.
            let keep = self.carry.len().min(2);
            let mut join = [0u8; 5];
            join[..keep].copy_from_slice(&self.carry[self.carry.len() - keep..]);
            let head = frame.len().min(3);
            join[keep..keep + head].copy_from_slice(&frame[..head]);
            let end = match boundary(&join[..keep + head], 0) {
                Some(e) => Some(e.saturating_sub(keep)),
                None => boundary(frame, 0),
            };
            let Some(end) = end else {
                if self.skipping {
                    let mut both = std::mem::take(&mut self.carry);
                    both.extend_from_slice(frame);
                    self.carry = last2(&both);
                } else {
                    self.carry.extend_from_slice(frame);
                    if self.carry.len() > MAX_EVENT {
                        self.skipping = true;
                        self.carry = last2(&self.carry);
                    }
                }
                return;
            };
            if !self.skipping {
                self.carry.extend_from_slice(&frame[..end]);
                on_event(&self.carry);
            }
            self.carry.clear();
            self.skipping = false;
            at = end;
        }
        while let Some(end) = boundary(frame, at) {
            on_event(&frame[at..end]);
            at = end;
        }
        let tail = &frame[at..];
        if tail.len() > MAX_EVENT {
            self.skipping = true;
            self.carry = last2(tail);
        } else {
            self.carry.extend_from_slice(tail);
        }
    }
}

fn last2(data: &[u8]) -> Vec<u8> {
    data[data.len().saturating_sub(2)..].to_vec()
}

/// The end (just past the blank line) of the first event starting at or after `from`.
fn boundary(data: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(p) = memchr::memchr(b'\n', &data[i..]) {
        let nl = i + p;
        match data.get(nl + 1) {
            Some(b'\n') => return Some(nl + 2),
            Some(b'\r') if data.get(nl + 2) == Some(&b'\n') => return Some(nl + 3),
            _ => i = nl + 1,
        }
    }
    None
}

/// One event's `event:` name and `data:` payload (several data lines joined by `\n`).
#[derive(Debug, PartialEq)]
pub struct Event<'a> {
    pub name: Option<&'a [u8]>,
    pub data: Cow<'a, [u8]>,
}

pub fn parse(event: &[u8]) -> Event<'_> {
    let mut name = None;
    let mut data: Option<Cow<'_, [u8]>> = None;
    for line in event.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(v) = field(line, b"event") {
            name = Some(v);
        } else if let Some(v) = field(line, b"data") {
            data = Some(match data {
                None => Cow::Borrowed(v),
                Some(prev) => {
                    let mut joined = prev.into_owned();
                    joined.push(b'\n');
                    joined.extend_from_slice(v);
                    Cow::Owned(joined)
                }
            });
        }
    }
    Event {
        name,
        data: data.unwrap_or(Cow::Borrowed(&[])),
    }
}

fn field<'a>(line: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(name)?.strip_prefix(b":")?;
    Some(rest.strip_prefix(b" ").unwrap_or(rest))
}

/// The event's type: its `event:` name, else the `"type"` near the start of its JSON data.
pub fn kind<'e>(event: &'e Event<'_>) -> Option<&'e [u8]> {
    event.name.or_else(|| json_type(&event.data))
}

/// The `"type":"..."` value near the start of a JSON payload (within its first 128 bytes).
pub fn json_type(data: &[u8]) -> Option<&[u8]> {
    let head = &data[..data.len().min(128)];
    let at = memchr::memmem::find(head, b"\"type\":\"")? + 8;
    let len = memchr::memchr(b'"', &data[at..])?;
    Some(&data[at..at + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events_of(frames: &[&str], strip: bool, drop_if: &str) -> (Vec<String>, String) {
        let mut s = Scanner::default();
        let mut seen = Vec::new();
        let mut out = Vec::new();
        let mut cb = |e: &[u8]| {
            let t = String::from_utf8_lossy(e).into_owned();
            let v = if !drop_if.is_empty() && t.contains(drop_if) {
                Verdict::Drop
            } else {
                Verdict::Forward
            };
            seen.push(t);
            v
        };
        for f in frames {
            out.extend_from_slice(&s.feed(Bytes::copy_from_slice(f.as_bytes()), strip, &mut cb));
        }
        out.extend_from_slice(&s.finish(strip, &mut cb));
        (seen, String::from_utf8(out).expect("utf8"))
    }

    #[test]
    fn events_split_anywhere_are_found_once() {
        let stream = "event: a\ndata: {\"x\":1}\n\nevent: b\r\ndata: 2\r\n\r\ndata: [DONE]\n\n";
        for cut in 0..stream.len() {
            for cut2 in cut..stream.len() {
                let frames = [&stream[..cut], &stream[cut..cut2], &stream[cut2..]];
                let (seen, out) = events_of(&frames, false, "");
                assert_eq!(seen.len(), 3, "cuts {cut} {cut2}: {seen:?}");
                assert_eq!(out, stream);
                let (seen, out) = events_of(&frames, true, "b\r");
                assert_eq!(seen.len(), 3, "cuts {cut} {cut2}: {seen:?}");
                assert_eq!(out, "event: a\ndata: {\"x\":1}\n\ndata: [DONE]\n\n");
            }
        }
    }

    #[test]
    fn parses_fields() {
        let e = parse(b"event: message_delta\ndata: {\"a\":1}\n\n");
        assert_eq!(e.name, Some(&b"message_delta"[..]));
        assert_eq!(&*e.data, b"{\"a\":1}");
        let e = parse(b"data:x\ndata: y\n\n");
        assert_eq!(&*e.data, b"x\ny");
        assert_eq!(
            json_type(b"{\"type\":\"response.completed\",\"x\":1}"),
            Some(&b"response.completed"[..])
        );
    }

    #[test]
    fn oversized_events_are_forwarded_not_held() {
        let big = format!("data: {}\n\n", "x".repeat(MAX_EVENT + 10));
        let last = format!("{}data: 1\n\n", &big[big.len() - 2..]);
        let frames = [&big[..10], &big[10..big.len() - 2], last.as_str()];
        for strip in [true, false] {
            let (seen, out) = events_of(&frames, strip, "");
            assert_eq!(out, format!("{big}data: 1\n\n"));
            assert_eq!(seen, vec!["data: 1\n\n".to_string()]);
        }
    }
}
