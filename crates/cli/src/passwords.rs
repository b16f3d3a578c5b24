//! Passwords, from standard input (one per line, for scripts) or asked on the terminal without
//! echo: the one reader every command uses.

use std::io::{self, BufRead, IsTerminal, StdinLock};

use zeroize::Zeroizing;

use crate::failure::Failure;

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
        read_line(stdin, what)
    }

    /// A new password: one line of standard input, or asked twice on the terminal.
    pub fn new_password(&mut self, what: &str) -> Result<Zeroizing<String>, Failure> {
        let password = self.next(what)?;
        if !self.read_from_stdin() && *self.next(&format!("{what} again"))? != *password {
            return Err(Failure::input("the two passwords differ"));
        }
        Ok(password)
    }
}

/// One line of `input` without its line ending, in memory wiped after use.
fn read_line(input: &mut impl BufRead, what: &str) -> Result<Zeroizing<String>, Failure> {
    let mut line = Zeroizing::new(String::new());
    match input.read_line(&mut line) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_loses_its_ending_and_an_ended_input_is_named() {
        let mut input = "pässword\r\nsecond\n".as_bytes();
        assert_eq!(*read_line(&mut input, "the password").unwrap(), "pässword");
        assert_eq!(*read_line(&mut input, "the password").unwrap(), "second");
        let ended = read_line(&mut input, "the new password").unwrap_err();
        assert_eq!(
            ended.to_string(),
            "standard input ended before the new password"
        );
    }
}
