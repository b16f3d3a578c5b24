//! `countersign backup-codes list|add|use` as a script sees them: the real binary, a data
//! folder of its own, stdin in, stdout/stderr/exit status out.

use std::path::Path;

use countersign_otp::{Account, Secret};
use countersign_vault::{KdfParams, Store};

mod common;

use common::{run_in as countersign, stderr, stdout};

/// A vault with cheap Argon2 parameters holding one account, GitHub (alice).
fn vault(dir: &Path) {
    let store = Store::open(dir)
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap());
    let (mut vault, _) = store.create(Some("pw"), false).unwrap();
    let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
    vault.add(Account::totp("GitHub", "alice", secret)).unwrap();
}

/// Google's layout: a heading, numbered codes in two columns, notes.
const GOOGLE_BLOCK: &str = "SAVE YOUR BACKUP CODES\n\
    Keep these backup codes somewhere safe but accessible.\n\n\
    1. 4259 3086\t\t3. 7164 9254\n\
    2. 1830 5527\t\t4. 6642 0191\n\n\
    * You can only use each backup code once.\n";

#[test]
fn add_use_and_list_codes_by_the_account() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());

    let add = countersign(
        dir.path(),
        &["backup-codes", "add", "github", "--password-stdin"],
        &format!("pw\n{GOOGLE_BLOCK}"),
    );
    assert!(add.status.success(), "{add:?}");
    assert_eq!(
        stdout(&add),
        "added: 4 backup code(s) to GitHub (alice); 0 already listed, 0 repeated; 4 left\n"
    );

    // Adding the same block again adds nothing.
    let again = countersign(
        dir.path(),
        &["backup-codes", "add", "github", "--password-stdin"],
        &format!("pw\n{GOOGLE_BLOCK}"),
    );
    assert_eq!(
        stdout(&again),
        "added: 0 backup code(s) to GitHub (alice); 4 already listed, 0 repeated; 4 left\n"
    );

    // `use` hands out the codes in printed order, each once.
    let mut handed_out = Vec::new();
    for left in [3, 2] {
        let used = countersign(
            dir.path(),
            &["backup-codes", "use", "github", "--password-stdin"],
            "pw\n",
        );
        assert!(used.status.success(), "{used:?}");
        handed_out.push(stdout(&used));
        assert!(
            stderr(&used).contains(&format!("marked used; {left} backup code(s) left")),
            "{}",
            stderr(&used)
        );
    }
    assert_eq!(handed_out, ["4259 3086\n", "7164 9254\n"]);

    // The list shows counts and dates, not codes; the warning comes at two left.
    let list = countersign(
        dir.path(),
        &["backup-codes", "list", "github", "--password-stdin"],
        "pw\n",
    );
    assert!(list.status.success(), "{list:?}");
    let out = stdout(&list);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "left: 2 of 4");
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with("1\tused 20"), "{out}");
    assert!(lines[2].starts_with("2\tused 20"), "{out}");
    for code in ["4259", "7164", "1830", "6642"] {
        assert!(!out.contains(code), "{out}");
    }
    assert!(stderr(&list).contains("warning: only 2 backup code(s) left"));

    // --show prints every code, after the password.
    let shown = countersign(
        dir.path(),
        &[
            "backup-codes",
            "list",
            "github",
            "--show",
            "--password-stdin",
        ],
        "pw\n",
    );
    let out = stdout(&shown);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "left: 2 of 4");
    assert!(lines[1].starts_with("1\t4259 3086\tused 20"), "{out}");
    assert_eq!(
        &lines[3..],
        ["3\t1830 5527\tunused", "4\t6642 0191\tunused"]
    );
    let wrong = countersign(
        dir.path(),
        &[
            "backup-codes",
            "list",
            "github",
            "--show",
            "--password-stdin",
        ],
        "nope\n",
    );
    assert_eq!(wrong.status.code(), Some(3), "{wrong:?}");
    assert!(wrong.stdout.is_empty());
}

#[test]
fn bad_blocks_and_used_up_lists_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    vault(dir.path());
    let bad = countersign(
        dir.path(),
        &["backup-codes", "add", "github", "--password-stdin"],
        "pw\n1234 5678\n2345_6789\n",
    );
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    assert_eq!(
        stderr(&bad),
        "countersign: line 2 is not a backup code: it has a character other than letters, digits, '-' and spaces\n"
    );
    let none = countersign(
        dir.path(),
        &["backup-codes", "use", "github", "--password-stdin"],
        "pw\n",
    );
    assert_eq!(none.status.code(), Some(1), "{none:?}");
    assert_eq!(
        stderr(&none),
        "countersign: no unused backup code is left for this account\n"
    );
    let nobody = countersign(
        dir.path(),
        &["backup-codes", "list", "gitlab", "--password-stdin"],
        "pw\n",
    );
    assert_eq!(nobody.status.code(), Some(14), "{nobody:?}");
}
