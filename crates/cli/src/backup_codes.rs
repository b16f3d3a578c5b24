//! `countersign backup-codes list|add|use QUERY`: an account's backup (recovery) codes.

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use countersign_otp::parse_backup_codes;
use countersign_vault::{BACKUP_CODES_LOW, Entry, listed_backup_codes};
use zeroize::Zeroizing;

use crate::failure::{EXIT_STATUS_HELP, Failure, finish};
use crate::open::{Access, data_dir, store, unlock};
use crate::vault::{PasswordSource, find};

/// The backup-code commands.
#[derive(Subcommand)]
pub enum BackupCodesCommand {
    /// How many backup codes the one account matching QUERY has left and which are used
    /// (when); with --show, the codes themselves, after asking the vault password.
    #[command(after_help = EXIT_STATUS_HELP)]
    List {
        #[command(flatten)]
        password: PasswordSource,
        /// What to look for (as for `code`).
        query: String,
        /// Print the codes too. Always asks for the password, even with a keyring key.
        #[arg(long)]
        show: bool,
    },
    /// Add the backup codes on standard input (as the site shows them; with --password-stdin,
    /// after the password line) to the one account matching QUERY.
    #[command(after_help = EXIT_STATUS_HELP)]
    Add {
        #[command(flatten)]
        password: PasswordSource,
        /// What to look for (as for `code`).
        query: String,
    },
    /// Print the next unused backup code of the one account matching QUERY and mark it used.
    #[command(after_help = EXIT_STATUS_HELP)]
    Use {
        #[command(flatten)]
        password: PasswordSource,
        /// What to look for (as for `code`).
        query: String,
    },
}

/// Runs a backup-code command against `data_dir` (or the default data folder).
pub fn run(command: BackupCodesCommand, data_dir_arg: Option<PathBuf>) -> ExitCode {
    let _ = countersign_vault::disable_core_dumps();
    let dir = match data_dir(data_dir_arg) {
        Ok(dir) => dir,
        Err(failure) => return failure.report(),
    };
    finish(match command {
        BackupCodesCommand::List {
            password,
            query,
            show,
        } => store(&dir, Access::Read).and_then(|store| {
            let vault = unlock(&store, &mut password.passwords(), show)?;
            let entry = find(&vault, &query)?;
            list(entry, show);
            Ok(())
        }),
        BackupCodesCommand::Add { password, query } => {
            store(&dir, Access::Write).and_then(|store| {
                let mut vault = unlock(&store, &mut password.passwords(), false)?;
                let entry = find(&vault, &query)?;
                let (id, name) = (entry.id, entry.account.display_name());
                let mut text = Zeroizing::new(String::new());
                io::stdin()
                    .lock()
                    .read_to_string(&mut text)
                    .map_err(|e| Failure::input(format!("cannot read standard input: {e}")))?;
                let parsed = parse_backup_codes(&text).map_err(|e| Failure::Input(e.to_string()))?;
                let report = vault.add_backup_codes(id, parsed.codes)?;
                let left = listed_backup_codes(&vault.entry(id).expect("just found").backup_codes)
                    .filter(|code| code.used_ms.is_none())
                    .count();
                println!(
                    "added: {} backup code(s) to {name}; {} already listed, {} repeated; {left} left",
                    report.added, report.already_listed, parsed.duplicates
                );
                Ok(())
            })
        }
        BackupCodesCommand::Use { password, query } => {
            store(&dir, Access::Write).and_then(|store| {
                let mut vault = unlock(&store, &mut password.passwords(), false)?;
                let id = find(&vault, &query)?.id;
                let code = vault.use_backup_code(id)?;
                println!("{}", code.as_str());
                let left = listed_backup_codes(&vault.entry(id).expect("just used").backup_codes)
                    .filter(|code| code.used_ms.is_none())
                    .count();
                eprintln!("countersign: marked used; {left} backup code(s) left");
                if left <= BACKUP_CODES_LOW {
                    eprintln!(
                        "countersign: warning: only {left} left; get new codes from the site"
                    );
                }
                Ok(())
            })
        }
    })
}

/// Prints the counts (and with `show`, every code): "left: 8 of 10", then one line per used
/// code with its time, or per code with `show`.
fn list(entry: &Entry, show: bool) {
    let codes: Vec<_> = listed_backup_codes(&entry.backup_codes).collect();
    let left = codes.iter().filter(|code| code.used_ms.is_none()).count();
    println!("left: {left} of {}", codes.len());
    for (index, code) in codes.iter().enumerate() {
        let used = code
            .used_ms
            .map_or_else(|| "unused".to_owned(), |ms| format!("used {}", utc(ms)));
        if show {
            println!("{}\t{}\t{used}", index + 1, code.code.as_str());
        } else if code.used_ms.is_some() {
            println!("{}\t{used}", index + 1);
        }
    }
    if !codes.is_empty() && left <= BACKUP_CODES_LOW {
        eprintln!(
            "countersign: warning: only {left} backup code(s) left; get new codes from the site"
        );
    }
}

/// A time as "2026-12-06 11:52 UTC": the date from the day count by Howard Hinnant's
/// `civil_from_days` (a few lines instead of a date crate for one line of output).
fn utc(ms: u64) -> String {
    let seconds = ms / 1000;
    let (days, of_day) = ((seconds / 86_400) as i64, seconds % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        of_day / 3600,
        of_day % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn times_read_as_utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(utc(1_796_557_920_000), "2026-12-06 11:52 UTC");
    }
}
