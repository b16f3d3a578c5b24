//! `countersign init|unlock-test|add|list|code|remove|passwd`: the encrypted vault from the
//! terminal and from scripts.

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use countersign_otp::{
    Account, Algorithm, Kind, Provisioning, SetupKey, SetupKeyField, parse_provisioning,
};
use countersign_vault::{BackupPolicy, Error, Recovery, Status, Unlocked};
use zeroize::Zeroizing;

use crate::failure::{EXIT_STATUS_HELP, Failure, finish};
use crate::json::AccountJson;
use crate::open::{Access, data_dir, store, unlock};
use crate::passwords::Passwords;

/// Options that say where the password comes from.
#[derive(Args)]
pub struct PasswordSource {
    /// Read the password from the first line of standard input instead of the terminal.
    #[arg(long)]
    password_stdin: bool,
}

impl PasswordSource {
    /// The reader of the passwords these options name.
    pub fn passwords(&self) -> Passwords {
        Passwords::new(self.password_stdin)
    }
}

/// `add --setup-key`: one account typed in from the setup key a site shows next to its QR code.
#[derive(Args)]
pub struct SetupKeyArgs {
    /// Add one account from its setup key (base32, as the site shows it: spaces, dashes and
    /// lower case are fine), read from the next line of standard input instead of URIs. The key
    /// is not an option: the command line shows in `ps` and the shell's history.
    #[arg(long)]
    setup_key: bool,
    /// With --setup-key: who issued the account.
    #[arg(
        long,
        requires = "setup_key",
        default_value = "",
        hide_default_value = true
    )]
    issuer: String,
    /// With --setup-key: the account at the issuer (one of --issuer and --name is needed).
    #[arg(
        long,
        requires = "setup_key",
        default_value = "",
        hide_default_value = true
    )]
    name: String,
    /// With --setup-key: how codes are made.
    #[arg(long = "type", value_enum, requires = "setup_key", default_value_t = KeyKind::Totp)]
    kind: KeyKind,
    /// With --setup-key: the HMAC hash, SHA1, SHA256 or SHA512 (Steam always uses SHA1).
    #[arg(long, requires = "setup_key", default_value = "SHA1", value_parser = algorithm)]
    algorithm: Algorithm,
    /// With --setup-key: code length, 1 to 10 (Steam codes always have 5 characters).
    #[arg(long, requires = "setup_key", default_value_t = countersign_otp::DEFAULT_DIGITS)]
    digits: u8,
    /// With --setup-key: seconds per code (TOTP and Steam).
    #[arg(long, requires = "setup_key", default_value_t = countersign_otp::DEFAULT_PERIOD)]
    period: u32,
    /// With --setup-key and --type hotp: the counter of the next code.
    #[arg(long, requires = "setup_key", default_value_t = 0)]
    counter: u64,
}

/// The kinds of account `add --setup-key` makes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum KeyKind {
    /// Time-based codes (TOTP).
    Totp,
    /// Counter-based codes (HOTP).
    Hotp,
    /// Steam Guard codes.
    Steam,
}

fn algorithm(name: &str) -> Result<Algorithm, String> {
    Algorithm::parse(name).ok_or_else(|| "expected SHA1, SHA256 or SHA512".to_owned())
}

impl SetupKeyArgs {
    /// The account described by these options and `secret`, or the option to fix and why.
    fn account(&self, secret: &str) -> Result<Account, Failure> {
        let kind = match self.kind {
            KeyKind::Totp => Kind::Totp {
                period: self.period,
            },
            KeyKind::Hotp => Kind::Hotp {
                counter: self.counter,
            },
            KeyKind::Steam => Kind::Steam {
                period: self.period,
            },
        };
        let key = SetupKey {
            issuer: &self.issuer,
            name: &self.name,
            secret,
            kind,
            algorithm: self.algorithm,
            digits: self.digits,
        };
        // The same rules, and words, as the app's "Setup key" tab.
        key.account().map_err(|error| {
            let place = match error.field() {
                SetupKeyField::Secret => "setup key",
                SetupKeyField::Issuer => "--issuer/--name",
                SetupKeyField::Digits => "--digits",
                SetupKeyField::Period => "--period",
            };
            Failure::Input(format!("{place}: {error}"))
        })
    }
}

/// What `passwd` does with the backups.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum OldBackups {
    /// Re-encrypt them: they open with the new password and recovery key.
    ReEncrypt,
    /// Delete them.
    Remove,
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
    /// per line; with --password-stdin, after the password line), or with --setup-key the one
    /// account whose setup key is the next line.
    #[command(after_help = EXIT_STATUS_HELP)]
    Add {
        #[command(flatten)]
        password: PasswordSource,
        #[command(flatten)]
        setup_key: SetupKeyArgs,
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
    /// Change the vault's password, or set one on a vault that has none. With
    /// --password-stdin: the current password (or, to set a first one, the recovery key), then
    /// the new one, one per line.
    ///
    /// Changing the password makes a new master key, so the old password opens nothing: the
    /// recovery key is replaced too (the new one is printed, once), and the backups, which open
    /// with the old credentials, are re-encrypted or removed (--old-backups).
    #[command(after_help = EXIT_STATUS_HELP)]
    Passwd {
        #[command(flatten)]
        password: PasswordSource,
        /// What to do with the backups, which open with the old password and recovery key.
        #[arg(long, value_enum, default_value_t = OldBackups::ReEncrypt)]
        old_backups: OldBackups,
    },
}

/// Runs a vault command against `data_dir` (or the default data folder).
pub fn run(command: VaultCommand, data_dir_arg: Option<PathBuf>) -> ExitCode {
    // Best effort: a platform that refuses only loses the hardening.
    let _ = countersign_vault::disable_core_dumps();
    let dir = match data_dir(data_dir_arg) {
        Ok(dir) => dir,
        Err(failure) => return failure.report(),
    };
    finish(match command {
        VaultCommand::Init {
            password,
            keyring,
            no_password,
        } => init(dir, &password, keyring, no_password),
        VaultCommand::UnlockTest { password } => store(&dir, Access::Read)
            .and_then(|store| unlock(&store, &mut password.passwords(), false))
            .map(|vault| {
                let count = vault.entries().len();
                println!("ok: the vault opens and holds {count} account(s)");
            }),
        VaultCommand::Add {
            password,
            setup_key,
        } => add(dir, &password, &setup_key),
        VaultCommand::List { password, json } => list(dir, &password, json),
        VaultCommand::Code {
            password,
            query,
            at,
        } => code(dir, &password, &query, at),
        VaultCommand::Remove { password, query } => store(&dir, Access::Write).and_then(|store| {
            let mut vault = unlock(&store, &mut password.passwords(), false)?;
            let entry = find(&vault, &query)?;
            let (id, name) = (entry.id, entry.account.display_name());
            vault.remove(id)?;
            println!("removed: {name}");
            Ok(())
        }),
        VaultCommand::Passwd {
            password,
            old_backups,
        } => passwd(dir, &password, old_backups),
    })
}

fn init(
    dir: PathBuf,
    source: &PasswordSource,
    keyring: bool,
    no_password: bool,
) -> Result<(), Failure> {
    let store = store(&dir, Access::Write)?;
    if store.status()? != Status::NoVault {
        return Err(Error::VaultExists.into());
    }
    let password = match no_password {
        true => None,
        false => Some(source.passwords().new_password("the new password")?),
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

fn list(dir: PathBuf, source: &PasswordSource, json: bool) -> Result<(), Failure> {
    // Read-only: listing works while the app (which holds the lock) is running.
    let vault = unlock(&store(&dir, Access::Read)?, &mut source.passwords(), false)?;
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

fn add(dir: PathBuf, source: &PasswordSource, key: &SetupKeyArgs) -> Result<(), Failure> {
    let mut vault = unlock(&store(&dir, Access::Write)?, &mut source.passwords(), false)?;
    let accounts = if key.setup_key {
        let secret = Zeroizing::new(
            io::stdin()
                .lock()
                .lines()
                .next()
                .transpose()
                .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?
                .ok_or_else(|| Failure::input("no setup key on standard input"))?,
        );
        vec![key.account(&secret)?]
    } else {
        read_uris()?
    };
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

/// The accounts of the URIs on the rest of standard input, after the password's line.
fn read_uris() -> Result<Vec<Account>, Failure> {
    let mut accounts = Vec::new();
    for (index, line) in io::stdin().lock().lines().enumerate() {
        let line = Zeroizing::new(
            line.map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?,
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
    Ok(accounts)
}

fn code(
    dir: PathBuf,
    source: &PasswordSource,
    query: &str,
    at: Option<u64>,
) -> Result<(), Failure> {
    // HOTP needs to save the advanced counter; TOTP codes can be read while the app runs.
    let store = store(&dir, Access::WriteIfFree)?;
    let mut vault = unlock(&store, &mut source.passwords(), false)?;
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
pub fn find<'a>(vault: &'a Unlocked, query: &str) -> Result<&'a countersign_vault::Entry, Failure> {
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

fn passwd(dir: PathBuf, source: &PasswordSource, old_backups: OldBackups) -> Result<(), Failure> {
    let store = store(&dir, Access::Write)?;
    let Status::Locked(info) = store.status()? else {
        return Err(Error::NoVault.into());
    };
    let mut passwords = source.passwords();
    if !info.slots.password {
        // A first password opens the secrets to whoever sets it: the recovery key vouches.
        let mut vault = store.unlock_with_keyring()?;
        let recovery_key = passwords.next("the recovery key")?;
        let password = passwords.new_password("the new password")?;
        vault.add_password(&password, &recovery_key)?;
        eprintln!("The vault has a password now.");
        return Ok(());
    }
    let current = passwords.next("the current password")?;
    let mut vault = store.unlock_with_password(&current)?;
    let password = passwords.new_password("the new password")?;
    let policy = match old_backups {
        OldBackups::ReEncrypt => BackupPolicy::ReEncrypt,
        OldBackups::Remove => BackupPolicy::Remove,
    };
    let rekeyed = vault.change_password(&current, &password, Recovery::Replace, policy)?;
    eprintln!(
        "The password is changed. Backups re-encrypted: {}, removed: {}.\n\
         The new recovery key (the old one no longer works; write this down, it is not shown \
         again):",
        rekeyed.backups_reencrypted, rekeyed.backups_removed
    );
    if let Some(recovery) = rekeyed.recovery_key {
        println!("{}", *recovery.to_grouped());
    }
    Ok(())
}
