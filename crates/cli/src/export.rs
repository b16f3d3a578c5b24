//! `countersign export`: the vault's accounts in a form other apps read, so nobody is locked in.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use countersign_backup::{ExportFormat, Exported, QrCode, export};
use countersign_vault::calibrate;
use zeroize::Zeroizing;

use crate::failure::{Failure, finish};
use crate::open::{Access, open_vault};
use crate::passwords::Passwords;

/// The `--format` values: every format the crate exports, by its id.
fn format_parser() -> impl TypedValueParser<Value = ExportFormat> {
    let values =
        ExportFormat::ALL.map(|format| PossibleValue::new(format.id()).help(format.name()));
    PossibleValuesParser::new(values)
        .map(|id| ExportFormat::from_id(&id).expect("clap allows only known ids"))
}

/// What to export, and where.
#[derive(Args)]
pub struct ExportArgs {
    /// The format to write.
    #[arg(long, value_parser = format_parser())]
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
    finish(export_vault(&args, data_dir))
}

fn export_vault(args: &ExportArgs, data_dir: Option<PathBuf>) -> Result<(), Failure> {
    let mut passwords = Passwords::new(args.password_stdin);
    // Exporting hands out every secret: the vault's password is asked even when the OS keyring
    // could open it.
    let vault = open_vault(data_dir, Access::Read, &mut passwords, true)?;
    let entries = vault.entries().to_vec();
    drop(vault);
    let password = match args.format.needs_password() {
        true => Some(new_password(&mut passwords, args.format)?),
        false => None,
    };
    let out = &args.out;
    match export(
        args.format,
        &entries,
        password.as_deref().map(String::as_str),
        calibrate(),
    )? {
        Exported::File(bytes) => write_new(out, &bytes.0)?,
        Exported::Codes { codes, left_out } => {
            for left_out in &left_out {
                eprintln!("countersign: left out {left_out}");
            }
            write_codes(out, &codes)?;
        }
    }
    eprintln!(
        "countersign: exported {} account(s) to {}",
        entries.len(),
        out.display()
    );
    Ok(())
}

/// A password for an encrypted export: asked twice on a terminal, never empty.
fn new_password(
    passwords: &mut Passwords,
    format: ExportFormat,
) -> Result<Zeroizing<String>, Failure> {
    let what = match format {
        ExportFormat::Countersign => "the backup",
        _ => "the Aegis file",
    };
    let password = passwords.new_password(&format!("a password for {what}"))?;
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
