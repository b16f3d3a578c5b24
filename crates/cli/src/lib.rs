//! `countersign`: the command line over Countersign's crates, for terminal users and scripts.
//!
//! The binary (`main.rs`) only calls [`run`]; [`command`] describes the whole command line, so
//! that its man pages and shell completions are generated from the same definition
//! (crates/cli-docs).

mod backup_codes;
mod export;
mod failure;
mod import;
mod json;
mod key;
mod open;
mod passwords;
mod scan;
mod sync;
mod uri;
mod vault;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Two-factor codes, accounts and security keys from the terminal.
// The summary above, not the crate's description, is what --help and the man page's NAME say.
#[derive(Parser)]
#[command(name = "countersign", version)]
struct Cli {
    /// The folder holding the vault (default: $COUNTERSIGN_DATA_DIR, else the platform's data
    /// folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Vault(vault::VaultCommand),
    /// An account's backup (recovery) codes: how many are left, add the ones a site shows, use
    /// the next one.
    BackupCodes {
        #[command(subcommand)]
        command: backup_codes::BackupCodesCommand,
    },
    /// Work with otpauth:// and otpauth-migration:// URIs read from standard input.
    Uri {
        #[command(subcommand)]
        command: uri::UriCommand,
    },
    /// Read another authenticator's export (Aegis, 2FAS, andOTP, Bitwarden, Ente, FreeOTP+,
    /// Proton, Google Authenticator, otpauth:// lists).
    Import(import::ImportArgs),
    /// Read the QR codes in image files or on the screen, and the accounts they hold (--add
    /// adds them to the vault).
    Scan(scan::ScanArgs),
    /// Write the vault's accounts for another app: an encrypted Aegis vault, otpauth:// URIs,
    /// or QR codes to scan with a phone.
    Export(export::ExportArgs),
    /// The vault in a synced folder (Syncthing, Nextcloud, Dropbox, OneDrive, Google Drive):
    /// what merging the other copies did.
    Sync {
        #[command(subcommand)]
        command: sync::SyncCommand,
    },
    /// Merge another copy of this vault (from another machine, a backup) into it.
    Merge(sync::MergeArgs),
    /// USB FIDO2 security keys: info, PIN, passkeys, the registration test, reset.
    Key {
        #[command(subcommand)]
        command: key::KeyCommand,
    },
    /// Verify WebAuthn registrations and assertions offline, check by check.
    Webauthn {
        #[command(subcommand)]
        command: key::WebauthnCommand,
    },
}

/// The `countersign` command line as clap knows it: every subcommand, option and help text.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses the process's arguments, runs the command they name, and returns its exit status.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Vault(command) => vault::run(command, cli.data_dir),
        Command::BackupCodes { command } => backup_codes::run(command, cli.data_dir),
        Command::Uri { command } => uri::run(command),
        Command::Import(args) => import::run(args, cli.data_dir),
        Command::Export(args) => export::run(args, cli.data_dir),
        Command::Scan(args) => scan::run(args, cli.data_dir),
        Command::Sync { command } => sync::run_sync(command, cli.data_dir),
        Command::Merge(args) => sync::run_merge(args, cli.data_dir),
        Command::Key { command } => key::run_key(command),
        Command::Webauthn { command } => key::run_webauthn(command),
    }
}
