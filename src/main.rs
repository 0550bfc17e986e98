use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    gongkai::cli::run(gongkai::cli::Cli::parse())
}
