//! `countersign key ...` (USB security keys) and `countersign webauthn ...` (the offline
//! WebAuthn verifier for people who implement WebAuthn on their servers).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use countersign_fido::{
    CtapKey, Error, KeyEvent, KeyInfo, Pin, Policy, Report, SecurityKey, TestOptions, Verdict, b64,
    list_keys, open_key, registration_test, verify_assertion_with, verify_registration_with,
};
use serde::Serialize;

use crate::failure::Failure;

/// Security-key commands.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// List the FIDO keys plugged in.
    List {
        /// Print a JSON array of {path, product, manufacturer, vendor_id, product_id}.
        #[arg(long)]
        json: bool,
    },
    /// Show what a key is: model, AAGUID, versions, options, PIN state.
    Info {
        #[command(flatten)]
        select: Select,
        /// Print the information as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Register a test credential and sign with it, verifying every step as a website would.
    Test {
        #[command(flatten)]
        select: Select,
        #[command(flatten)]
        pin: PinSource,
        /// Skip the discoverable credential (which is deleted again after the test).
        #[arg(long)]
        no_discoverable: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set or change the PIN, or show the attempts left.
    Pin {
        #[command(subcommand)]
        command: PinCommand,
    },
    /// List or delete the passkeys (discoverable credentials) stored on a key.
    Passkeys {
        #[command(subcommand)]
        command: PasskeysCommand,
    },
    /// Erase every credential and the PIN. Only allowed within seconds of plugging the key in.
    Reset {
        #[command(flatten)]
        select: Select,
        /// Confirm that every passkey on the key may be destroyed.
        #[arg(long)]
        yes: bool,
    },
}

/// PIN commands.
#[derive(Subcommand)]
pub enum PinCommand {
    /// Set the first PIN (asked twice).
    Set {
        #[command(flatten)]
        select: Select,
    },
    /// Change the PIN (asks for the current one, then the new one twice).
    Change {
        #[command(flatten)]
        select: Select,
    },
    /// Show how many PIN attempts are left.
    Retries {
        #[command(flatten)]
        select: Select,
        /// Print {retries, power_cycle_needed} as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Passkey commands.
#[derive(Subcommand)]
pub enum PasskeysCommand {
    /// List passkeys, grouped by site.
    List {
        #[command(flatten)]
        select: Select,
        #[command(flatten)]
        pin: PinSource,
        /// Print a JSON array of passkeys.
        #[arg(long)]
        json: bool,
    },
    /// Delete one passkey.
    Delete {
        #[command(flatten)]
        select: Select,
        #[command(flatten)]
        pin: PinSource,
        /// The credential ID (base64url) from `passkeys list`.
        #[arg(long, value_name = "B64URL")]
        credential_id: String,
    },
}

/// Which key to use.
#[derive(Args)]
pub struct Select {
    /// The key's path from `key list` (default: the only key plugged in).
    #[arg(long, value_name = "PATH")]
    path: Option<String>,
    /// Use a fresh in-memory software key instead of a USB key (for trying things out).
    #[arg(long, hide = true, conflicts_with = "path")]
    soft_key: bool,
}

/// Where a PIN comes from when a command can use one.
#[derive(Args)]
pub struct PinSource {
    /// Ask for the key's PIN (or read it from COUNTERSIGN_PIN).
    #[arg(long)]
    pin: bool,
}

/// The offline WebAuthn verifier.
#[derive(Subcommand)]
pub enum WebauthnCommand {
    /// Verify a registration (navigator.credentials.create) check by check.
    ///
    /// FILE arguments hold raw bytes or base64url text. Exits 1 if any check fails. A valid
    /// attestation whose certificate chain ends at a root Countersign does not bundle is
    /// "valid, chain to an unknown root" and exits 0, unless --require-trusted-root is given.
    VerifyRegistration {
        #[command(flatten)]
        common: Common,
        /// The attestationObject.
        #[arg(long, value_name = "FILE")]
        attestation_object: PathBuf,
        /// Trust only these attestation roots (PEM) instead of the bundled vendor roots; a
        /// chain to none of them fails.
        #[arg(long = "root", value_name = "FILE")]
        roots: Vec<PathBuf>,
        /// Fail (exit 1) when the attestation chain ends at a root Countersign does not bundle.
        #[arg(long)]
        require_trusted_root: bool,
    },
    /// Verify an assertion (navigator.credentials.get) against the stored public key.
    ///
    /// FILE arguments hold raw bytes or base64url text. Exits 1 if any check fails.
    VerifyAssertion {
        #[command(flatten)]
        common: Common,
        /// The authenticatorData.
        #[arg(long, value_name = "FILE")]
        authenticator_data: PathBuf,
        /// The signature.
        #[arg(long, value_name = "FILE")]
        signature: PathBuf,
        /// The credential public key as COSE_Key CBOR (as printed by verify-registration).
        #[arg(long, value_name = "FILE")]
        public_key: PathBuf,
        /// The signature counter stored after the previous sign-in.
        #[arg(long, value_name = "N", default_value_t = 0)]
        previous_counter: u32,
    },
}

/// Arguments both verifications take.
#[derive(Args)]
pub struct Common {
    /// The relying party ID (a domain, such as example.com).
    #[arg(long, value_name = "ID")]
    rp_id: String,
    /// The expected origin (such as https://example.com).
    #[arg(long, value_name = "URL")]
    origin: String,
    /// The challenge the server sent, base64url.
    #[arg(long, value_name = "B64URL")]
    challenge: String,
    /// The clientDataJSON.
    #[arg(long, value_name = "FILE")]
    client_data: PathBuf,
    /// Fail when the key did not verify the user (UV flag).
    #[arg(long)]
    require_uv: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs a `key` command.
pub fn run_key(command: KeyCommand) -> ExitCode {
    let result = match command {
        KeyCommand::List { json } => list(json),
        KeyCommand::Info { select, json } => with_key(&select, |key| {
            let info = key.info()?;
            print(json, &info, || describe(&key.label(), &info));
            Ok(ExitCode::SUCCESS)
        }),
        KeyCommand::Test {
            select,
            pin,
            no_discoverable,
            json,
        } => with_key(&select, |key| {
            let options = TestOptions {
                pin: pin.read("PIN")?,
                discoverable: !no_discoverable,
                ..TestOptions::default()
            };
            report(json, &registration_test(key, &options))
        }),
        KeyCommand::Pin { command } => pin_command(command),
        KeyCommand::Passkeys { command } => passkeys_command(command),
        KeyCommand::Reset { select, yes } => {
            if !yes {
                return Failure::input("reset erases every passkey on the key; confirm with --yes")
                    .report();
            }
            with_key(&select, |key| {
                key.reset()?;
                println!("The key was reset: no PIN, no passkeys.");
                Ok(ExitCode::SUCCESS)
            })
        }
    };
    finish(result)
}

/// Runs a `webauthn` command.
pub fn run_webauthn(command: WebauthnCommand) -> ExitCode {
    let result = match command {
        WebauthnCommand::VerifyRegistration {
            common,
            attestation_object,
            roots,
            require_trusted_root,
        } => (|| {
            let roots = roots
                .iter()
                .map(|path| std::fs::read_to_string(path).map_err(|e| bad(path, e)))
                .collect::<Result<Vec<_>, _>>()?;
            let policy = Policy {
                require_trusted_root,
                ..policy(&common, (!roots.is_empty()).then_some(roots))
            };
            let verified = verify_registration_with(
                &policy,
                &common.rp_id,
                &common.origin,
                &challenge(&common.challenge)?,
                &read_input(&common.client_data)?,
                &read_input(&attestation_object)?,
            );
            report(common.json, &verified)
        })(),
        WebauthnCommand::VerifyAssertion {
            common,
            authenticator_data,
            signature,
            public_key,
            previous_counter,
        } => (|| {
            let verified = verify_assertion_with(
                &policy(&common, None),
                &common.rp_id,
                &common.origin,
                &challenge(&common.challenge)?,
                &read_input(&common.client_data)?,
                &read_input(&authenticator_data)?,
                &read_input(&signature)?,
                &read_input(&public_key)?,
                previous_counter,
            );
            report(common.json, &verified)
        })(),
    };
    finish(result)
}

/// The exit status of a key command: its own on success (a failed test check is 1).
fn finish(result: Result<ExitCode, Failure>) -> ExitCode {
    result.unwrap_or_else(|failure| failure.report())
}

fn list(json: bool) -> Result<ExitCode, Failure> {
    let keys = list_keys()?;
    if keys.is_empty() {
        return Err(Failure::Key(Error::NoKey));
    }
    print(json, &keys, || {
        keys.iter()
            .map(|k| {
                format!(
                    "{}  {:04x}:{:04x}  {}\n",
                    k.product.as_deref().unwrap_or("FIDO security key"),
                    k.vendor_id,
                    k.product_id,
                    k.path
                )
            })
            .collect()
    });
    Ok(ExitCode::SUCCESS)
}

/// Opens the selected key, prints "touch your key" prompts, and runs `f` with it.
fn with_key(
    select: &Select,
    f: impl FnOnce(&dyn SecurityKey) -> Result<ExitCode, Failure>,
) -> Result<ExitCode, Failure> {
    let key = open(select)?;
    key.set_event_sink(Arc::new(|event| {
        if event == KeyEvent::TouchNeeded {
            eprintln!("Touch your key…");
        }
    }));
    f(&key)
}

fn open(select: &Select) -> Result<CtapKey, Failure> {
    if select.soft_key {
        let device = countersign_fido::soft::SoftAuthenticator::new()?;
        return Ok(device.connect()?);
    }
    let path = match &select.path {
        Some(path) => path.clone(),
        None => {
            let keys = list_keys()?;
            match keys.as_slice() {
                [] => return Err(Failure::Key(Error::NoKey)),
                [only] => only.path.clone(),
                _ => {
                    return Err(Failure::Input(
                        "several keys are plugged in: choose one with --path (see `key list`)"
                            .into(),
                    ));
                }
            }
        }
    };
    Ok(open_key(&path)?)
}

fn pin_command(command: PinCommand) -> Result<ExitCode, Failure> {
    match command {
        PinCommand::Set { select } => with_key(&select, |key| {
            let new = new_pin()?;
            key.set_pin(&new)?;
            println!("PIN set.");
            Ok(ExitCode::SUCCESS)
        }),
        PinCommand::Change { select } => with_key(&select, |key| {
            let current = ask("Current PIN")?;
            let new = new_pin()?;
            key.change_pin(&current, &new)?;
            println!("PIN changed.");
            Ok(ExitCode::SUCCESS)
        }),
        PinCommand::Retries { select, json } => with_key(&select, |key| {
            let retries = key.pin_retries()?;
            print(json, &retries, || {
                let replug = if retries.power_cycle_needed {
                    " (unplug and replug the key first)"
                } else {
                    ""
                };
                format!("{} PIN attempts left{replug}\n", retries.retries)
            });
            Ok(ExitCode::SUCCESS)
        }),
    }
}

fn passkeys_command(command: PasskeysCommand) -> Result<ExitCode, Failure> {
    match command {
        PasskeysCommand::List { select, pin, json } => with_key(&select, |key| {
            let pin = pin.read("PIN")?.ok_or(Failure::Key(Error::PinRequired))?;
            let mut passkeys = key.passkeys(&pin)?;
            passkeys.sort_by(|a, b| (&a.rp_id, &a.user.name).cmp(&(&b.rp_id, &b.user.name)));
            print(json, &passkeys, || {
                let mut out = String::new();
                let mut site = None;
                for p in &passkeys {
                    if site != Some(&p.rp_id) {
                        out.push_str(&format!("{}\n", p.rp_id));
                        site = Some(&p.rp_id);
                    }
                    let user = p
                        .user
                        .name
                        .as_deref()
                        .or(p.user.display_name.as_deref())
                        .unwrap_or("(no name)");
                    out.push_str(&format!("  {user}  {}\n", b64::encode(&p.credential_id)));
                }
                if passkeys.is_empty() {
                    out.push_str("No passkeys on this key.\n");
                }
                out
            });
            Ok(ExitCode::SUCCESS)
        }),
        PasskeysCommand::Delete {
            select,
            pin,
            credential_id,
        } => with_key(&select, |key| {
            let id = b64::decode(&credential_id)
                .map_err(|e| Failure::Input(format!("--credential-id: {e}")))?;
            let pin = pin.read("PIN")?.ok_or(Failure::Key(Error::PinRequired))?;
            key.delete_passkey(&pin, &id)?;
            println!("Passkey deleted.");
            Ok(ExitCode::SUCCESS)
        }),
    }
}

impl PinSource {
    fn read(&self, prompt: &str) -> Result<Option<Pin>, Failure> {
        if self.pin {
            ask(prompt).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// Reads a PIN from COUNTERSIGN_PIN, or from the terminal without echo.
fn ask(prompt: &str) -> Result<Pin, Failure> {
    if let Ok(pin) = std::env::var("COUNTERSIGN_PIN") {
        return Ok(Pin::new(pin));
    }
    rpassword::prompt_password(format!("{prompt}: "))
        .map(Pin::new)
        .map_err(|e| Failure::Input(format!("cannot read the PIN: {e}")))
}

fn new_pin() -> Result<Pin, Failure> {
    let first = ask("New PIN")?;
    if std::env::var_os("COUNTERSIGN_PIN").is_none() && ask("New PIN again")? != first {
        return Err(Failure::Input("the two PINs differ".into()));
    }
    Ok(first)
}

fn policy(common: &Common, roots: Option<Vec<String>>) -> Policy {
    Policy {
        require_user_verification: common.require_uv,
        roots,
        ..Policy::default()
    }
}

fn challenge(text: &str) -> Result<Vec<u8>, Failure> {
    b64::decode(text).map_err(|e| Failure::Input(format!("--challenge is not base64url: {e}")))
}

/// A file's bytes, or the bytes its base64url text stands for.
fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    let bytes = std::fs::read(path).map_err(|e| bad(path, e))?;
    Ok(std::str::from_utf8(&bytes)
        .ok()
        .and_then(|text| b64::decode(text).ok())
        .unwrap_or(bytes))
}

fn bad(path: &Path, e: std::io::Error) -> Failure {
    Failure::Input(format!("{}: {e}", path.display()))
}

/// A report as the CLI prints it in JSON: its checks and its verdict.
#[derive(Serialize)]
struct Printed<'a> {
    #[serde(flatten)]
    report: &'a Report,
    verdict: Verdict,
}

/// Prints a report and gives the exit status: 1 when a check failed, else 0 (a chain to an
/// unknown root fails a check only when a trusted root was required).
fn report(json: bool, report: &Report) -> Result<ExitCode, Failure> {
    let verdict = report.verdict();
    let printed = Printed { report, verdict };
    print(json, &printed, || report_text(report));
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A report as the CLI prints it in text: the checks, the verdict, the credential.
fn report_text(report: &Report) -> String {
    let verdict = report.verdict();
    let mut text = report.to_text();
    text.push_str(&format!("Verdict: {}\n", verdict.describe()));
    if verdict == Verdict::ValidUnknownRoot {
        text.push_str(
            "The attestation is valid, but its chain ends at a root Countersign does not \
             bundle: nothing vouches for the vendor.\n",
        );
    }
    if let Some(credential) = &report.credential {
        text.push_str(&format!(
            "Credential ID: {}\nPublic key (COSE, base64url): {}\nSign counter: {}\n",
            b64::encode(&credential.credential_id),
            b64::encode(&credential.public_key_cose),
            credential.sign_count
        ));
    }
    text
}

fn describe(label: &str, info: &KeyInfo) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut out = format!(
        "{label}\nModel:       {}\nAAGUID:      {}\n",
        info.model.as_deref().unwrap_or("unknown"),
        info.aaguid
    );
    if let Some(firmware) = info.firmware_version {
        out.push_str(&format!("Firmware:    {firmware}\n"));
    }
    out.push_str(&format!("Versions:    {}\n", info.versions.join(", ")));
    out.push_str(&format!("Extensions:  {}\n", info.extensions.join(", ")));
    let options: Vec<String> = info
        .options
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    out.push_str(&format!("Options:     {}\n", options.join(" ")));
    let pin = match (info.pin_set, info.pin_retries) {
        (None, _) => "not supported".to_owned(),
        (Some(false), _) => "not set".to_owned(),
        (Some(true), Some(r)) => format!("set, {r} attempts left"),
        (Some(true), None) => "set".to_owned(),
    };
    out.push_str(&format!(
        "PIN:         {pin} (at least {} characters)\n",
        info.min_pin_length
    ));
    if info.power_cycle_needed {
        out.push_str("             unplug and replug the key before the next PIN attempt\n");
    }
    if let Some(n) = info.remaining_discoverable_credentials {
        out.push_str(&format!("Passkey room: {n} more\n"));
    }
    out.push_str(&format!("CTAP 2.1:    {}\n", yes_no(info.is_ctap21())));
    out
}

/// Prints `value` as pretty JSON, or the text `render` makes.
fn print<T: Serialize>(json: bool, value: &T, render: impl FnOnce() -> String) {
    let mut stdout = std::io::stdout().lock();
    let text = if json {
        serde_json::to_string_pretty(value).expect("these types always serialize") + "\n"
    } else {
        render()
    };
    let _ = stdout.write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::failure::EXIT_BAD_INPUT;

    const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fido/tests/vectors");

    /// Writes a vector file's fields into separate files, as a server developer would have them.
    fn fields(name: &str, dir: &Path) -> Vec<(String, PathBuf)> {
        let text = std::fs::read_to_string(format!("{VECTORS}/{name}")).unwrap();
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| {
                let path = dir.join(k);
                std::fs::write(&path, v).unwrap();
                (v.to_owned(), path)
            })
            .collect()
    }

    #[test]
    fn input_files_may_be_raw_or_base64url() {
        let dir = tempfile::tempdir().unwrap();
        let raw = dir.path().join("raw");
        std::fs::write(&raw, [0xa3, 0x00, 0xff]).unwrap();
        assert_eq!(read_input(&raw).ok(), Some(vec![0xa3, 0x00, 0xff]));
        let text = dir.path().join("text");
        std::fs::write(&text, "owD_\n").unwrap();
        assert_eq!(read_input(&text).ok(), Some(vec![0xa3, 0x00, 0xff]));
        let json = dir.path().join("json");
        std::fs::write(&json, br#"{"type":"webauthn.get"}"#).unwrap();
        assert_eq!(
            read_input(&json).ok(),
            Some(br#"{"type":"webauthn.get"}"#.to_vec())
        );
    }

    #[test]
    fn verify_registration_exit_status_follows_the_checks() {
        let dir = tempfile::tempdir().unwrap();
        let f = fields("yubikey5ci-packed-full.txt", dir.path());
        let run = |challenge: &str| {
            run_webauthn(WebauthnCommand::VerifyRegistration {
                common: Common {
                    rp_id: f[1].0.clone(),
                    origin: f[2].0.clone(),
                    challenge: challenge.to_owned(),
                    client_data: f[4].1.clone(),
                    require_uv: false,
                    json: true,
                },
                attestation_object: f[5].1.clone(),
                roots: vec![],
                require_trusted_root: false,
            })
        };
        assert_eq!(
            format!("{:?}", run(&f[3].0)),
            format!("{:?}", ExitCode::SUCCESS)
        );
        assert_eq!(
            format!("{:?}", run("AAAA")),
            format!("{:?}", ExitCode::FAILURE)
        );
        assert_eq!(
            format!("{:?}", run("not base64!")),
            format!("{:?}", ExitCode::from(EXIT_BAD_INPUT))
        );
    }

    /// A registration by a software key whose attestation certificate chains to a root
    /// Countersign does not bundle, written to files: (rp_id, origin, challenge, client data
    /// file, attestation object file).
    fn unknown_root_registration(
        algorithm: countersign_fido::Algorithm,
        dir: &Path,
    ) -> (String, String, String, PathBuf, PathBuf) {
        use countersign_fido::soft::{BatchAttestation, SoftAuthenticator};
        use countersign_fido::{MakeCredentialRequest, User, client_data_json};
        let device = SoftAuthenticator::with_attestation(BatchAttestation {
            certificate: include_bytes!("../../fido/tests/data/test-attestation/attestation.der")
                .to_vec(),
            private_key: *include_bytes!(
                "../../fido/tests/data/test-attestation/attestation-key.raw"
            ),
        })
        .unwrap();
        let key = device.connect().unwrap();
        let challenge = [7u8; 32];
        let client_data = client_data_json("webauthn.create", &challenge, "https://example.org");
        let made = key
            .make_credential(
                &MakeCredentialRequest {
                    client_data_json: client_data.clone(),
                    rp_id: "example.org".into(),
                    rp_name: "Example".into(),
                    user: User {
                        id: vec![1],
                        name: None,
                        display_name: None,
                    },
                    algorithms: vec![algorithm],
                    discoverable: false,
                    user_verification: false,
                    hmac_secret: false,
                    exclude: vec![],
                },
                None,
            )
            .unwrap();
        let client_data_file = dir.join("client_data");
        std::fs::write(&client_data_file, &client_data).unwrap();
        let attestation_file = dir.join("attestation_object");
        std::fs::write(&attestation_file, b64::encode(&made.attestation_object)).unwrap();
        (
            "example.org".into(),
            "https://example.org".into(),
            b64::encode(&challenge),
            client_data_file,
            attestation_file,
        )
    }

    #[test]
    fn a_chain_to_an_unknown_root_exits_0_unless_a_trusted_root_is_required() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root.pem");
        std::fs::write(
            &root,
            include_str!("../../fido/tests/data/test-attestation/root.pem"),
        )
        .unwrap();
        for algorithm in [
            countersign_fido::Algorithm::Es256,
            countersign_fido::Algorithm::EdDsa,
        ] {
            let (rp_id, origin, challenge, client_data, attestation_object) =
                unknown_root_registration(algorithm, dir.path());
            let run = |challenge: &str, roots: Vec<PathBuf>, require_trusted_root: bool| {
                let status = run_webauthn(WebauthnCommand::VerifyRegistration {
                    common: Common {
                        rp_id: rp_id.clone(),
                        origin: origin.clone(),
                        challenge: challenge.to_owned(),
                        client_data: client_data.clone(),
                        require_uv: false,
                        json: true,
                    },
                    attestation_object: attestation_object.clone(),
                    roots,
                    require_trusted_root,
                });
                format!("{status:?}")
            };
            let success = format!("{:?}", ExitCode::SUCCESS);
            let failure = format!("{:?}", ExitCode::FAILURE);
            assert_eq!(run(&challenge, vec![], false), success, "{algorithm:?}");
            assert_eq!(run(&challenge, vec![], true), failure, "{algorithm:?}");
            // Trusting the root it chains to makes it plainly valid, required or not.
            assert_eq!(run(&challenge, vec![root.clone()], true), success);
            // A wrong challenge still fails, unknown root or not.
            assert_eq!(run(&b64::encode(&[8u8; 32]), vec![], false), failure);
        }
    }

    #[test]
    fn the_text_report_names_the_verdict() {
        let dir = tempfile::tempdir().unwrap();
        let (rp_id, origin, challenge, client_data, attestation_object) =
            unknown_root_registration(countersign_fido::Algorithm::EdDsa, dir.path());
        let report = verify_registration_with(
            &Policy::default(),
            &rp_id,
            &origin,
            &b64::decode(&challenge).unwrap(),
            &read_input(&client_data).unwrap(),
            &read_input(&attestation_object).unwrap(),
        );
        let text = report_text(&report);
        assert!(
            text.contains("\nVerdict: valid, chain to an unknown root\n"),
            "{text}"
        );
        assert!(
            text.contains("a root Countersign does not bundle"),
            "{text}"
        );
        let json = serde_json::to_value(Printed {
            report: &report,
            verdict: report.verdict(),
        })
        .unwrap();
        assert_eq!(json["verdict"], "valid_unknown_root");
        assert_eq!(json["chain"], "unknown_root");
        assert_eq!(json["checks"][0]["name"], "client_data.json");
    }

    #[test]
    fn key_info_text_names_the_pin_state() {
        let device = countersign_fido::soft::SoftAuthenticator::new().unwrap();
        let key = device.connect().unwrap();
        let text = describe(&key.label(), &key.info().unwrap());
        assert!(
            text.contains("Model:       Countersign software key (OpenSK)"),
            "{text}"
        );
        assert!(
            text.contains("PIN:         not set (at least 4 characters)"),
            "{text}"
        );
        key.set_pin(&Pin::new("1234")).unwrap();
        let text = describe(&key.label(), &key.info().unwrap());
        assert!(text.contains("PIN:         set, 8 attempts left"), "{text}");
    }
}
