//! `countersign uri inspect|code`: what URIs hold, and their codes.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Subcommand;
use countersign_otp::{Account, Provisioning, parse_provisioning};
use zeroize::Zeroizing;

use crate::failure::EXIT_BAD_INPUT;
use crate::json::AccountJson;

/// What to do with the URIs on standard input (one per line; blank lines are skipped).
#[derive(Subcommand)]
pub enum UriCommand {
    /// Print every account the URIs hold (a migration URI holds several).
    Inspect {
        /// One JSON object per account: type, issuer, account, secret, algorithm, digits, and
        /// period (TOTP, Steam) or counter (HOTP).
        #[arg(long)]
        json: bool,
    },
    /// Print each account's code, one per line (HOTP at the URI's counter).
    Code {
        /// Unix time in seconds to compute TOTP and Steam codes for (default: now).
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
    },
}

/// Runs a `uri` command over standard input.
pub fn run(command: UriCommand) -> ExitCode {
    let stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    let ok = match command {
        UriCommand::Inspect { json } => for_each_account(stdin, &mut stderr, |account| {
            let line = if json {
                AccountJson::with_secret(account).to_line()
            } else {
                Zeroizing::new(describe(account))
            };
            writeln!(stdout, "{}", *line)
        }),
        UriCommand::Code { at } => {
            let now = at.unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
            });
            for_each_account(stdin, &mut stderr, |account| {
                match account.code_at(now) {
                    Ok(code) => writeln!(stdout, "{}", code.text),
                    // Parsing validated the account already; kept for completeness.
                    Err(error) => writeln!(stdout, "error: {error}"),
                }
            })
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_BAD_INPUT)
    }
}

fn describe(account: &Account) -> String {
    let moving = match (account.kind.period(), account.kind.counter()) {
        (Some(period), _) => format!("{period} s"),
        (_, Some(counter)) => format!("counter {counter}"),
        _ => String::new(),
    };
    format!(
        "{}\t{}\t{} {} digits {}",
        account.display_name(),
        account.kind.name().to_uppercase(),
        account.algorithm,
        account.digits,
        moving
    )
}

/// Calls `each` for every account of every line; reports bad lines on stderr and carries on.
/// Returns whether every line was usable.
fn for_each_account(
    input: impl BufRead,
    stderr: &mut impl Write,
    mut each: impl FnMut(&Account) -> io::Result<()>,
) -> bool {
    let mut ok = true;
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = match line {
            Ok(line) => Zeroizing::new(line),
            Err(error) => {
                let _ = writeln!(stderr, "countersign: line {number}: {error}");
                return false;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let accounts = match parse_provisioning(&line) {
            Ok(Provisioning::Account(account)) => vec![account],
            Ok(Provisioning::Migration(batch)) => {
                for skipped in &batch.skipped {
                    ok = false;
                    let _ = writeln!(
                        stderr,
                        "countersign: line {number}: account {} ({}): {}",
                        skipped.index + 1,
                        skipped.label,
                        skipped.reason
                    );
                }
                batch.accounts
            }
            Err(error) => {
                ok = false;
                let _ = writeln!(stderr, "countersign: line {number}: {error}");
                continue;
            }
        };
        for account in &accounts {
            if each(account).is_err() {
                // Standard output closed (e.g. piped into `head`): stop quietly.
                return ok;
            }
        }
    }
    ok
}
