//! `countersign import FILE`: read another authenticator's export and add its accounts to the
//! vault (or, with --dry-run, only show them).

use std::io::{self, BufRead, IsTerminal, StdinLock, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use countersign_backup::{Account, ImportError, Imported, format_by_id, formats, import_auto};
use countersign_vault::{AddReport, Status, Store, Unlocked, default_data_dir};
use zeroize::Zeroizing;

use crate::EXIT_BAD_INPUT;
use crate::json::AccountJson;

/// What to import, and how.
#[derive(Args)]
pub struct ImportArgs {
    /// The exported file (a Countersign backup, Aegis, 2FAS, andOTP, Bitwarden, Ente, FreeOTP+,
    /// Proton, Google Authenticator migration URIs, or a list of otpauth:// URIs).
    file: PathBuf,
    /// The file's format, when detection guesses wrong: countersign, aegis, 2fas, andotp,
    /// bitwarden, ente, freeotp-plus, proton, google or uris.
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

/// Where passwords come from: standard input (one per line) or the terminal.
pub struct Passwords {
    stdin: Option<StdinLock<'static>>,
}

impl Passwords {
    /// Passwords from standard input if `from_stdin`, else asked on the terminal.
    pub fn new(from_stdin: bool) -> Self {
        Passwords {
            stdin: from_stdin.then(|| io::stdin().lock()),
        }
    }

    /// Whether passwords come from standard input.
    pub fn read_from_stdin(&self) -> bool {
        self.stdin.is_some()
    }

    /// The next password; `what` names it in prompts and errors ("the vault's password").
    pub fn next(&mut self, what: &str) -> Result<Zeroizing<String>, Failure> {
        let Some(stdin) = &mut self.stdin else {
            if !io::stdin().is_terminal() {
                return Err(Failure::input(format!(
                    "no terminal to ask for {what}: use --password-stdin"
                )));
            }
            return rpassword::prompt_password(format!("Enter {what}: "))
                .map(Zeroizing::new)
                .map_err(|e| Failure::input(format!("cannot read {what}: {e}")));
        };
        let mut line = Zeroizing::new(String::new());
        match stdin.read_line(&mut line) {
            Ok(0) => Err(Failure::input(format!(
                "standard input ended before {what}"
            ))),
            Ok(_) => {
                let trimmed = line.trim_end_matches(['\r', '\n']).len();
                line.truncate(trimmed);
                Ok(line)
            }
            Err(e) => Err(Failure::input(format!("cannot read {what}: {e}"))),
        }
    }
}

/// Why an import or export failed, and the exit status it gets.
pub struct Failure {
    message: String,
    status: u8,
}

impl Failure {
    /// Bad input: a wrong argument, a file that cannot be read as asked.
    pub fn input(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            status: EXIT_BAD_INPUT,
        }
    }

    /// A failure writing or reading a file.
    pub fn io(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            status: 1,
        }
    }

    /// Prints the message and returns the exit status.
    pub fn report(&self) -> ExitCode {
        eprintln!("countersign: {}", self.message);
        ExitCode::from(self.status)
    }
}

impl From<countersign_backup::ExportError> for Failure {
    fn from(error: countersign_backup::ExportError) -> Self {
        Failure::input(error.to_string())
    }
}

impl From<countersign_vault::Error> for Failure {
    /// The same exit statuses as the vault commands give for the same errors.
    fn from(error: countersign_vault::Error) -> Self {
        let status = match error.kind() {
            "wrong_password" | "wrong_recovery_key" => 3,
            "corrupt" => 4,
            "unsupported_version" => 5,
            "kdf_too_expensive" => 6,
            "no_vault" => 7,
            "in_use" => 9,
            "rate_limited" => 10,
            "keyring_unavailable" | "keyring_key_missing" => 11,
            "changed_on_disk" => 12,
            "empty_password" | "password_required" | "invalid_account" => EXIT_BAD_INPUT,
            _ => 1,
        };
        Failure {
            message: error.to_string(),
            status,
        }
    }
}

/// Opens the vault in `data_dir` (or the default data folder). With passwords from standard
/// input, or when `password_only`, the password is asked; otherwise the OS keyring is tried
/// first when the vault has a keyring slot. A vault without a password slot opens only with
/// the keyring.
pub fn open_vault(
    data_dir: Option<PathBuf>,
    passwords: &mut Passwords,
    password_only: bool,
) -> Result<Unlocked, Failure> {
    let dir = data_dir
        .or_else(default_data_dir)
        .ok_or_else(|| Failure::input("no data folder: pass --data-dir"))?;
    let store = Store::open(&dir)?;
    let Status::Locked(info) = store.status()? else {
        return Err(countersign_vault::Error::NoVault.into());
    };
    let keyring_first = !passwords.read_from_stdin() && !password_only;
    if info.slots.keyring && (keyring_first || !info.slots.password) {
        match store.unlock_with_keyring() {
            Ok(vault) => return Ok(vault),
            Err(error) if !info.slots.password => return Err(error.into()),
            Err(error) => eprintln!("countersign: {error}; asking for the password instead"),
        }
    }
    let password = passwords.next("the vault's password")?;
    Ok(store.unlock_with_password(&password)?)
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
            imported.into_accounts(),
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
    imported.map_err(|error| Failure::input(format!("{file}: {error}")))
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

/// Adds the accounts; those whose secret is already in the vault are skipped and named.
fn add(
    accounts: Vec<Account>,
    data_dir: Option<PathBuf>,
    passwords: &mut Passwords,
    json: bool,
) -> Result<(), Failure> {
    if accounts.is_empty() {
        return Err(Failure::input(
            "the file holds no account that can be imported",
        ));
    }
    let mut vault = open_vault(data_dir, passwords, false)?;
    let names: Vec<String> = accounts.iter().map(Account::display_name).collect();
    let report = vault.add_all(accounts)?;
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
