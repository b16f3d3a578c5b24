//! Export, then import: every exporter, Countersign's own backup included, gives back the
//! accounts it was given, as far as its format can hold them, for random accounts of every kind,
//! algorithm, digit count, period and unicode names.

use countersign_backup::{
    Account, Algorithm, ExportLimit, Kind, Secret, export_account_qr, export_aegis_encrypted,
    export_aegis_plain, export_migration_qr, export_uris, format_by_id,
};
use countersign_vault::{KdfParams, backup_file};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Any printable text; otpauth URIs and Google's decoder trim names, so generated names are
    // trimmed too.
    "\\PC{0,16}".prop_map(|s| s.trim().to_owned())
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        (1..=86_400u32).prop_map(|period| Kind::Totp { period }),
        Just(Kind::Totp { period: 30 }),
        any::<u64>().prop_map(|counter| Kind::Hotp { counter }),
        (0..=i64::MAX as u64).prop_map(|counter| Kind::Hotp { counter }),
        (1..=86_400u32).prop_map(|period| Kind::Steam { period }),
    ]
}

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ]
}

prop_compose! {
    fn account()(
        issuer in text(),
        name in text(),
        secret in prop::collection::vec(any::<u8>(), 1..64),
        kind in kind(),
        algorithm in algorithm(),
        digits in prop_oneof![1..=10u8, Just(6u8), Just(8u8)],
        note in "\\PC{0,40}",
        group in prop::option::of("\\PC{1,12}"),
        favourite in any::<bool>(),
    ) -> Account {
        let mut account = Account::totp(issuer, name, Secret::from_bytes(secret).unwrap());
        account.kind = kind;
        account.algorithm = algorithm;
        account.digits = digits;
        if let Kind::Steam { .. } = kind {
            account.algorithm = Algorithm::Sha1;
            account.digits = 5;
        }
        account.note = note;
        account.group = group;
        account.favourite = favourite;
        account
    }
}

/// What an otpauth:// URI or a migration QR carries: no note, group or favourite.
fn uri_fields(account: &Account) -> Account {
    let mut kept = Account::totp(
        account.issuer.clone(),
        account.name.clone(),
        account.secret.clone(),
    );
    kept.kind = account.kind;
    kept.algorithm = account.algorithm;
    kept.digits = account.digits;
    kept
}

fn import(format: &str, bytes: &[u8], password: Option<&str>) -> Vec<Account> {
    let imported = format_by_id(format)
        .unwrap()
        .import(bytes, password)
        .unwrap();
    let invalid: Vec<_> = imported.invalid().collect();
    assert!(invalid.is_empty(), "{invalid:?}");
    imported.into_accounts()
}

/// A TOTP account of issuer "Steam" and 5 digits reads back as Steam from a URI (Steam Guard
/// exports look like that); random names essentially never hit it, but rule it out.
fn not_steam_lookalike(account: &Account) -> bool {
    !account.issuer.eq_ignore_ascii_case("steam")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Aegis keeps everything but Countersign's icon choice and time offset (never set here).
    #[test]
    fn aegis_plain(accounts in prop::collection::vec(account(), 0..12)) {
        let file = export_aegis_plain(&accounts);
        prop_assert_eq!(
            format_by_id("aegis").unwrap().detect(file.as_bytes()),
            countersign_backup::Detection::Certain
        );
        prop_assert_eq!(import("aegis", file.as_bytes(), None), accounts);
    }

    /// Countersign's own backup keeps every field (icons and time offsets too, not set here).
    #[test]
    fn countersign_backup(accounts in prop::collection::vec(account(), 0..12), password in "\\PC{1,20}") {
        let entries = backup_file::entries_of(accounts.clone());
        // Tiny Argon2 parameters: the format, not the KDF's cost, is under test.
        let file = backup_file::write(&entries, &password, KdfParams::new(64, 1, 1).unwrap()).unwrap();
        prop_assert_eq!(countersign_backup::detect_format(&file).unwrap().id(), "countersign");
        prop_assert_eq!(import("countersign", &file, Some(&password)), accounts);
    }

    #[test]
    fn uri_list(accounts in prop::collection::vec(account().prop_filter("Steam look-alike", not_steam_lookalike), 1..12)) {
        let file = export_uris(&accounts);
        let expected: Vec<_> = accounts.iter().map(uri_fields).collect();
        prop_assert_eq!(import("uris", file.as_bytes(), None), expected);
    }

    /// Google's format holds 30 s TOTP and HOTP with 6 or 8 digits: the rest is left out and
    /// listed. Its decoder reads "prefix:rest" names as "issuer:name", so names avoid ':'.
    #[test]
    fn migration_qr(accounts in prop::collection::vec(
        account().prop_filter("no ':' in names", |a| !a.name.contains(':') && !a.issuer.contains(':')),
        0..8,
    )) {
        let export = export_migration_qr(&accounts, 3).unwrap();
        let fits = |account: &Account| match account.kind {
            Kind::Steam { .. } => Err(ExportLimit::Steam),
            Kind::Totp { period } if period != 30 => Err(ExportLimit::Period(period)),
            _ if ![6, 8].contains(&account.digits) => Err(ExportLimit::Digits(account.digits)),
            _ => Ok(()),
        };
        let left_out: Vec<_> = accounts
            .iter()
            .enumerate()
            .filter_map(|(index, account)| fits(account).err().map(|limit| (index, limit)))
            .collect();
        prop_assert_eq!(&export.left_out, &left_out);
        let expected: Vec<_> = accounts
            .iter()
            .filter(|account| fits(account).is_ok())
            .map(uri_fields)
            .map(|mut account| {
                // The format's counter is an int64.
                if let Kind::Hotp { counter } = account.kind {
                    account.kind = Kind::Hotp { counter: counter.min(i64::MAX as u64) };
                }
                account
            })
            .collect();
        prop_assert_eq!(export.codes.len(), expected.len().div_ceil(3).max(1));
        let lines: String = export
            .codes
            .iter()
            .map(|code| format!("{}\n", *code.text))
            .collect();
        prop_assert!(export.codes.iter().all(|code| code.svg.starts_with("<?xml") && code.svg.contains("<svg")));
        prop_assert_eq!(import("google", lines.as_bytes(), None), expected);
    }
}

proptest! {
    // Rendering a QR code per account, and scrypt, cost more per case.
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn one_qr_per_account(accounts in prop::collection::vec(account().prop_filter("Steam look-alike", not_steam_lookalike), 0..6)) {
        let codes = export_account_qr(&accounts).unwrap();
        prop_assert_eq!(codes.len(), accounts.len());
        for (code, account) in codes.iter().zip(&accounts) {
            prop_assert_eq!(&code.label, &account.display_name());
            prop_assert!(code.svg.contains("<svg"));
            prop_assert_eq!(import("uris", code.text.as_bytes(), None), vec![uri_fields(account)]);
        }
    }

    #[test]
    fn aegis_encrypted(accounts in prop::collection::vec(account(), 0..6), password in "\\PC{0,20}") {
        let file = export_aegis_encrypted(&accounts, &password);
        let aegis = format_by_id("aegis").unwrap();
        prop_assert!(aegis.is_encrypted(file.as_bytes()));
        prop_assert_eq!(import("aegis", file.as_bytes(), Some(&password)), accounts);
        let wrong = format!("{password}x");
        prop_assert_eq!(
            aegis.import(file.as_bytes(), Some(&wrong)).unwrap_err().kind(),
            "wrong_password"
        );
    }
}
