//! Response bodies. Upstream frames are forwarded as they arrive; each one is teed into the
//! request's bookkeeping: a stream's frames through the SSE scanner and usage reader, a
//! non-streamed body's frames kept (reference-counted, not copied) for the spool thread to
//! read. When the body ends, breaks off or is dropped by a client that went away, the request
//! is handed to the spool exactly once.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;

use super::record::{End, Finished};
use super::spool::Queue;
use super::sse::Scanner;
use super::usage::StreamReader;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A non-streamed body larger than this is forwarded but not kept for reading usage.
const MAX_KEPT: usize = 32 << 20;

/// What the proxy answers with: its own complete body, or a tracked upstream body.
pub enum ProxyBody {
    Full(Option<Bytes>),
    Tracked(Tracked),
}

impl ProxyBody {
    pub fn full(bytes: Bytes) -> ProxyBody {
        ProxyBody::Full(Some(bytes))
    }
}

impl Body for ProxyBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            ProxyBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            ProxyBody::Tracked(t) => t.poll(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ProxyBody::Full(b) => b.is_none(),
            ProxyBody::Tracked(t) => t.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ProxyBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            ProxyBody::Full(None) => SizeHint::with_exact(0),
            ProxyBody::Tracked(t) => t.size_hint(),
        }
    }
}

/// The bookkeeping of one request while its response streams.
pub struct Flight {
    pub record: Finished,
    pub start: Instant,
    pub spool: Arc<Queue>,
    /// Set for event streams of endpoints with usage.
    pub reader: Option<StreamReader>,
    /// Leave out the usage chunk the proxy asked for.
    pub strip: bool,
    /// Keep the frames of a non-streamed body with usage.
    pub keep: bool,
    pub scanner: Scanner,
    pub frames: Vec<Bytes>,
    pub kept: usize,
}

impl Flight {
    fn on_data(&mut self, data: Bytes) -> Bytes {
        if let Some(reader) = self.reader.as_mut() {
            return self.scanner.feed(data, self.strip, |e| reader.on_event(e));
        }
        if self.keep {
            self.kept += data.len();
            if self.kept <= MAX_KEPT {
                self.frames.push(data.clone());
            } else {
                self.keep = false;
                self.frames = Vec::new();
            }
        }
        data
    }

    /// Hands the request to the spool; returns what a strip-mode scanner still held.
    fn finish(mut self: Box<Self>, end: End) -> Bytes {
        let rest = match self.reader.as_mut() {
            Some(reader) => self.scanner.finish(self.strip, |e| reader.on_event(e)),
            None => Bytes::new(),
        };
        let mut rec = self.record;
        rec.observed = self.reader.map(StreamReader::observed);
        if self.keep {
            rec.body = Some(self.frames);
        }
        rec.send(end, self.start, &self.spool);
        rest
    }
}

/// An upstream body with its request's bookkeeping.
pub struct Tracked {
    inner: Incoming,
    flight: Option<Box<Flight>>,
}

impl Tracked {
    pub fn new(inner: Incoming, flight: Box<Flight>) -> Tracked {
        Tracked {
            inner,
            flight: Some(flight),
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        loop {
            let polled = ready!(Pin::new(&mut self.inner).poll_frame(cx));
            let Some(flight) = self.flight.as_mut() else {
                return Poll::Ready(polled.map(|r| r.map_err(Into::into)));
            };
            match polled {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => {
                        let out = flight.on_data(data);
                        if out.is_empty() {
                            continue;
                        }
                        if flight.record.stream && flight.record.ttft.is_none() {
                            flight.record.ttft = Some(flight.start.elapsed());
                        }
                        return Poll::Ready(Some(Ok(Frame::data(out))));
                    }
                    Err(trailers) => return Poll::Ready(Some(Ok(trailers))),
                },
                Some(Err(e)) => {
                    self.end(End::UpstreamFailed);
                    return Poll::Ready(Some(Err(e.into())));
                }
                None => {
                    let rest = self.end(End::Complete);
                    if rest.is_empty() {
                        return Poll::Ready(None);
                    }
                    return Poll::Ready(Some(Ok(Frame::data(rest))));
                }
            }
        }
    }

    fn end(&mut self, end: End) -> Bytes {
        match self.flight.take() {
            Some(f) => f.finish(end),
            None => Bytes::new(),
        }
    }

    fn is_end_stream(&self) -> bool {
        let holding = self
            .flight
            .as_ref()
            .is_some_and(|f| f.strip && f.scanner.pending() > 0);
        !holding && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        match &self.flight {
            Some(f) if f.strip => SizeHint::default(),
            _ => self.inner.size_hint(),
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        // Dropped after the upstream body ended (hyper stops polling a body of known length
        // once it is sent): complete. Dropped before: the client went away.
        let end = if self.inner.is_end_stream() {
            End::Complete
        } else {
            End::ClientClosed
        };
        self.end(end);
    }
}
