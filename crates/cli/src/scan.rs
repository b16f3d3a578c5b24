//! `countersign scan [--screen] [FILE...]`: every QR code in image files or on the screen, the
//! accounts the OTP ones hold, and (with --add) those accounts added to the vault.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use countersign_otp::{Account, Intake, read_intake};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::failure::{EXIT_BAD_INPUT, Failure};
use crate::import::report_duplicates;
use crate::json::AccountJson;
use crate::open::{Access, open_vault};
use crate::passwords::Passwords;

/// What to scan, and what to do with it.
#[derive(Args)]
#[command(after_help = "\
With --json, each image gives one line:
  {\"source\":\"FILE\" or \"screen\",\"texts\":[every QR text],\"accounts\":[...],\"errors\":[...]}
where accounts use the `uri inspect --json` schema (secrets included) and errors (present only
when not empty) say why an OTP text could not be used. An image that cannot be read gives
{\"source\":...,\"error\":\"...\"} instead.

Exit status: 0 success, 1 the screen could not be captured, 2 an image could not be read or an
OTP text could not be used (the other images are still scanned), and with --add the vault's
statuses (see `countersign add --help`).")]
pub struct ScanArgs {
    /// Image files to read (PNG, JPEG, WebP, GIF or BMP).
    files: Vec<PathBuf>,
    /// Also capture every monitor (X11; on Wayland the desktop asks what to share).
    #[arg(long)]
    screen: bool,
    /// One JSON object per image.
    #[arg(long)]
    json: bool,
    /// Add the accounts found to the vault after listing them; accounts already there are
    /// skipped and named.
    #[arg(long)]
    add: bool,
    /// With --add: read the vault's password from standard input instead of the terminal (or
    /// the OS keyring).
    #[arg(long, requires = "add")]
    password_stdin: bool,
}

/// One scanned image, as `--json` prints it.
#[derive(Serialize)]
struct ImageJson<'a> {
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    texts: Option<&'a [Zeroizing<String>]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accounts: Option<Vec<AccountJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// What one image held.
struct Scanned {
    source: String,
    texts: Vec<Zeroizing<String>>,
    accounts: Vec<Account>,
    /// OTP texts that could not be used, and why.
    errors: Vec<String>,
}

/// Runs `countersign scan`.
pub fn run(args: ScanArgs, data_dir: Option<PathBuf>) -> ExitCode {
    if args.files.is_empty() && !args.screen {
        return Failure::input("nothing to scan: name image files, or pass --screen").report();
    }
    let mut status = 0u8;
    let mut found = Vec::new();
    let mut stdout = io::stdout().lock();
    let sources = args
        .files
        .iter()
        .map(|file| (file.display().to_string(), Some(file)))
        .chain(args.screen.then(|| ("screen".to_owned(), None)));
    for (source, file) in sources {
        let texts = match file {
            Some(file) => read_file(file),
            None => countersign_scan::screen::scan_screens().map_err(|e| {
                (
                    1,
                    format!("the screen could not be captured: {}", describe(&e)),
                )
            }),
        };
        let line = match texts {
            Ok(texts) => {
                let scanned = parse(source, texts);
                if !scanned.errors.is_empty() {
                    status = status.max(EXIT_BAD_INPUT);
                }
                let line = print(&scanned, args.json);
                found.push(scanned);
                line
            }
            Err((code, error)) => {
                eprintln!("countersign: {source}: {error}");
                status = status.max(code);
                if !args.json {
                    continue;
                }
                json_line(&ImageJson {
                    source: &source,
                    texts: None,
                    accounts: None,
                    errors: None,
                    error: Some(error),
                })
            }
        };
        if writeln!(stdout, "{}", *line).is_err() {
            break; // standard output closed (e.g. piped into `head`)
        }
    }
    drop(stdout);
    if args.add {
        let accounts: Vec<Account> = found.into_iter().flat_map(|s| s.accounts).collect();
        if let Err(failure) = add(accounts, data_dir, args.password_stdin, args.json) {
            return failure.report();
        }
    }
    ExitCode::from(status)
}

/// The QR texts of one image file, or the exit status and message for it.
fn read_file(file: &PathBuf) -> Result<Vec<String>, (u8, String)> {
    let bytes = Zeroizing::new(std::fs::read(file).map_err(|e| (EXIT_BAD_INPUT, e.to_string()))?);
    countersign_scan::scan_image_bytes(&bytes).map_err(|e| (EXIT_BAD_INPUT, describe(&e)))
}

/// An error with its cause, if any ("screen capture failed: <the system's reason>").
fn describe(error: &countersign_scan::ScanError) -> String {
    match std::error::Error::source(error) {
        Some(cause) => format!("{error}: {cause}"),
        None => error.to_string(),
    }
}

fn parse(source: String, texts: Vec<String>) -> Scanned {
    let texts: Vec<Zeroizing<String>> = texts.into_iter().map(Zeroizing::new).collect();
    let mut accounts = Vec::new();
    let mut errors = Vec::new();
    for text in &texts {
        // Web addresses and other text are listed as texts, and add nothing.
        match read_intake(text) {
            Intake::Account(account) => accounts.push(account),
            Intake::Migration(batch) => {
                errors.extend(batch.skipped.iter().map(|skipped| {
                    format!(
                        "account {} ({}): {}",
                        skipped.index + 1,
                        skipped.label,
                        skipped.reason
                    )
                }));
                accounts.extend(batch.accounts);
            }
            Intake::Invalid(error) => errors.push(error.to_string()),
            _ => {}
        }
    }
    Scanned {
        source,
        texts,
        accounts,
        errors,
    }
}

fn json_line(image: &ImageJson<'_>) -> Zeroizing<String> {
    Zeroizing::new(serde_json::to_string(image).expect("plain data serialises"))
}

/// The image's line (`--json`) or lines for a person; errors also go to standard error.
fn print(scanned: &Scanned, json: bool) -> Zeroizing<String> {
    for error in &scanned.errors {
        eprintln!("countersign: {}: {error}", scanned.source);
    }
    if json {
        return json_line(&ImageJson {
            source: &scanned.source,
            texts: Some(&scanned.texts),
            accounts: Some(
                scanned
                    .accounts
                    .iter()
                    .map(AccountJson::with_secret)
                    .collect(),
            ),
            errors: (!scanned.errors.is_empty()).then_some(&scanned.errors),
            error: None,
        });
    }
    let count = scanned.texts.len();
    let mut out = Zeroizing::new(format!(
        "{}: {count} QR code{}",
        scanned.source,
        if count == 1 { "" } else { "s" }
    ));
    for text in &scanned.texts {
        out.push_str(&format!("\n  text: {}", **text));
    }
    for account in &scanned.accounts {
        out.push_str(&format!(
            "\n  account: {}\t{} {} {} digits",
            account.display_name(),
            account.kind.name().to_uppercase(),
            account.algorithm,
            account.digits
        ));
    }
    out
}

/// Adds the accounts found; those whose secret is already in the vault are skipped and named.
/// With `json`, standard output keeps one line per image, so "added" lines go to standard error.
fn add(
    accounts: Vec<Account>,
    data_dir: Option<PathBuf>,
    password_stdin: bool,
    json: bool,
) -> Result<(), Failure> {
    if accounts.is_empty() {
        return Err(Failure::input("no account was found to add"));
    }
    let mut passwords = Passwords::new(password_stdin);
    let mut vault = open_vault(data_dir, Access::Write, &mut passwords, false)?;
    let names: Vec<String> = accounts.iter().map(Account::display_name).collect();
    let report = vault.add_all(accounts)?;
    for id in &report.added {
        if let Some(entry) = vault.entry(*id) {
            let line = format!("added: {}", entry.account.display_name());
            if json {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        }
    }
    report_duplicates(&vault, &report, &names);
    Ok(())
}
