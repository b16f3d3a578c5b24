//! `countersign sync status` and `countersign merge FILE`: the vault kept in a synced folder
//! (Syncthing, Nextcloud, Dropbox...) from the terminal.
//!
//! Every command that opens the vault for writing already merges what a sync engine left (see
//! `open::unlock`); these two show it, and merge a copy the person names.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use countersign_vault::{CopyOutcome, DiskOutcome, MergeError};

use crate::failure::{EXIT_STATUS_HELP, Failure, finish};
use crate::open::{Access, data_dir, store, unlock, unlock_and_sync};
use crate::vault::PasswordSource;

/// The `sync` commands.
#[derive(Subcommand)]
pub enum SyncCommand {
    /// Merge what the sync engine left and tell what it was: the vault's path, whether the
    /// file on disk held changes from elsewhere, and each conflict copy seen beside it, merged
    /// and removed, or left alone and why (another vault, another key, damaged).
    #[command(after_help = EXIT_STATUS_HELP)]
    Status {
        #[command(flatten)]
        password: PasswordSource,
    },
}

/// `countersign merge FILE`.
#[derive(Args)]
pub struct MergeArgs {
    #[command(flatten)]
    password: PasswordSource,
    /// Another copy of this vault (from another machine, a backup, a conflict copy). A file of
    /// another vault, or one this vault's key does not open, is refused and nothing changes.
    file: PathBuf,
    /// The copy is under another key (the password was changed on one machine while the other
    /// changed the vault): open it with its own password, asked after the vault's (with
    /// --password-stdin, the next line).
    #[arg(long)]
    file_password: bool,
}

/// Runs a `sync` command.
pub fn run_sync(command: SyncCommand, data_dir_arg: Option<PathBuf>) -> ExitCode {
    let _ = countersign_vault::disable_core_dumps();
    finish(match command {
        SyncCommand::Status { password } => status(data_dir_arg, &password),
    })
}

/// Runs `merge`.
pub fn run_merge(args: MergeArgs, data_dir_arg: Option<PathBuf>) -> ExitCode {
    let _ = countersign_vault::disable_core_dumps();
    finish(merge(data_dir_arg, &args))
}

fn status(data_dir_arg: Option<PathBuf>, source: &PasswordSource) -> Result<(), Failure> {
    let store = store(&data_dir(data_dir_arg)?, Access::Write)?;
    let (vault, report) = unlock_and_sync(&store, &mut source.passwords(), false)?;
    let report = report.expect("a writable store syncs");
    println!("vault: {}", report.vault.display());
    println!(
        "file on disk: {}",
        match &report.disk {
            DiskOutcome::Unchanged => "as last saved here or read".to_owned(),
            DiskOutcome::Merged { saved: true } => "held changes from elsewhere: merged".into(),
            DiskOutcome::Merged { saved: false } => "held changes from elsewhere: taken".into(),
            DiskOutcome::LeftAlone(error) => format!("not merged: {error}"),
            _ => "changed".into(),
        }
    );
    println!("conflict copies: {}", report.copies.len());
    for copy in &report.copies {
        let outcome = match &copy.outcome {
            CopyOutcome::Merged => "merged and removed".to_owned(),
            CopyOutcome::LeftAlone(error) => format!("left alone: {error}"),
            _ => "seen".into(),
        };
        println!(
            "  {} ({}): {outcome}",
            copy.path.display(),
            copy.engine.name()
        );
    }
    println!(
        "accounts: {}, generation {}",
        vault.entries().len(),
        vault.generation()
    );
    Ok(())
}

fn merge(data_dir_arg: Option<PathBuf>, args: &MergeArgs) -> Result<(), Failure> {
    let store = store(&data_dir(data_dir_arg)?, Access::Write)?;
    let mut passwords = args.password.passwords();
    let mut vault = unlock(&store, &mut passwords, false)?;
    let file = args.file.display();
    let result = if args.file_password {
        let password = passwords.next(&format!("the password of {file}"))?;
        vault.merge_file_with_password(&args.file, &password)
    } else {
        vault.merge_file(&args.file)
    };
    match result {
        Ok(true) => {
            println!(
                "merged {file}: the vault holds {} account(s)",
                vault.entries().len()
            );
            Ok(())
        }
        Ok(false) => {
            println!("{file} holds nothing this vault lacks: nothing changed");
            Ok(())
        }
        Err(MergeError::OtherKey) => Err(Failure::NotMerged(format!(
            "{file}: {}; nothing was changed (if its password is another, use --file-password)",
            MergeError::OtherKey
        ))),
        Err(MergeError::Save(error)) => Err(error.into()),
        Err(MergeError::Unreadable(error)) => Err(Failure::io(format!("{file}: {error}"))),
        Err(error) => Err(Failure::NotMerged(format!(
            "{file}: {error}; nothing was changed"
        ))),
    }
}
