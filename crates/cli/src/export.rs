//! `countersign export`: the vault's accounts in a form other apps read, so nobody is locked in.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use countersign_backup::{
    Account, QrCode, export_account_qr, export_aegis_encrypted, export_migration_qr, export_uris,
};
use countersign_vault::{Entry, backup_file, calibrate};
use zeroize::Zeroizing;

use crate::import::{Failure, Passwords, open_vault};

/// The formats `export` writes.
#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// An encrypted Countersign backup (the vault format with a password slot only), under a
    /// password of its own: every account field, ids and times kept.
    Countersign,
    /// An encrypted Aegis vault (Aegis for Android imports it), under a password of its own.
    Aegis,
    /// otpauth:// URIs, one per line, in plain text: any authenticator reads them.
    Uris,
    /// Google Authenticator migration QR codes (10 accounts each), as SVG files in a folder.
    MigrationQr,
    /// One otpauth:// QR code per account, as SVG files in a folder.
    AccountQr,
}

/// What to export, and where.
#[derive(Args)]
pub struct ExportArgs {
    /// The format to write.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// The file to write (a folder for the QR formats); it must not exist yet.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Read passwords from standard input, one per line: the vault's, then (for countersign
    /// and aegis) the export's. Otherwise they are asked on the terminal.
    #[arg(long)]
    password_stdin: bool,
}

/// Runs `countersign export`.
pub fn run(args: ExportArgs, data_dir: Option<PathBuf>) -> ExitCode {
    match export(&args, data_dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn export(args: &ExportArgs, data_dir: Option<PathBuf>) -> Result<(), Failure> {
    let mut passwords = Passwords::new(args.password_stdin);
    // Exporting hands out every secret: the vault's password is asked even when the OS keyring
    // could open it.
    let vault = open_vault(data_dir, &mut passwords, true)?;
    let entries: Vec<Entry> = vault.entries().to_vec();
    drop(vault);
    let accounts: Vec<Account> = entries.iter().map(|entry| entry.account.clone()).collect();
    let out = &args.out;
    match args.format {
        ExportFormat::Countersign => {
            let password = new_password(&mut passwords, "the backup")?;
            // Argon2id calibrated here, like the vault's own password slot.
            let bytes = backup_file::write(&entries, &password, calibrate())?;
            write_new(out, &bytes)?;
        }
        ExportFormat::Aegis => {
            let password = new_password(&mut passwords, "the Aegis file")?;
            write_new(out, export_aegis_encrypted(&accounts, &password).as_bytes())?;
        }
        ExportFormat::Uris => write_new(out, export_uris(&accounts).as_bytes())?,
        ExportFormat::MigrationQr => {
            let export = export_migration_qr(&accounts, countersign_otp::DEFAULT_BATCH_SIZE)
                .map_err(|e| Failure::input(e.to_string()))?;
            for (index, limit) in &export.left_out {
                eprintln!(
                    "countersign: left out {}: {limit}",
                    accounts[*index].display_name()
                );
            }
            write_codes(out, &export.codes)?;
        }
        ExportFormat::AccountQr => {
            let codes = export_account_qr(&accounts).map_err(|e| Failure::input(e.to_string()))?;
            write_codes(out, &codes)?;
        }
    }
    eprintln!(
        "countersign: exported {} account(s) to {}",
        accounts.len(),
        out.display()
    );
    Ok(())
}

/// A password for an encrypted export (`what` names it): asked twice on a terminal, never empty.
fn new_password(passwords: &mut Passwords, what: &str) -> Result<Zeroizing<String>, Failure> {
    let password = passwords.next(&format!("a password for {what}"))?;
    if !passwords.read_from_stdin() && *passwords.next("that password again")? != *password {
        return Err(Failure::input("the two passwords differ"));
    }
    if password.is_empty() {
        return Err(Failure::input(format!("{what} needs a password")));
    }
    Ok(password)
}

/// Writes a new file only the user can read: it holds secrets, and must not replace anything.
fn write_new(path: &Path, contents: &[u8]) -> Result<(), Failure> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write = |mut file: std::fs::File| -> io::Result<()> {
        file.write_all(contents)?;
        file.sync_all()
    };
    options
        .open(path)
        .and_then(write)
        .map_err(|e| Failure::io(format!("{}: {e}", path.display())))
}

/// Writes each code as `NN.svg` in a new folder, numbered in the order to scan them.
fn write_codes(dir: &Path, codes: &[QrCode]) -> Result<(), Failure> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Failure::io(format!("{}: {e}", dir.display())))?;
    for (index, code) in codes.iter().enumerate() {
        write_new(
            &dir.join(format!("{:02}.svg", index + 1)),
            code.svg.as_bytes(),
        )?;
    }
    Ok(())
}
