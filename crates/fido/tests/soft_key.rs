//! Management operations against the in-process OpenSK authenticator, through the same CTAPHID
//! and CTAP2 code that talks to USB keys.

use countersign_fido::soft::{Presence, SOFT_KEY_AAGUID, SoftAuthenticator};
use countersign_fido::{
    Algorithm, AssertionRequest, CtapKey, Error, MakeCredentialRequest, Pin, Protocol, SecurityKey,
    User, client_data_json,
};
use std::time::Duration;

fn fresh() -> (SoftAuthenticator, CtapKey) {
    let device = SoftAuthenticator::new().unwrap();
    let key = device.connect().unwrap();
    (device, key)
}

fn request(rp_id: &str, user: &str, discoverable: bool) -> MakeCredentialRequest {
    MakeCredentialRequest {
        client_data_json: client_data_json(
            "webauthn.create",
            &[7; 32],
            &format!("https://{rp_id}"),
        ),
        rp_id: rp_id.into(),
        rp_name: format!("{rp_id} name"),
        user: User {
            id: user.as_bytes().to_vec(),
            name: Some(format!("{user}@{rp_id}")),
            display_name: Some(user.to_uppercase()),
        },
        algorithms: vec![Algorithm::Es256],
        discoverable,
        user_verification: false,
        hmac_secret: false,
        exclude: vec![],
    }
}

#[test]
fn info_of_a_fresh_key() {
    let (_device, key) = fresh();
    let info = key.info().unwrap();
    assert_eq!(
        info.aaguid,
        uuid::Uuid::from_bytes(SOFT_KEY_AAGUID).to_string()
    );
    assert_eq!(
        info.model.as_deref(),
        Some("Countersign software key (OpenSK)")
    );
    assert!(info.is_ctap21(), "{:?}", info.versions);
    assert!(info.versions.iter().any(|v| v == "FIDO_2_0"));
    assert_eq!(info.pin_set, Some(false));
    assert_eq!(info.pin_retries, None);
    assert_eq!(info.option("rk"), Some(true));
    assert_eq!(info.option("credMgmt"), Some(true));
    assert!(info.pin_protocols.contains(&1) && info.pin_protocols.contains(&2));
    assert!(
        info.algorithms.contains(&-7) && info.algorithms.contains(&-8),
        "{:?}",
        info.algorithms
    );
    assert!(info.has_extension("hmac-secret"));
    assert_eq!(info.min_pin_length, 4);
    assert!(info.remaining_discoverable_credentials.unwrap() > 0);
    assert!(!info.force_pin_change);
}

#[test]
fn set_and_change_pin_with_both_protocols() {
    for protocol in [Protocol::One, Protocol::Two] {
        let device = SoftAuthenticator::new().unwrap();
        let key = device.connect().unwrap().with_pin_protocol(protocol);
        assert!(matches!(
            key.set_pin(&Pin::new("12")),
            Err(Error::PinPolicy(countersign_fido::PinRule::TooShort {
                min: 4
            }))
        ));
        key.set_pin(&Pin::new("1234")).unwrap();
        let info = key.info().unwrap();
        assert_eq!(info.pin_set, Some(true));
        assert_eq!(info.pin_retries, Some(8));
        assert_eq!(key.set_pin(&Pin::new("5555")), Err(Error::NotAllowed));
        assert_eq!(
            key.change_pin(&Pin::new("0000"), &Pin::new("5678")),
            Err(Error::PinInvalid { retries: Some(7) })
        );
        key.change_pin(&Pin::new("1234"), &Pin::new("5678"))
            .unwrap();
        // A correct PIN restores the counter; the old PIN no longer works.
        assert_eq!(key.pin_retries().unwrap().retries, 8);
        assert_eq!(key.passkeys(&Pin::new("5678")), Ok(vec![]));
        assert_eq!(
            key.passkeys(&Pin::new("1234")),
            Err(Error::PinInvalid { retries: Some(7) })
        );
    }
}

#[test]
fn wrong_pins_lead_to_power_cycles_then_a_blocked_pin() {
    let (device, key) = fresh();
    key.set_pin(&Pin::new("1234")).unwrap();
    let wrong = Pin::new("9999");
    let mut seen = Vec::new();
    for _ in 0..8 {
        let error = key.passkeys(&wrong).unwrap_err();
        if error == Error::PinAuthBlocked {
            assert!(key.pin_retries().unwrap().power_cycle_needed);
            // Even the right PIN is refused until the key is replugged.
            assert_eq!(key.passkeys(&Pin::new("1234")), Err(Error::PinAuthBlocked));
            device.replug();
        }
        seen.push(error);
    }
    assert_eq!(
        seen,
        vec![
            Error::PinInvalid { retries: Some(7) },
            Error::PinInvalid { retries: Some(6) },
            Error::PinAuthBlocked,
            Error::PinInvalid { retries: Some(4) },
            Error::PinInvalid { retries: Some(3) },
            Error::PinAuthBlocked,
            Error::PinInvalid { retries: Some(1) },
            Error::PinBlocked,
        ]
    );
    assert_eq!(key.pin_retries().unwrap().retries, 0);
    assert_eq!(key.passkeys(&Pin::new("1234")), Err(Error::PinBlocked));
}

#[test]
fn passkeys_are_listed_by_site_and_deleted() {
    let (_device, key) = fresh();
    let pin = Pin::new("246810");
    assert_eq!(key.passkeys(&pin), Err(Error::PinNotSet));
    key.set_pin(&pin).unwrap();
    assert_eq!(key.passkeys(&pin), Ok(vec![]));
    let a = key
        .make_credential(&request("a.example", "alice", true), Some(&pin))
        .unwrap();
    let b = key
        .make_credential(&request("b.example", "bob", true), Some(&pin))
        .unwrap();
    key.make_credential(&request("c.example", "carol", false), Some(&pin))
        .unwrap();
    let mut passkeys = key.passkeys(&pin).unwrap();
    passkeys.sort_by(|x, y| x.rp_id.cmp(&y.rp_id));
    let summary: Vec<_> = passkeys
        .iter()
        .map(|p| {
            (
                p.rp_id.as_str(),
                p.user.name.as_deref().unwrap(),
                p.credential_id.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("a.example", "alice@a.example", a.credential_id.clone()),
            ("b.example", "bob@b.example", b.credential_id.clone()),
        ]
    );
    assert_eq!(passkeys[0].user.id, b"alice");
    assert_eq!(passkeys[0].user.display_name.as_deref(), Some("ALICE"));
    key.delete_passkey(&pin, &a.credential_id).unwrap();
    let left: Vec<_> = key
        .passkeys(&pin)
        .unwrap()
        .into_iter()
        .map(|p| p.rp_id)
        .collect();
    assert_eq!(left, vec!["b.example"]);
    assert_eq!(
        key.delete_passkey(&pin, &a.credential_id),
        Err(Error::NoCredentials)
    );
}

#[test]
fn discoverable_credentials_sign_in_without_an_allow_list() {
    let (_device, key) = fresh();
    let pin = Pin::new("1234");
    key.set_pin(&pin).unwrap();
    let first = key
        .make_credential(&request("a.example", "alice", true), Some(&pin))
        .unwrap();
    let second = key
        .make_credential(&request("a.example", "bob", true), Some(&pin))
        .unwrap();
    let assertions = key
        .get_assertion(
            &AssertionRequest {
                client_data_json: client_data_json("webauthn.get", &[1; 32], "https://a.example"),
                rp_id: "a.example".into(),
                allow: vec![],
                user_presence: true,
                user_verification: false,
                hmac_salt: None,
            },
            Some(&pin),
        )
        .unwrap();
    let mut ids: Vec<_> = assertions.iter().map(|a| a.credential_id.clone()).collect();
    ids.sort();
    let mut expected = vec![first.credential_id, second.credential_id];
    expected.sort();
    assert_eq!(ids, expected);
    let mut users: Vec<_> = assertions
        .iter()
        .map(|a| a.user.clone().unwrap().id)
        .collect();
    users.sort();
    assert_eq!(users, vec![b"alice".to_vec(), b"bob".to_vec()]);
}

#[test]
fn excluded_and_declined_and_cancelled_operations() {
    let (device, key) = fresh();
    let made = key
        .make_credential(&request("x.example", "u", false), None)
        .unwrap();
    let mut again = request("x.example", "u", false);
    again.exclude = vec![made.credential_id];
    assert_eq!(
        key.make_credential(&again, None),
        Err(Error::CredentialExcluded)
    );

    device.set_presence(Presence::Decline);
    assert_eq!(
        key.make_credential(&request("x.example", "v", false), None),
        Err(Error::OperationDenied)
    );
    device.set_presence(Presence::Ignore);
    assert_eq!(
        key.make_credential(&request("x.example", "v", false), None),
        Err(Error::Timeout)
    );
    device.set_presence(Presence::Touch);

    key.cancel();
    assert_eq!(key.info(), Err(Error::Cancelled));
    // The cancel is consumed: the next operation runs.
    assert!(key.info().is_ok());
}

#[test]
fn reset_only_right_after_power_up() {
    let (device, key) = fresh();
    let pin = Pin::new("1234");
    // Just plugged in: allowed, and it erases the PIN.
    key.reset().unwrap();
    key.set_pin(&pin).unwrap();
    key.make_credential(&request("a.example", "alice", true), Some(&pin))
        .unwrap();

    // Long after plug-in (and after other commands): refused.
    assert_eq!(key.reset(), Err(Error::NotAllowed));
    device.replug();
    device.advance_clock(Duration::from_secs(11));
    assert_eq!(key.reset(), Err(Error::NotAllowed));
    assert_eq!(key.info().unwrap().pin_set, Some(true));

    // Replugged and quick: allowed; the PIN and passkeys are gone.
    device.replug();
    key.reset().unwrap();
    let info = key.info().unwrap();
    assert_eq!(info.pin_set, Some(false));
    key.set_pin(&pin).unwrap();
    assert_eq!(key.passkeys(&pin), Ok(vec![]));
}

#[test]
fn fingerprints_enrol_rename_and_remove() {
    let (_device, key) = fresh();
    let pin = Pin::new("1234");
    key.set_pin(&pin).unwrap();
    assert_eq!(key.fingerprints(&pin), Ok(vec![]));
    let mut steps = Vec::new();
    let print = key
        .enroll_fingerprint(&pin, &mut |p| steps.push(p.remaining_samples))
        .unwrap();
    assert_eq!(steps, vec![1, 0]);
    key.rename_fingerprint(&pin, &print.id, "left thumb")
        .unwrap();
    let listed = key.fingerprints(&pin).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, print.id);
    assert_eq!(listed[0].name.as_deref(), Some("left thumb"));
    key.remove_fingerprint(&pin, &print.id).unwrap();
    assert_eq!(key.fingerprints(&pin), Ok(vec![]));
}

#[test]
fn wink_and_label() {
    let (_device, key) = fresh();
    assert_eq!(key.label(), "Software key (OpenSK)");
    key.wink().unwrap();
}

#[test]
fn always_uv_turns_on_and_off_with_the_pin() {
    let (_device, key) = fresh();
    assert_eq!(key.info().unwrap().option("alwaysUv"), Some(false));
    let pin = Pin::new("4321");
    key.set_pin(&pin).unwrap();

    // With a PIN set, the key takes the change only with it.
    assert!(matches!(
        key.set_always_uv(None, true),
        Err(Error::PinRequired)
    ));
    let wrong = Pin::new("0000");
    assert!(matches!(
        key.set_always_uv(Some(&wrong), true),
        Err(Error::PinInvalid { .. })
    ));
    assert_eq!(key.info().unwrap().option("alwaysUv"), Some(false));

    key.set_always_uv(Some(&pin), true).unwrap();
    assert_eq!(key.info().unwrap().option("alwaysUv"), Some(true));
    // Asking for what already is changes nothing (toggling would turn it off).
    key.set_always_uv(Some(&pin), true).unwrap();
    assert_eq!(key.info().unwrap().option("alwaysUv"), Some(true));
    key.set_always_uv(Some(&pin), false).unwrap();
    assert_eq!(key.info().unwrap().option("alwaysUv"), Some(false));
}
