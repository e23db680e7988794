//! The input thread: polls the terminal and forwards its events to the UI loop's channel, so
//! one channel carries both keys and DB answers. Stops when asked or when the loop is gone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use ratatui::crossterm::event;

use super::Msg;

const POLL: Duration = Duration::from_millis(100);

pub struct Input {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

pub fn spawn(out: Sender<Msg>) -> std::io::Result<Input> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("tollgate-input".to_string())
        .spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                let next = match event::poll(POLL) {
                    Ok(false) => continue,
                    Ok(true) => event::read(),
                    Err(e) => Err(e),
                };
                let msg = match next {
                    Ok(ev) => Msg::Term(ev),
                    Err(e) => Msg::InputFailed(e.to_string()),
                };
                let failed = matches!(msg, Msg::InputFailed(_));
                if out.send(msg).is_err() || failed {
                    return;
                }
            }
        })?;
    Ok(Input {
        stop,
        thread: Some(thread),
    })
}

impl Drop for Input {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
