//! The progress display: one line per (account, region) on stderr while a scan runs, with the
//! services read, the requests sent, the time so far, and, when few are left, which services
//! it is still waiting on and whether they are retrying. Drawn only when stderr is a terminal
//! (never into a log file or a CI capture) and not with `--quiet`.

use super::meter::{Meter, ScopeProgress};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A running display; [`Display::stop`] clears it.
pub(crate) struct Display {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Display {
    /// Starts redrawing from `meter` every 100 ms on a thread of its own, so a busy runtime
    /// cannot freeze it.
    pub(crate) fn start(meter: Arc<Meter>) -> Display {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || draw(&meter, &flag))
            .ok();
        Display { stop, thread }
    }

    pub(crate) fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn draw(meter: &Meter, stop: &AtomicBool) {
    let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(10));
    let style = ProgressStyle::with_template(
        "{spinner} {prefix:.bold} {wide_bar} {pos}/{len} services · {msg} · {elapsed}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    let mut bars: BTreeMap<(String, String), ProgressBar> = BTreeMap::new();
    loop {
        let done = stop.load(Ordering::Relaxed);
        for (key, s) in meter.scopes() {
            let bar = bars.entry(key.clone()).or_insert_with(|| {
                let b = multi.add(ProgressBar::new(0).with_style(style.clone()));
                b.set_prefix(format!("{} {}", key.0, key.1));
                b
            });
            bar.set_length(s.services as u64);
            bar.set_position(s.services_done as u64);
            bar.set_message(message(&s));
            if s.services > 0 && s.services_done == s.services && !bar.is_finished() {
                bar.finish();
            }
        }
        if done {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for bar in bars.values() {
        bar.finish_and_clear();
    }
    let _ = multi.clear();
}

/// `37 requests · waiting on backup, efs (retrying DescribeReplicationConfigurations after
/// HTTP 500)`: the services still being read are named once few are left, so a line that
/// stops moving says why.
fn message(s: &ScopeProgress) -> String {
    const NAMED: usize = 4;
    let mut text = format!("{} requests", s.requests);
    let left = s.services.saturating_sub(s.services_done);
    if left == 0 || left > NAMED || s.pending.is_empty() {
        return text;
    }
    let names: Vec<&str> = s.pending.iter().copied().collect();
    text.push_str(" · waiting on ");
    text.push_str(&names.join(", "));
    let notes: Vec<&str> = s.notes.values().map(String::as_str).collect();
    if !notes.is_empty() {
        text.push_str(&format!(" ({})", notes.join("; ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_what_is_still_read() {
        let mut s = ScopeProgress {
            services: 14,
            services_done: 12,
            requests: 37,
            ..Default::default()
        };
        s.pending.insert("efs");
        s.pending.insert("backup");
        s.notes.insert(
            "efs",
            "retrying DescribeReplicationConfigurations after HTTP 500".into(),
        );
        assert_eq!(
            message(&s),
            "37 requests · waiting on backup, efs (retrying DescribeReplicationConfigurations \
             after HTTP 500)"
        );
        s.services_done = 2;
        assert_eq!(message(&s), "37 requests");
    }
}
