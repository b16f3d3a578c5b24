//! `countersign import FILE`: read another authenticator's export and add its accounts to the
//! vault (or, with --dry-run, only show them).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use countersign_backup::{Account, ImportError, Imported, format_by_id, formats, import_auto};
use countersign_vault::{AddReport, StoredBackupCode, Unlocked};
use zeroize::Zeroizing;

use crate::failure::{EXIT_BAD_INPUT, Failure};
use crate::json::AccountJson;
use crate::open::{Access, open_vault};
use crate::passwords::Passwords;

/// What to import, and how.
#[derive(Args)]
pub struct ImportArgs {
    /// The exported file (a Countersign backup; Aegis, 2FAS, andOTP, Authenticator Plus, Authy,
    /// Battle.net, Bitwarden, Duo, Ente, FreeOTP, FreeOTP+, LastPass, Proton, Raivo OTP, Steam,
    /// Stratum, TOTP Authenticator or WinAuth files; Google or Microsoft Authenticator
    /// databases; Google Authenticator migration URIs, or a list of otpauth:// URIs).
    file: PathBuf,
    /// The file's format, when detection guesses wrong: countersign, aegis, 2fas, andotp,
    /// authenticator-plus, authy, battle-net, bitwarden, duo, ente, freeotp, freeotp-plus,
    /// freeotp2, google, google-db, lastpass, microsoft, proton, raivo, steam, stratum,
    /// totp-authenticator, uris or winauth.
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// Read passwords from standard input, one per line: the file's (if it is encrypted), then
    /// the vault's (not with --dry-run). Otherwise they are asked on the terminal, and the vault
    /// opens with the OS keyring when it can.
    #[arg(long)]
    password_stdin: bool,
    /// Only print the accounts the file holds (with their secrets); change nothing.
    #[arg(long)]
    dry_run: bool,
    /// One JSON object per account: with --dry-run the `uri inspect --json` schema, with the
    /// secret; otherwise the accounts added, as `list --json` prints them.
    #[arg(long)]
    json: bool,
}

/// Runs `countersign import`.
pub fn run(args: ImportArgs, data_dir: Option<PathBuf>) -> ExitCode {
    let mut passwords = Passwords::new(args.password_stdin);
    let imported = match read(&args, &mut passwords) {
        Ok(imported) => imported,
        Err(failure) => return failure.report(),
    };
    for warning in &imported.warnings {
        eprintln!("countersign: warning: {warning}");
    }
    let file = args.file.display();
    let mut ok = true;
    for invalid in imported.invalid() {
        ok = false;
        eprintln!("countersign: {file}: {invalid}");
    }
    let result = if args.dry_run {
        print_accounts(imported.accounts(), args.json);
        Ok(())
    } else {
        add(
            imported.into_accounts_with_backup_codes(),
            data_dir,
            &mut passwords,
            args.json,
        )
    };
    match result {
        Err(failure) => failure.report(),
        Ok(()) if ok => ExitCode::SUCCESS,
        Ok(()) => ExitCode::from(EXIT_BAD_INPUT),
    }
}

fn read(args: &ImportArgs, passwords: &mut Passwords) -> Result<Imported, Failure> {
    let file = args.file.display();
    let format = match args.format.as_deref() {
        None => None,
        Some(id) => Some(format_by_id(id).ok_or_else(|| {
            let known: Vec<_> = formats().iter().map(|format| format.id()).collect();
            Failure::input(format!(
                "unknown format {id:?} (known: {})",
                known.join(", ")
            ))
        })?),
    };
    let bytes =
        Zeroizing::new(std::fs::read(&args.file).map_err(|e| Failure::io(format!("{file}: {e}")))?);
    let import = |password: Option<&str>| match format {
        Some(format) => format.import(&bytes, password),
        None => import_auto(&bytes, password).map(|(_, imported)| imported),
    };
    // Structure and KDF caps are checked before a password is asked for.
    let imported = match import(None) {
        Err(ImportError::PasswordRequired) => {
            let password = passwords.next(&format!("the password of {file}"))?;
            import(Some(&password))
        }
        other => other,
    };
    imported.map_err(|error| Failure::Import {
        file: file.to_string(),
        error,
    })
}

fn print_accounts<'a>(accounts: impl Iterator<Item = &'a Account>, json: bool) {
    let mut stdout = io::stdout().lock();
    for account in accounts {
        let line = if json {
            AccountJson::with_secret(account).to_line()
        } else {
            describe(account)
        };
        if writeln!(stdout, "{}", *line).is_err() {
            break; // standard output closed (e.g. piped into `head`)
        }
    }
}

/// One line for a person: name, type and parameters, and the secret (this is an inspection).
fn describe(account: &Account) -> Zeroizing<String> {
    let moving = match (account.kind.period(), account.kind.counter()) {
        (Some(period), _) => format!("{period} s"),
        (_, Some(counter)) => format!("counter {counter}"),
        _ => String::new(),
    };
    Zeroizing::new(format!(
        "{}\t{} {} {} digits {}\t{}",
        account.display_name(),
        account.kind.name().to_uppercase(),
        account.algorithm,
        account.digits,
        moving,
        *account.secret.to_base32()
    ))
}

/// Adds the accounts (with the backup codes beside each); those whose secret is already in the
/// vault are skipped and named.
fn add(
    (accounts, backup_codes): (Vec<Account>, Vec<Vec<StoredBackupCode>>),
    data_dir: Option<PathBuf>,
    passwords: &mut Passwords,
    json: bool,
) -> Result<(), Failure> {
    if accounts.is_empty() {
        return Err(Failure::input(
            "the file holds no account that can be imported",
        ));
    }
    let mut vault = open_vault(data_dir, Access::Write, passwords, false)?;
    let names: Vec<String> = accounts.iter().map(Account::display_name).collect();
    let report = vault.add_all_with_backup_codes(accounts, backup_codes)?;
    let mut stdout = io::stdout().lock();
    for id in &report.added {
        if let Some(entry) = vault.entry(*id) {
            let line = if json {
                AccountJson::without_secret(&entry.account).to_line()
            } else {
                Zeroizing::new(format!("added: {}", entry.account.display_name()))
            };
            let _ = writeln!(stdout, "{}", *line);
        }
    }
    report_duplicates(&vault, &report, &names);
    Ok(())
}

/// Tells stderr which of the accounts named `names` were already in the vault, and as what.
/// Adding the same accounts twice is not an error: they are simply there.
pub(crate) fn report_duplicates(vault: &Unlocked, report: &AddReport, names: &[String]) {
    for (index, existing) in &report.duplicates {
        let existing = vault
            .entry(*existing)
            .map(|entry| entry.account.display_name())
            .unwrap_or_default();
        eprintln!(
            "countersign: already in the vault, not added again: {} (as {existing})",
            names[*index]
        );
    }
}
