use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = ha_audit::cli::Cli::parse();
    ha_audit::output::exit_cleanly_on_interrupt();
    match ha_audit::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("ha-audit: error: {e}");
            ExitCode::from(2)
        }
    }
}
