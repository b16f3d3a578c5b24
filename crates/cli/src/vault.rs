//! `countersign init|unlock-test|add|list|code|remove|passwd`: the encrypted vault from the
//! terminal and from scripts.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use countersign_otp::{Account, Kind, Provisioning, parse_provisioning};
use countersign_vault::{Error, Status, Store, Unlocked, default_data_dir};
use zeroize::Zeroizing;

use crate::EXIT_BAD_INPUT;
use crate::json::AccountJson;

/// The exit statuses of the vault commands, shown by their `--help`.
const EXIT_STATUS_HELP: &str = "\
Exit status:
  0   success
  1   other failure (reading or writing a file...)
  2   bad input: a wrong argument, a line that is not a usable URI
  3   wrong password (or wrong recovery key)
  4   the vault file is damaged or was tampered with
  5   the vault file is from a newer version of Countersign
  6   the vault asks for more Argon2 work than allowed
  7   there is no vault yet (run `countersign init`)
  8   a vault already exists (init)
  9   the vault is in use by another running Countersign
  10  too many wrong passwords: wait and try again
  11  the system keyring is unavailable or holds no key for this vault
  12  the vault file changed on disk while this command ran
  13  the account is already in the vault (add)
  14  no account matches the query
  15  several accounts match the query

The vault lives in --data-dir, else $COUNTERSIGN_DATA_DIR, else the platform's data folder.";

/// Options that say where the password comes from.
#[derive(Args)]
pub struct PasswordSource {
    /// Read the password from the first line of standard input instead of the terminal.
    #[arg(long)]
    password_stdin: bool,
}

/// The vault commands.
#[derive(Subcommand)]
pub enum VaultCommand {
    /// Create the vault and print its recovery key (shown only this once).
    #[command(after_help = EXIT_STATUS_HELP)]
    Init {
        #[command(flatten)]
        password: PasswordSource,
        /// Also keep a key in the OS keyring, so that unlocking needs no password.
        #[arg(long)]
        keyring: bool,
        /// No password: only the OS keyring (and the recovery key) unlock the vault.
        #[arg(long, requires = "keyring", conflicts_with = "password_stdin")]
        no_password: bool,
    },
    /// Check that the vault opens (with the OS keyring if it has a key there, else the
    /// password) and print how many accounts it holds.
    #[command(after_help = EXIT_STATUS_HELP)]
    UnlockTest {
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Add the accounts of the otpauth:// or otpauth-migration:// URIs on standard input (one
    /// per line; with --password-stdin, after the password line).
    #[command(after_help = EXIT_STATUS_HELP)]
    Add {
        #[command(flatten)]
        password: PasswordSource,
    },
    /// List the accounts, without their secrets.
    #[command(after_help = EXIT_STATUS_HELP)]
    List {
        #[command(flatten)]
        password: PasswordSource,
        /// One JSON object per account, as `uri inspect --json` prints but without the secret.
        #[arg(long)]
        json: bool,
    },
    /// Print the current code of the one account matching QUERY (issuer, name, "issuer:name" or
    /// id; exact match first, else a case-insensitive substring). HOTP advances the counter.
    #[command(after_help = EXIT_STATUS_HELP)]
    Code {
        #[command(flatten)]
        password: PasswordSource,
        /// What to look for.
        query: String,
        /// Unix time in seconds to compute the code for (default: now).
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
    },
    /// Remove the one account matching QUERY (see `code`).
    #[command(after_help = EXIT_STATUS_HELP)]
    Remove {
        #[command(flatten)]
        password: PasswordSource,
        /// What to look for.
        query: String,
    },
    /// Change the vault's password (or set one). With --password-stdin: the current password,
    /// then the new one, one per line.
    #[command(after_help = EXIT_STATUS_HELP)]
    Passwd {
        #[command(flatten)]
        password: PasswordSource,
    },
}

/// Why a command failed: a vault error, or something about the input.
enum Failure {
    Vault(Error),
    Input(String),
    NoMatch(String),
    Ambiguous(String),
    Duplicates(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Vault(error)
    }
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => EXIT_BAD_INPUT,
            Failure::NoMatch(_) => 14,
            Failure::Ambiguous(_) => 15,
            Failure::Duplicates(_) => 13,
            Failure::Vault(error) => match error.kind() {
                "wrong_password" | "wrong_recovery_key" => 3,
                "corrupt" => 4,
                "unsupported_version" => 5,
                "kdf_too_expensive" => 6,
                "no_vault" => 7,
                "vault_exists" => 8,
                "in_use" => 9,
                "rate_limited" => 10,
                "keyring_unavailable" | "keyring_key_missing" => 11,
                "changed_on_disk" => 12,
                "empty_password" | "password_required" | "invalid_account" => EXIT_BAD_INPUT,
                _ => 1,
            },
        }
    }

    fn message(&self) -> String {
        match self {
            Failure::Vault(error) => error.to_string(),
            Failure::Input(message)
            | Failure::NoMatch(message)
            | Failure::Ambiguous(message)
            | Failure::Duplicates(message) => message.clone(),
        }
    }
}

/// Runs a vault command against `data_dir` (or the default data folder).
pub fn run(command: VaultCommand, data_dir: Option<PathBuf>) -> ExitCode {
    // Best effort: a platform that refuses only loses the hardening.
    let _ = countersign_vault::disable_core_dumps();
    let Some(dir) = data_dir.or_else(default_data_dir) else {
        eprintln!("countersign: no data folder: pass --data-dir");
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    let mut input = io::stdin().lock();
    let result = match command {
        VaultCommand::Init {
            password,
            keyring,
            no_password,
        } => init(dir, &password, keyring, no_password, &mut input),
        VaultCommand::UnlockTest { password } => {
            let store = Store::open_read_only(&dir);
            unlock(&store, &password, &mut input).map(|vault| {
                let count = vault.entries().len();
                println!("ok: the vault opens and holds {count} account(s)");
            })
        }
        VaultCommand::Add { password } => add(dir, &password, &mut input),
        VaultCommand::List { password, json } => list(dir, &password, json, &mut input),
        VaultCommand::Code {
            password,
            query,
            at,
        } => code(dir, &password, &query, at, &mut input),
        VaultCommand::Remove { password, query } => {
            Store::open(&dir).map_err(Failure::from).and_then(|store| {
                let mut vault = unlock(&store, &password, &mut input)?;
                let entry = find(&vault, &query)?;
                let (id, name) = (entry.id, entry.account.display_name());
                vault.remove(id)?;
                println!("removed: {name}");
                Ok(())
            })
        }
        VaultCommand::Passwd { password } => passwd(dir, &password, &mut input),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("countersign: {}", failure.message());
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Reads one line of standard input (without its line ending) into zeroizing memory.
fn read_line(input: &mut impl BufRead, what: &str) -> Result<Zeroizing<String>, Failure> {
    let mut line = Zeroizing::new(String::new());
    let read = input
        .read_line(&mut line)
        .map_err(|e| Failure::Input(format!("cannot read {what}: {e}")))?;
    if read == 0 {
        return Err(Failure::Input(format!(
            "standard input ended before {what}"
        )));
    }
    let trimmed = line.trim_end_matches(['\r', '\n']).len();
    line.truncate(trimmed);
    Ok(line)
}

/// Asks on the terminal, without echo.
fn prompt(what: &str) -> Result<Zeroizing<String>, Failure> {
    if !io::stdin().is_terminal() {
        return Err(Failure::Input(format!(
            "no terminal to ask for the {what}: use --password-stdin"
        )));
    }
    rpassword::prompt_password(format!("{what}: "))
        .map(Zeroizing::new)
        .map_err(|e| Failure::Input(format!("cannot read the {what}: {e}")))
}

/// A new password: from standard input, or asked twice on the terminal.
fn new_password(
    source: &PasswordSource,
    input: &mut impl BufRead,
) -> Result<Zeroizing<String>, Failure> {
    if source.password_stdin {
        return read_line(input, "the new password");
    }
    let first = prompt("New password")?;
    if *prompt("New password again")? != *first {
        return Err(Failure::Input("the two passwords differ".into()));
    }
    Ok(first)
}

fn init(
    dir: PathBuf,
    source: &PasswordSource,
    keyring: bool,
    no_password: bool,
    input: &mut impl BufRead,
) -> Result<(), Failure> {
    let store = Store::open(&dir)?;
    if store.status()? != Status::NoVault {
        return Err(Error::VaultExists.into());
    }
    let password = match no_password {
        true => None,
        false => Some(new_password(source, input)?),
    };
    let (vault, recovery) = store.create(password.as_deref().map(String::as_str), keyring)?;
    eprintln!(
        "Created the vault in {}.\nIts recovery key (write it down; it is not shown again):",
        dir.display()
    );
    println!("{}", *recovery.to_grouped());
    vault.lock();
    Ok(())
}

/// Unlocks with the password from standard input if asked to; else with the OS keyring when
/// the vault has a keyring slot; else (or if the keyring fails) with a password from the
/// terminal.
fn unlock(
    store: &Store,
    source: &PasswordSource,
    input: &mut impl BufRead,
) -> Result<Unlocked, Failure> {
    if source.password_stdin {
        let password = read_line(input, "the password")?;
        return Ok(store.unlock_with_password(&password)?);
    }
    let Status::Locked(info) = store.status()? else {
        return Err(Error::NoVault.into());
    };
    if info.slots.keyring {
        match store.unlock_with_keyring() {
            Ok(vault) => return Ok(vault),
            Err(error) if !info.slots.password => return Err(error.into()),
            Err(error) => eprintln!("countersign: {error}; asking for the password instead"),
        }
    }
    let password = prompt("Password")?;
    Ok(store.unlock_with_password(&password)?)
}

fn list(
    dir: PathBuf,
    source: &PasswordSource,
    json: bool,
    input: &mut impl BufRead,
) -> Result<(), Failure> {
    // Read-only: listing works while the app (which holds the lock) is running.
    let store = Store::open_read_only(dir);
    let vault = unlock(&store, source, input)?;
    let mut stdout = io::stdout().lock();
    for entry in vault.entries() {
        let account = &entry.account;
        let line = if json {
            AccountJson::without_secret(account).to_line()
        } else {
            Zeroizing::new(format!(
                "{}\t{}",
                account.display_name(),
                account.kind.name().to_uppercase()
            ))
        };
        if writeln!(stdout, "{}", *line).is_err() {
            break; // standard output closed (e.g. piped into `head`)
        }
    }
    Ok(())
}

fn add(dir: PathBuf, source: &PasswordSource, input: &mut impl BufRead) -> Result<(), Failure> {
    let store = Store::open(dir)?;
    let mut vault = unlock(&store, source, input)?;
    let mut accounts = Vec::new();
    for (index, line) in input.lines().enumerate() {
        let line = Zeroizing::new(
            line.map_err(|e| Failure::Input(format!("cannot read standard input: {e}")))?,
        );
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        match parse_provisioning(&line) {
            Ok(Provisioning::Account(account)) => accounts.push(account),
            Ok(Provisioning::Migration(batch)) => accounts.extend(batch.accounts),
            Err(error) => return Err(Failure::Input(format!("URI line {number}: {error}"))),
        }
    }
    if accounts.is_empty() {
        return Err(Failure::Input("no URI on standard input".into()));
    }
    let names: Vec<String> = accounts.iter().map(Account::display_name).collect();
    let report = vault.add_all(accounts)?;
    for id in &report.added {
        if let Some(entry) = vault.entry(*id) {
            println!("added: {}", entry.account.display_name());
        }
    }
    if report.duplicates.is_empty() {
        return Ok(());
    }
    let duplicates: Vec<String> = report
        .duplicates
        .iter()
        .map(|(index, existing)| match vault.entry(*existing) {
            Some(entry) => format!("{} (as {})", names[*index], entry.account.display_name()),
            None => names[*index].clone(),
        })
        .collect();
    Err(Failure::Duplicates(format!(
        "already in the vault: {}",
        duplicates.join(", ")
    )))
}

fn code(
    dir: PathBuf,
    source: &PasswordSource,
    query: &str,
    at: Option<u64>,
    input: &mut impl BufRead,
) -> Result<(), Failure> {
    // HOTP needs to save the advanced counter; TOTP codes can be read while the app runs.
    let store = match Store::open(&dir) {
        Err(Error::InUse { .. }) => Store::open_read_only(&dir),
        other => other?,
    };
    let mut vault = unlock(&store, source, input)?;
    let entry = find(&vault, query)?;
    let code = match entry.account.kind {
        Kind::Hotp { .. } => vault
            .next_hotp_code(entry.id)
            .map_err(|error| match error {
                Error::ReadOnly => Error::InUse {
                    path: dir.join(countersign_vault::LOCK_FILE),
                },
                other => other,
            })?,
        _ => {
            let now = at.unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |since| since.as_secs())
            });
            entry.account.code_at(now).map_err(Error::from)?
        }
    };
    println!("{}", code.text);
    Ok(())
}

/// The one entry matching `query`: by id, then exact issuer / name / "issuer:name" / display
/// name (any case), then substring of those.
fn find<'a>(vault: &'a Unlocked, query: &str) -> Result<&'a countersign_vault::Entry, Failure> {
    let wanted = query.trim().to_lowercase();
    let labels = |entry: &countersign_vault::Entry| {
        let account = &entry.account;
        [
            entry.id.to_string(),
            account.issuer.to_lowercase(),
            account.name.to_lowercase(),
            format!("{}:{}", account.issuer, account.name).to_lowercase(),
            account.display_name().to_lowercase(),
        ]
    };
    let exact: Vec<_> = vault
        .entries()
        .iter()
        .filter(|entry| labels(entry).contains(&wanted))
        .collect();
    let matches = if exact.is_empty() {
        vault
            .entries()
            .iter()
            .filter(|entry| labels(entry).iter().any(|label| label.contains(&wanted)))
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(Failure::NoMatch(format!("no account matches {query:?}"))),
        several => {
            let names: Vec<String> = several.iter().map(|e| e.account.display_name()).collect();
            Err(Failure::Ambiguous(format!(
                "{} accounts match {query:?}: {}",
                several.len(),
                names.join(", ")
            )))
        }
    }
}

fn passwd(dir: PathBuf, source: &PasswordSource, input: &mut impl BufRead) -> Result<(), Failure> {
    let store = Store::open(dir)?;
    let mut vault = if source.password_stdin {
        let current = read_line(input, "the current password")?;
        store.unlock_with_password(&current)?
    } else {
        unlock(&store, source, input)?
    };
    let password = new_password(source, input)?;
    vault.set_password(&password)?;
    eprintln!("The password is changed.");
    Ok(())
}
