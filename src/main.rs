use clap::Parser;

use release_cockpit::cli::Cli;
use release_cockpit::config::paths::Paths;
use release_cockpit::runtime::terminal::install_hooks;
use release_cockpit::startup;

fn main() {
    // Error and panic reports first, so nothing can fail with the terminal in raw mode
    // and no report.
    if let Err(error) = install_hooks() {
        eprintln!("cannot install error reporting: {error}");
        std::process::exit(1);
    }
    let cli = Cli::parse();
    match startup::run(cli, Paths::discover()) {
        Ok(code) => std::process::exit(code),
        Err(report) => {
            eprintln!("{report:?}");
            std::process::exit(1);
        }
    }
}
