//! `countersign`: the command line over Countersign's crates (the library holds it all).

fn main() -> std::process::ExitCode {
    countersign_cli::run()
}
