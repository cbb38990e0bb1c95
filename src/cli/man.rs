use super::{emit, Cli};
use crate::error::{Error, Result};
use clap::{Args, CommandFactory};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (ha-audit.1, ha-audit-scan.1, ...) into DIR instead of
    /// printing ha-audit.1 to stdout
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// The ha-audit(1) page in roff, generated from the clap definitions: the synopsis, every
/// option and the list of commands stay in step with the binary.
pub fn page() -> Result<String> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| Error::Usage(format!("cannot render the man page: {e}")))?;
    String::from_utf8(buf).map_err(|e| Error::Usage(format!("the man page is not UTF-8: {e}")))
}

fn write_pages(dir: &Path) -> Result<()> {
    let fail = |e: std::io::Error| Error::Output {
        path: dir.to_path_buf(),
        detail: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    clap_mangen::generate_to(Cli::command(), dir).map_err(fail)
}

pub fn run(a: ManArgs) -> Result<u8> {
    match &a.out_dir {
        Some(dir) => write_pages(dir)?,
        None => emit(&page()?, None)?,
    }
    Ok(0)
}
