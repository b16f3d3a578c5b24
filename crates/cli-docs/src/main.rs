//! Writes the `countersign` man pages (one per command and subcommand) and its shell completions
//! (bash, zsh, fish) from the clap definition the binary itself parses with, so they cannot
//! drift from it. `make package` runs it; the Linux packages install what it writes.
//!
//! Usage: `countersign-cli-docs OUT_DIR` writes `OUT_DIR/man1/*.1` and
//! `OUT_DIR/completions/{countersign.bash,_countersign,countersign.fish}`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap_complete::Shell;

/// The name the completions complete: the installed binary's.
const BINARY: &str = "countersign";

/// The shells whose completions the packages install.
const SHELLS: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

/// What [`write_all`] wrote.
#[derive(Debug)]
struct Written {
    /// The man pages, sorted by file name (`countersign.1`, `countersign-add.1`, ...).
    man_pages: Vec<PathBuf>,
    /// One completion script per shell of [`SHELLS`], in that order.
    completions: Vec<PathBuf>,
}

/// Writes the man pages into `out/man1` and the completions into `out/completions`, replacing
/// what an earlier run left there (a page for a subcommand since removed must not ship).
fn write_all(out: &Path) -> std::io::Result<Written> {
    let man_dir = out.join("man1");
    let completions_dir = out.join("completions");
    for dir in [&man_dir, &completions_dir] {
        if dir.exists() {
            fs::remove_dir_all(dir)?;
        }
        fs::create_dir_all(dir)?;
    }
    clap_mangen::generate_to(countersign_cli::command(), &man_dir)?;
    let mut man_pages = fs::read_dir(&man_dir)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    man_pages.sort();
    let completions = SHELLS
        .into_iter()
        .map(|shell| {
            clap_complete::generate_to(
                shell,
                &mut countersign_cli::command(),
                BINARY,
                &completions_dir,
            )
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok(Written {
        man_pages,
        completions,
    })
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), None) = (args.next(), args.next()) else {
        eprintln!("usage: countersign-cli-docs OUT_DIR");
        return ExitCode::from(2);
    };
    let out = PathBuf::from(out);
    match write_all(&out) {
        Ok(written) => {
            println!(
                "{} man pages and {} shell completions in {}",
                written.man_pages.len(),
                written.completions.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!(
                "countersign-cli-docs: writing into {}: {error}",
                out.display()
            );
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    /// Every command path below `command` that a person can type (clap's own `help` aside),
    /// each as its words: `["countersign", "key", "pin", "set"]`.
    fn command_paths(command: &clap::Command, path: &[String], paths: &mut Vec<Vec<String>>) {
        let mut here = path.to_vec();
        here.push(command.get_name().to_owned());
        for sub in command.get_subcommands() {
            if sub.get_name() != "help" && !sub.is_hide_set() {
                command_paths(sub, &here, paths);
            }
        }
        paths.push(here);
    }

    fn all_paths() -> Vec<Vec<String>> {
        let mut paths = Vec::new();
        command_paths(&countersign_cli::command(), &[], &mut paths);
        paths
    }

    /// `man -l PAGE` as a person reads it (plain text, 100 columns), with groff's warnings.
    fn render(page: &Path) -> (String, String) {
        let output = Command::new("man")
            .args(["--warnings", "-l"])
            .arg(page)
            .env("MANWIDTH", "100")
            .env("MAN_KEEP_FORMATTING", "")
            .env_remove("MANPAGER")
            .env("PAGER", "cat")
            .output()
            .expect("man (man-db) is installed: scripts/install-deps.sh adds it");
        assert!(
            output.status.success(),
            "man -l {}: {output:?}",
            page.display()
        );
        (
            String::from_utf8(output.stdout).expect("UTF-8 page"),
            String::from_utf8(output.stderr).expect("UTF-8 warnings"),
        )
    }

    #[test]
    fn every_subcommand_has_a_page_and_its_parent_page_names_it() {
        let out = tempfile::tempdir().unwrap();
        let written = write_all(out.path()).unwrap();
        let paths = all_paths();
        // The tree is what the binary parses: a few commands everyone knows are in it.
        for known in [
            ["countersign", "init"],
            ["countersign", "code"],
            ["countersign", "key"],
        ] {
            assert!(paths.iter().any(|p| p == &known), "{known:?} in {paths:?}");
        }
        assert!(
            paths.iter().any(|p| p.len() == 4),
            "nested subcommands: {paths:?}"
        );
        let expected: Vec<PathBuf> = {
            let mut pages: Vec<PathBuf> = paths
                .iter()
                .map(|p| out.path().join("man1").join(format!("{}.1", p.join("-"))))
                .collect();
            pages.sort();
            pages
        };
        assert_eq!(written.man_pages, expected);
        for path in paths.iter().filter(|p| p.len() > 1) {
            let parent = out
                .path()
                .join("man1")
                .join(format!("{}.1", path[..path.len() - 1].join("-")));
            let (text, _) = render(&parent);
            // Listed under SUBCOMMANDS as a reference to its own page.
            let reference = format!("{}(1)", path.join("-"));
            assert!(
                text.lines().any(|line| line.trim() == reference),
                "{} names {reference}:\n{text}",
                parent.display()
            );
        }
    }

    #[test]
    fn man_renders_every_page_without_a_warning() {
        let out = tempfile::tempdir().unwrap();
        let written = write_all(out.path()).unwrap();
        for page in &written.man_pages {
            let (text, warnings) = render(page);
            assert_eq!(warnings, "", "groff warns about {}", page.display());
            let title = page.file_stem().unwrap().to_str().unwrap();
            assert!(text.contains("NAME"), "{text}");
            assert!(text.contains("SYNOPSIS"), "{text}");
            assert!(text.contains(title), "{title} in:\n{text}");
        }
        let (top, _) = render(&out.path().join("man1/countersign.1"));
        assert!(
            top.contains("countersign - Two-factor codes, accounts and security keys from the"),
            "{top}"
        );
        assert!(
            top.contains(&format!("v{}", env!("CARGO_PKG_VERSION"))),
            "the version: {top}"
        );
    }

    /// What bash's completion offers after `words` (the last one being completed).
    fn bash_completes(script: &Path, words: &[&str]) -> Vec<String> {
        let line = format!(
            "source {script}; COMP_WORDS=({words}); COMP_CWORD={index}; COMP_LINE='{joined}'; \
             COMP_POINT=${{#COMP_LINE}}; _{BINARY} {BINARY} '{current}' '{previous}'; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script = script.display(),
            words = words.join(" "),
            index = words.len() - 1,
            joined = words.join(" "),
            current = words.last().unwrap(),
            previous = words[words.len() - 2],
        );
        let output = Command::new("bash")
            .args(["--norc", "-c", &line])
            .output()
            .expect("bash");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn bash_completes_subcommands_and_their_options() {
        let out = tempfile::tempdir().unwrap();
        let written = write_all(out.path()).unwrap();
        let names: Vec<&str> = written
            .completions
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["countersign.bash", "_countersign", "countersign.fish"]
        );
        let bash = &written.completions[0];
        assert_eq!(bash_completes(bash, &["countersign", "ke"]), ["key"]);
        assert_eq!(
            bash_completes(bash, &["countersign", "key", "pin", "c"]),
            ["change"]
        );
        assert!(
            bash_completes(bash, &["countersign", "init", "--k"]).contains(&"--keyring".into())
        );
        // zsh and fish are not installed here: their scripts at least know every subcommand.
        for script in &written.completions[1..] {
            let text = fs::read_to_string(script).unwrap();
            for path in all_paths().iter().filter(|p| p.len() == 2) {
                assert!(
                    text.contains(&path[1]),
                    "{} knows `{}`",
                    script.display(),
                    path[1]
                );
            }
        }
    }
}
