//! Writing files so that a reader never sees half of one: write a temporary file next to the
//! target, then rename it into place.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// Held for the whole of each write (temporary file, sync, rename). The interrupt handler
/// takes it before exiting, so Ctrl-C lands either before a write (nothing written) or after
/// it (a whole file), never in between, and never leaves a temporary file behind.
static WRITING: Mutex<()> = Mutex::new(());

/// The exit code of a run stopped by SIGINT (128 + 2, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// Makes Ctrl-C (SIGINT) end the process cleanly: wait for a write in progress to finish,
/// say so on stderr, exit with [`INTERRUPTED`]. Without it the default action would kill the
/// process mid-write and leave a stray temporary file next to the output.
pub fn exit_cleanly_on_interrupt() {
    let listener = std::thread::Builder::new().name("sigint".into()).spawn(|| {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        else {
            return;
        };
        if rt.block_on(tokio::signal::ctrl_c()).is_ok() {
            let _writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
            eprintln!("ha-audit: interrupted; no output file was left half-written");
            std::process::exit(i32::from(INTERRUPTED));
        }
    });
    // Without a listener Ctrl-C keeps its default action, which is still safe for readers
    // of the output (the rename is atomic).
    drop(listener);
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, &mut |w| w.write_all(bytes))
}

/// [`write_atomically`] for output written as a stream by `write`.
pub fn write_atomically_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let _writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    let err = |detail: String| Error::Output {
        path: path.to_path_buf(),
        detail,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".ha-audit-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| err(e.to_string()))?;
    {
        let file = tmp.as_file_mut();
        // A large report is flushed to disk while it is still being written, so that the
        // sync before the rename has only the tail left to wait for.
        let early = file.try_clone().ok();
        std::thread::scope(|s| {
            let (flush, flushes) = std::sync::mpsc::sync_channel::<()>(1);
            if let Some(early) = early {
                s.spawn(move || {
                    for () in flushes {
                        // Only a head start: the sync below reports any error.
                        let _ = early.sync_data();
                    }
                });
            }
            let counting = Counting {
                inner: file,
                since_flush: 0,
                flush,
            };
            let mut out = std::io::BufWriter::with_capacity(1 << 20, counting);
            write(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| err(e.to_string()))
        })?;
    }
    tmp.as_file().sync_all().map_err(|e| err(e.to_string()))?;
    tmp.persist(path).map_err(|e| err(e.error.to_string()))?;
    Ok(())
}

/// A writer that asks for an early flush to disk every [`Counting::EVERY`] bytes.
struct Counting<W> {
    inner: W,
    since_flush: usize,
    flush: std::sync::mpsc::SyncSender<()>,
}

impl<W> Counting<W> {
    const EVERY: usize = 128 << 20;
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.since_flush += n;
        if self.since_flush >= Self::EVERY {
            self.since_flush = 0;
            // A flush already pending covers this one too.
            let _ = self.flush.try_send(());
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a report to `output` atomically, or to stdout.
pub fn emit(text: &str, output: Option<&Path>) -> Result<()> {
    match output {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a non-zero exit.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}
