//! A one-line progress indicator on stderr for builds that take longer than a second; only on a
//! terminal, and cleared when the build ends so the summary line stands alone.

use crate::pipeline::build::Stage;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Builds shorter than this print no progress at all.
const DELAY: Duration = Duration::from_secs(1);
const TICK: Duration = Duration::from_millis(100);

#[derive(Default)]
struct Line {
    stage: Option<Stage>,
    done: bool,
}

pub struct Progress {
    shared: Arc<(Mutex<Line>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts the indicator's clock; it draws nothing unless stderr is a terminal.
    pub fn start() -> Progress {
        let shared = Arc::new((Mutex::new(Line::default()), Condvar::new()));
        let thread = std::io::stderr().is_terminal().then(|| {
            let shared = shared.clone();
            std::thread::spawn(move || draw(&shared))
        });
        Progress { shared, thread }
    }

    pub fn stage(&self, stage: Stage) {
        if let Ok(mut line) = self.shared.0.lock() {
            line.stage = Some(stage);
        }
    }

    /// Stops drawing and clears the line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Ok(mut line) = self.shared.0.lock() {
            line.done = true;
        }
        self.shared.1.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

fn draw(shared: &(Mutex<Line>, Condvar)) {
    let started = Instant::now();
    let (lock, cvar) = shared;
    let Ok(line) = lock.lock() else { return };
    let Ok((mut line, _)) = cvar.wait_timeout_while(line, DELAY, |l| !l.done) else {
        return;
    };
    let mut drawn = false;
    while !line.done {
        if let Some(stage) = line.stage {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[Kgongkai：{stage} … 已用 {:.1} 秒",
                started.elapsed().as_secs_f64()
            );
            let _ = err.flush();
            drawn = true;
        }
        line = match cvar.wait_timeout_while(line, TICK, |l| !l.done) {
            Ok((l, _)) => l,
            Err(_) => return,
        };
    }
    if drawn {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K");
        let _ = err.flush();
    }
}
