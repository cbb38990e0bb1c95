use super::{emit, Cli};
use crate::error::{Error, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The completion script for `shell`, generated from the same clap definitions that parse the
/// command line, so it never offers a flag the binary does not take.
pub fn script(shell: Shell) -> Result<String> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ha-audit", &mut buf);
    let script = String::from_utf8(buf)
        .map_err(|e| Error::Usage(format!("the {shell} completion script is not UTF-8: {e}")))?;
    Ok(match shell {
        // clap_complete's bash script escapes a hyphen in the binary's name one way in the
        // loop that finds the subcommand (`ha__audit__subcmd__scan`) and another in the
        // branches that complete its options (`ha__subcmd__audit__subcmd__scan`), so no
        // subcommand's options would ever complete (clap-rs/clap#6421). Spelling the branches
        // as the loop does fixes it; once clap_complete does, there is nothing to replace.
        Shell::Bash => script.replace("ha__subcmd__audit", "ha__audit"),
        _ => script,
    })
}

pub fn run(a: CompletionsArgs) -> Result<u8> {
    emit(&script(a.shell)?, None)?;
    Ok(0)
}
