//! CTAP2 commands over a CTAPHID channel: the one implementation of [`SecurityKey`] for USB keys
//! and the software key alike.
//!
//! Requests are encoded by ctap-hid-fido2's public encoders where it has them (makeCredential,
//! getAssertion, clientPIN); responses are parsed here, bounds-checked, because its parsers
//! print to stdout and index without checks. Credential management, bio enrolment and reset
//! have no public encoder there that accepts a PIN token, so they are encoded here.

use crate::cbor::{self, Map, i};
use crate::ctaphid::{CMD_CBOR, CMD_WINK, Channel};
use crate::error::{Error, Feature, PinRule, Result};
use crate::key::*;
use crate::pin::{self, Pin, Protocol, SharedSecret};
use ciborium::value::Value;
use ctap_hid_fido2::fidokey::common::to_payload;
use ctap_hid_fido2::fidokey::get_assertion::get_assertion_command;
use ctap_hid_fido2::fidokey::make_credential::make_credential_command;
use ctap_hid_fido2::fidokey::pin::{self as crate_pin, Permission, SubCommand as PinCmd};
use ctap_hid_fido2::fidokey::{CredentialExtension, CredentialSupportedKeyType};
use std::collections::BTreeMap;
use std::sync::Mutex;
use zeroize::Zeroizing;

const GET_ASSERTION: u8 = 0x02;
const GET_INFO: u8 = 0x04;
const RESET: u8 = 0x07;
const GET_NEXT_ASSERTION: u8 = 0x08;
const BIO_ENROLLMENT: u8 = 0x09;
const CREDENTIAL_MANAGEMENT: u8 = 0x0A;
const AUTHENTICATOR_CONFIG: u8 = 0x0D;
/// authenticatorConfig's toggleAlwaysUv subcommand.
const TOGGLE_ALWAYS_UV: u8 = 0x02;
const BIO_ENROLLMENT_PRE: u8 = 0x40;
const CREDENTIAL_MANAGEMENT_PRE: u8 = 0x41;

/// A FIDO2 key spoken to over CTAPHID: a USB key or the software key.
pub struct CtapKey {
    label: String,
    channel: Mutex<Channel>,
    signals: Signals,
    preferred_protocol: Option<Protocol>,
}

impl CtapKey {
    pub(crate) fn new(label: String, channel: Channel) -> CtapKey {
        CtapKey {
            label,
            channel: Mutex::new(channel),
            signals: Signals::default(),
            preferred_protocol: None,
        }
    }

    /// Speaks this PIN/UV auth protocol when the key offers it (some keys mishandle one).
    pub fn with_pin_protocol(mut self, protocol: Protocol) -> CtapKey {
        self.preferred_protocol = Some(protocol);
        self
    }

    /// Sends one CTAP2 command (command byte + CBOR) and returns the CBOR of a successful answer.
    fn cbor(&self, payload: &[u8]) -> Result<Vec<u8>> {
        if self.signals.take_cancel() {
            return Err(Error::Cancelled);
        }
        let mut channel = self.channel.lock().unwrap_or_else(|e| e.into_inner());
        let reply = channel.transact(CMD_CBOR, payload, &self.signals);
        // A cancel that arrived during this command has been delivered; don't let it leak.
        self.signals.take_cancel();
        let reply = reply?;
        match reply.split_first() {
            Some((0, body)) => Ok(body.to_vec()),
            Some((&status, _)) => Err(Error::from_status(status)),
            None => Err(Error::Protocol("empty CTAP response".into())),
        }
    }

    fn get_info(&self) -> Result<KeyInfo> {
        parse_info(&self.cbor(&[GET_INFO])?)
    }

    /// The PIN protocol to use: the preferred one when offered, else two when offered, else one.
    fn protocol(&self, info: &KeyInfo) -> Protocol {
        if let Some(p) = self
            .preferred_protocol
            .filter(|p| info.pin_protocols.contains(&p.number()))
        {
            p
        } else if info.pin_protocols.contains(&2) {
            Protocol::Two
        } else {
            Protocol::One
        }
    }

    /// Runs clientPIN getKeyAgreement and derives a shared secret.
    fn shared_secret(&self, protocol: Protocol) -> Result<SharedSecret> {
        let request = crate_pin::create_payload(PinCmd::GetKeyAgreement, protocol.number())
            .map_err(Error::protocol)?;
        let reply = Map::parse(&self.cbor(&request)?)?;
        let key = reply
            .int(1)
            .cloned()
            .map(Map::from_value)
            .transpose()?
            .ok_or_else(|| Error::Protocol("getKeyAgreement without a key".into()))?;
        let (Some(x), Some(y)) = (cbor::bytes(key.int(-2)), cbor::bytes(key.int(-3))) else {
            return Err(Error::Protocol(
                "key agreement key is not an EC2 point".into(),
            ));
        };
        SharedSecret::agree(protocol, &[&[4u8][..], x, y].concat())
    }

    /// Our public key as a COSE_Key (EC2, P-256, ECDH-ES+HKDF-256).
    fn platform_cose(secret: &SharedSecret) -> Value {
        let point = &secret.platform_point;
        Value::Map(vec![
            (i(1), i(2)),
            (i(3), i(-25)),
            (i(-1), i(1)),
            (i(-2), Value::Bytes(point[1..33].to_vec())),
            (i(-3), Value::Bytes(point[33..65].to_vec())),
        ])
    }

    /// Our public key wrapped as a getKeyAgreement response, for ctap-hid-fido2's parser.
    ///
    /// Its clientPIN encoders take a COSE key type that is not nameable outside that crate;
    /// the crate's own key-agreement parser is the one public way to build one.
    fn platform_key_response(secret: &SharedSecret) -> Vec<u8> {
        cbor::encode(&Value::Map(vec![(i(1), Self::platform_cose(secret))]))
    }

    /// After a wrong PIN, asks how many attempts are left.
    fn with_retries<T>(&self, result: Result<T>) -> Result<T> {
        match result {
            Err(Error::PinInvalid { .. }) => Err(Error::PinInvalid {
                retries: self.pin_retries().ok().map(|r| r.retries),
            }),
            other => other,
        }
    }

    /// Gets a PIN token allowed to do `permission` (CTAP 2.1) or everything (CTAP 2.0).
    /// `rp_id` binds makeCredential and getAssertion tokens to a site, as CTAP 2.1 requires.
    fn pin_token(
        &self,
        info: &KeyInfo,
        pin: &Pin,
        permission: Permission,
        rp_id: Option<&str>,
    ) -> Result<(Protocol, Zeroizing<Vec<u8>>)> {
        if info.pin_set == Some(false) {
            return Err(Error::PinNotSet);
        }
        let protocol = self.protocol(info);
        let secret = self.shared_secret(protocol)?;
        let pin_hash_enc = secret.pin_hash_enc(pin)?;
        let platform_key = crate_pin::parse_cbor_client_pin_get_keyagreement(
            &Self::platform_key_response(&secret),
        )
        .map_err(Error::protocol)?;
        let request = if info.option("pinUvAuthToken") == Some(true) {
            let request =
                crate_pin::create_payload_get_pin_uv_auth_token_using_pin_with_permissions(
                    &platform_key,
                    &pin_hash_enc,
                    permission,
                    protocol.number(),
                )
                .map_err(Error::protocol)?;
            match rp_id {
                // ctap-hid-fido2's encoder has no rpId parameter (0x0A); add it.
                Some(rp_id) => {
                    let mut map = Map::parse(&request[1..])?.0;
                    map.push((i(0x0A), Value::Text(rp_id.to_owned())));
                    to_payload(map, request[0]).map_err(Error::protocol)?
                }
                None => request,
            }
        } else {
            crate_pin::create_payload_get_pin_token(&platform_key, &pin_hash_enc, protocol.number())
                .map_err(Error::protocol)?
        };
        let reply = self.with_retries(self.cbor(&request))?;
        let reply = Map::parse(&reply)?;
        let encrypted =
            cbor::bytes(reply.int(2)).ok_or_else(|| Error::Protocol("no PIN token".into()))?;
        Ok((protocol, secret.decrypt(encrypted)?))
    }

    /// The credential-management command byte this key understands.
    fn cred_mgmt_command(info: &KeyInfo) -> Result<u8> {
        if info.option("credMgmt") == Some(true) {
            Ok(CREDENTIAL_MANAGEMENT)
        } else if info.option("credentialMgmtPreview") == Some(true) {
            Ok(CREDENTIAL_MANAGEMENT_PRE)
        } else {
            Err(Error::Unsupported(Feature::PasskeyManagement))
        }
    }

    fn bio_command(info: &KeyInfo) -> Result<u8> {
        if info.option("bioEnroll").is_some() {
            Ok(BIO_ENROLLMENT)
        } else if info.option("userVerificationMgmtPreview").is_some() {
            Ok(BIO_ENROLLMENT_PRE)
        } else {
            Err(Error::Unsupported(Feature::Fingerprints))
        }
    }

    /// One credential-management subcommand; `auth` carries the token for those that need it.
    fn cred_mgmt(
        &self,
        command: u8,
        sub: u8,
        params: Option<Value>,
        auth: Option<(Protocol, &[u8])>,
    ) -> Result<Map> {
        let mut map = vec![(i(1), i(sub.into()))];
        if let Some(params) = &params {
            map.push((i(2), params.clone()));
        }
        if let Some((protocol, token)) = auth {
            let mut message = vec![sub];
            if let Some(params) = &params {
                message.extend(cbor::encode(params));
            }
            map.push((i(3), i(protocol.number().into())));
            map.push((
                i(4),
                Value::Bytes(pin::authenticate(protocol, token, &message)),
            ));
        }
        let reply = self.cbor(&to_payload(map, command).map_err(Error::protocol)?)?;
        if reply.is_empty() {
            return Ok(Map(Vec::new()));
        }
        Map::parse(&reply)
    }

    /// One bio-enrolment subcommand for the fingerprint modality.
    fn bio(
        &self,
        command: u8,
        sub: u8,
        params: Option<Value>,
        auth: Option<(Protocol, &[u8])>,
    ) -> Result<Map> {
        let mut map = vec![(i(1), i(1)), (i(2), i(sub.into()))];
        if let Some(params) = &params {
            map.push((i(3), params.clone()));
        }
        if let Some((protocol, token)) = auth {
            let mut message = vec![1, sub];
            if let Some(params) = &params {
                message.extend(cbor::encode(params));
            }
            map.push((i(4), i(protocol.number().into())));
            map.push((
                i(5),
                Value::Bytes(pin::authenticate(protocol, token, &message)),
            ));
        }
        let reply = self.cbor(&to_payload(map, command).map_err(Error::protocol)?)?;
        if reply.is_empty() {
            return Ok(Map(Vec::new()));
        }
        Map::parse(&reply)
    }

    fn parse_assertion(reply: &[u8], secret: Option<&SharedSecret>) -> Result<Assertion> {
        let map = Map::parse(reply)?;
        let credential_id = cbor::bytes(map.int(1).and_then(|c| {
            match c {
                Value::Map(m) => m
                    .iter()
                    .find(|(k, _)| k == &Value::Text("id".into()))
                    .map(|(_, v)| v),
                _ => None,
            }
        }))
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
        let authenticator_data = cbor::bytes(map.int(2))
            .ok_or_else(|| Error::Protocol("assertion without authenticator data".into()))?
            .to_vec();
        let signature = cbor::bytes(map.int(3))
            .ok_or_else(|| Error::Protocol("assertion without signature".into()))?
            .to_vec();
        let user = map
            .int(4)
            .cloned()
            .map(Map::from_value)
            .transpose()?
            .map(|u| user_from(&u));
        let hmac_secret = match secret {
            Some(secret) => crate::authdata::extensions(&authenticator_data)?
                .and_then(|ext| cbor::bytes(ext.text("hmac-secret")).map(<[u8]>::to_vec))
                .map(|enc| secret.decrypt(&enc))
                .transpose()?,
            None => None,
        };
        Ok(Assertion {
            credential_id,
            authenticator_data,
            signature,
            user,
            hmac_secret,
        })
    }

    /// The stored ID of a finished enrolment: the one enrollBegin gave, or else the one new
    /// template (OpenSK, for one, stores a different ID than the one it hands out first).
    fn enrolled_id(&self, pin: &Pin, begin_id: Vec<u8>, before: &[Vec<u8>]) -> Result<Vec<u8>> {
        let now: Vec<Vec<u8>> = self.fingerprints(pin)?.into_iter().map(|f| f.id).collect();
        if now.contains(&begin_id) {
            return Ok(begin_id);
        }
        let mut new = now.into_iter().filter(|id| !before.contains(id));
        match (new.next(), new.next()) {
            (Some(id), None) => Ok(id),
            _ => Err(Error::Protocol(
                "cannot tell which fingerprint was enrolled".into(),
            )),
        }
    }

    fn number_of_credentials(reply: &[u8]) -> u64 {
        Map::parse(reply)
            .ok()
            .and_then(|m| cbor::uint(m.int(5)))
            .unwrap_or(1)
    }
}

fn user_from(map: &Map) -> User {
    User {
        id: cbor::bytes(map.text("id"))
            .map(<[u8]>::to_vec)
            .unwrap_or_default(),
        name: cbor::text(map.text("name")).map(str::to_owned),
        display_name: cbor::text(map.text("displayName")).map(str::to_owned),
    }
}

/// Parses an authenticatorGetInfo response (CTAP 2.1 §6.4).
pub(crate) fn parse_info(bytes: &[u8]) -> Result<KeyInfo> {
    let map = Map::parse(bytes)?;
    let strings = |key| {
        cbor::array(map.int(key))
            .iter()
            .filter_map(|v| cbor::text(Some(v)).map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let aaguid: [u8; 16] = cbor::bytes(map.int(3))
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Protocol("getInfo without a 16-byte AAGUID".into()))?;
    let options: BTreeMap<String, bool> = match map.int(4) {
        Some(Value::Map(entries)) => entries
            .iter()
            .filter_map(|(k, v)| Some((cbor::text(Some(k))?.to_owned(), cbor::boolean(Some(v))?)))
            .collect(),
        _ => BTreeMap::new(),
    };
    let algorithms = cbor::array(map.int(10))
        .iter()
        .filter_map(|v| match v {
            Value::Map(m) => cbor::int(Map(m.clone()).text("alg")),
            _ => None,
        })
        .collect();
    let pin_set = options.get("clientPin").copied();
    Ok(KeyInfo {
        model: crate::catalog::model_name(&aaguid).map(str::to_owned),
        aaguid: uuid::Uuid::from_bytes(aaguid).to_string(),
        firmware_version: cbor::uint(map.int(14)),
        versions: strings(1),
        extensions: strings(2),
        pin_protocols: cbor::array(map.int(6))
            .iter()
            .filter_map(|v| cbor::uint(Some(v)).and_then(|n| u8::try_from(n).ok()))
            .collect(),
        options,
        algorithms,
        transports: strings(9),
        max_msg_size: cbor::uint(map.int(5)),
        min_pin_length: cbor::uint(map.int(13)).unwrap_or(4),
        force_pin_change: cbor::boolean(map.int(12)).unwrap_or(false),
        remaining_discoverable_credentials: cbor::uint(map.int(20)),
        pin_set,
        pin_retries: None,
        power_cycle_needed: false,
    })
}

/// Checks a new PIN against the key's rules before sending it, with a message that says why.
fn check_new_pin(info: &KeyInfo, pin: &Pin) -> Result<()> {
    let min = info.min_pin_length.max(4);
    if (pin.code_points() as u64) < min {
        return Err(Error::PinPolicy(PinRule::TooShort { min }));
    }
    if pin.expose().len() > 63 {
        return Err(Error::PinPolicy(PinRule::TooLong { max_bytes: 63 }));
    }
    Ok(())
}

impl SecurityKey for CtapKey {
    fn label(&self) -> String {
        self.label.clone()
    }

    fn info(&self) -> Result<KeyInfo> {
        let mut info = self.get_info()?;
        if info.pin_set == Some(true) {
            let retries = self.pin_retries()?;
            info.pin_retries = Some(retries.retries);
            info.power_cycle_needed = retries.power_cycle_needed;
        }
        Ok(info)
    }

    fn make_credential(
        &self,
        request: &MakeCredentialRequest,
        pin: Option<&Pin>,
    ) -> Result<NewCredential> {
        let info = self.get_info()?;
        let mut params = make_credential_command::Params::new(
            &request.rp_id,
            request.client_data_json.clone(),
            request.user.id.clone(),
        );
        params.rp_name = request.rp_name.clone();
        params.user_name = request.user.name.clone().unwrap_or_default();
        params.user_display_name = request.user.display_name.clone().unwrap_or_default();
        params.option_rk = request.discoverable;
        params.exclude_list = request.exclude.clone();
        if request.algorithms.is_empty() {
            return Err(Error::Unsupported(Feature::NoAlgorithm));
        }
        params.key_types = request
            .algorithms
            .iter()
            .map(|a| match a {
                Algorithm::Es256 => CredentialSupportedKeyType::Ecdsa256,
                Algorithm::EdDsa => CredentialSupportedKeyType::Ed25519,
            })
            .collect();
        let mut protocol = self.protocol(&info);
        match pin {
            Some(pin) => {
                let (p, token) =
                    self.pin_token(&info, pin, Permission::MakeCredential, Some(&request.rp_id))?;
                protocol = p;
                params.pin_auth = pin::authenticate(p, &token, &params.client_data_hash);
            }
            None if request.user_verification => params.option_uv = Some(true),
            None => {}
        }
        let extensions = request
            .hmac_secret
            .then(|| vec![CredentialExtension::HmacSecret(Some(true))]);
        let payload =
            make_credential_command::create_payload(params, extensions.as_ref(), protocol.number())
                .map_err(Error::protocol)?;
        let reply = Map::parse(&self.cbor(&payload)?)?;
        let format = cbor::text(reply.int(1))
            .ok_or_else(|| Error::Protocol("makeCredential without fmt".into()))?
            .to_owned();
        let auth_data = cbor::bytes(reply.int(2))
            .ok_or_else(|| Error::Protocol("makeCredential without authData".into()))?
            .to_vec();
        let statement = reply.int(3).cloned().unwrap_or(Value::Map(vec![]));
        let credential_id = crate::authdata::credential_id(&auth_data)?;
        let attestation_object = cbor::encode(&Value::Map(vec![
            (Value::Text("fmt".into()), Value::Text(format.clone())),
            (Value::Text("attStmt".into()), statement),
            (Value::Text("authData".into()), Value::Bytes(auth_data)),
        ]));
        Ok(NewCredential {
            attestation_object,
            credential_id,
            format,
        })
    }

    fn get_assertion(
        &self,
        request: &AssertionRequest,
        pin: Option<&Pin>,
    ) -> Result<Vec<Assertion>> {
        let info = self.get_info()?;
        let mut params = get_assertion_command::Params::new(
            &request.rp_id,
            request.client_data_json.clone(),
            request.allow.clone(),
        );
        params.option_up = request.user_presence;
        let mut protocol = self.protocol(&info);
        match pin {
            Some(pin) => {
                let (p, token) =
                    self.pin_token(&info, pin, Permission::GetAssertion, Some(&request.rp_id))?;
                protocol = p;
                params.pin_auth = pin::authenticate(p, &token, &params.client_data_hash);
            }
            None if request.user_verification => params.option_uv = Some(true),
            None => {}
        }
        let mut payload =
            get_assertion_command::create_payload(params, None, None, protocol.number())
                .map_err(Error::protocol)?;
        // hmac-secret needs a shared secret that ctap-hid-fido2 only builds over its own HID
        // code, so the extension is added to its encoded request here.
        let secret = match request.hmac_salt {
            Some(salt) => {
                if !info.has_extension("hmac-secret") {
                    return Err(Error::Unsupported(Feature::HmacSecret));
                }
                let secret = self.shared_secret(protocol)?;
                let salt_enc = secret.encrypt(&salt)?;
                let extension = Value::Map(vec![
                    (i(1), Self::platform_cose(&secret)),
                    (i(2), Value::Bytes(salt_enc.clone())),
                    (i(3), Value::Bytes(secret.authenticate(&salt_enc))),
                    (i(4), i(protocol.number().into())),
                ]);
                let mut map = Map::parse(&payload[1..])?.0;
                map.push((
                    i(4),
                    Value::Map(vec![(Value::Text("hmac-secret".into()), extension)]),
                ));
                map.sort_by_key(|(k, _)| cbor::int(Some(k)));
                payload = to_payload(map, GET_ASSERTION).map_err(Error::protocol)?;
                Some(secret)
            }
            None => None,
        };
        let reply = self.cbor(&payload)?;
        let count = Self::number_of_credentials(&reply);
        let mut assertions = vec![Self::parse_assertion(&reply, secret.as_ref())?];
        for _ in 1..count.min(64) {
            let next = self.cbor(&[GET_NEXT_ASSERTION])?;
            assertions.push(Self::parse_assertion(&next, secret.as_ref())?);
        }
        // A key may leave out the credential when the allow list named exactly one.
        if let [only] = request.allow.as_slice() {
            for assertion in assertions.iter_mut().filter(|a| a.credential_id.is_empty()) {
                assertion.credential_id = only.clone();
            }
        }
        Ok(assertions)
    }

    fn pin_retries(&self) -> Result<PinRetries> {
        let request = crate_pin::create_payload(PinCmd::GetRetries, 1).map_err(Error::protocol)?;
        let reply = Map::parse(&self.cbor(&request)?)?;
        Ok(PinRetries {
            retries: cbor::uint(reply.int(3))
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| Error::Protocol("getPINRetries without a count".into()))?,
            power_cycle_needed: cbor::boolean(reply.int(4)).unwrap_or(false),
        })
    }

    fn set_pin(&self, new_pin: &Pin) -> Result<()> {
        let info = self.get_info()?;
        match info.pin_set {
            None => return Err(Error::Unsupported(Feature::Pin)),
            Some(true) => return Err(Error::NotAllowed),
            Some(false) => {}
        }
        check_new_pin(&info, new_pin)?;
        let protocol = self.protocol(&info);
        let secret = self.shared_secret(protocol)?;
        let new_pin_enc = secret.new_pin_enc(new_pin)?;
        let pin_auth = secret.authenticate(&new_pin_enc);
        let platform_key = crate_pin::parse_cbor_client_pin_get_keyagreement(
            &Self::platform_key_response(&secret),
        )
        .map_err(Error::protocol)?;
        let request = crate_pin::create_payload_set_pin(
            &platform_key,
            &pin_auth,
            &new_pin_enc,
            protocol.number(),
        )
        .map_err(Error::protocol)?;
        self.cbor(&request).map(drop)
    }

    fn change_pin(&self, current: &Pin, new_pin: &Pin) -> Result<()> {
        let info = self.get_info()?;
        if info.pin_set != Some(true) {
            return Err(Error::PinNotSet);
        }
        check_new_pin(&info, new_pin)?;
        let protocol = self.protocol(&info);
        let secret = self.shared_secret(protocol)?;
        let new_pin_enc = secret.new_pin_enc(new_pin)?;
        let pin_hash_enc = secret.pin_hash_enc(current)?;
        let pin_auth = secret.authenticate(&[&new_pin_enc[..], &pin_hash_enc].concat());
        let platform_key = crate_pin::parse_cbor_client_pin_get_keyagreement(
            &Self::platform_key_response(&secret),
        )
        .map_err(Error::protocol)?;
        let request = crate_pin::create_payload_change_pin(
            &platform_key,
            &pin_auth,
            &new_pin_enc,
            &pin_hash_enc,
            protocol.number(),
        )
        .map_err(Error::protocol)?;
        self.with_retries(self.cbor(&request)).map(drop)
    }

    fn passkeys(&self, pin: &Pin) -> Result<Vec<Passkey>> {
        let info = self.get_info()?;
        let command = Self::cred_mgmt_command(&info)?;
        let (protocol, token) =
            self.pin_token(&info, pin, Permission::CredentialManagement, None)?;
        let auth = Some((protocol, &token[..]));
        let first = match self.cred_mgmt(command, 2, None, auth) {
            Err(Error::NoCredentials) => return Ok(Vec::new()),
            other => other?,
        };
        let total_rps = cbor::uint(first.int(5)).unwrap_or(0);
        let mut rps = vec![first];
        for _ in 1..total_rps.min(1024) {
            rps.push(self.cred_mgmt(command, 3, None, None)?);
        }
        let mut passkeys = Vec::new();
        for rp in rps {
            let rp_entity = rp.int(3).cloned().map(Map::from_value).transpose()?;
            let rp_id = rp_entity
                .as_ref()
                .and_then(|e| cbor::text(e.text("id")))
                .unwrap_or_default()
                .to_owned();
            let rp_name = rp_entity
                .as_ref()
                .and_then(|e| cbor::text(e.text("name")))
                .map(str::to_owned);
            let Some(hash) = cbor::bytes(rp.int(4)) else {
                continue;
            };
            let params = Value::Map(vec![(i(1), Value::Bytes(hash.to_vec()))]);
            let first = match self.cred_mgmt(command, 4, Some(params), auth) {
                Err(Error::NoCredentials) => continue,
                other => other?,
            };
            let total = cbor::uint(first.int(9)).unwrap_or(1);
            let mut credentials = vec![first];
            for _ in 1..total.min(1024) {
                credentials.push(self.cred_mgmt(command, 5, None, None)?);
            }
            for credential in credentials {
                let user = credential
                    .int(6)
                    .cloned()
                    .map(Map::from_value)
                    .transpose()?;
                let descriptor = credential
                    .int(7)
                    .cloned()
                    .map(Map::from_value)
                    .transpose()?;
                passkeys.push(Passkey {
                    rp_id: rp_id.clone(),
                    rp_name: rp_name.clone(),
                    user: user.as_ref().map(user_from).unwrap_or_default(),
                    credential_id: descriptor
                        .as_ref()
                        .and_then(|d| cbor::bytes(d.text("id")))
                        .map(<[u8]>::to_vec)
                        .unwrap_or_default(),
                    cred_protect: cbor::uint(credential.int(10)).and_then(|n| u8::try_from(n).ok()),
                });
            }
        }
        Ok(passkeys)
    }

    fn delete_passkey(&self, pin: &Pin, credential_id: &[u8]) -> Result<()> {
        let info = self.get_info()?;
        let command = Self::cred_mgmt_command(&info)?;
        let (protocol, token) =
            self.pin_token(&info, pin, Permission::CredentialManagement, None)?;
        let descriptor = Value::Map(vec![
            (
                Value::Text("id".into()),
                Value::Bytes(credential_id.to_vec()),
            ),
            (Value::Text("type".into()), Value::Text("public-key".into())),
        ]);
        let params = Value::Map(vec![(i(2), descriptor)]);
        self.cred_mgmt(command, 6, Some(params), Some((protocol, &token)))
            .map(drop)
    }

    fn fingerprints(&self, pin: &Pin) -> Result<Vec<Fingerprint>> {
        let info = self.get_info()?;
        let command = Self::bio_command(&info)?;
        let (protocol, token) = self.pin_token(&info, pin, Permission::BioEnrollment, None)?;
        let reply = match self.bio(command, 4, None, Some((protocol, &token))) {
            // CTAP 2.1 answers "invalid option" when nothing is enrolled.
            Err(Error::Ctap { code: 0x2C, .. }) => return Ok(Vec::new()),
            other => other?,
        };
        Ok(cbor::array(reply.int(7))
            .iter()
            .filter_map(|t| Map::from_value(t.clone()).ok())
            .map(|t| Fingerprint {
                id: cbor::bytes(t.int(1))
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default(),
                name: cbor::text(t.int(2))
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned),
            })
            .collect())
    }

    fn rename_fingerprint(&self, pin: &Pin, id: &[u8], name: &str) -> Result<()> {
        let info = self.get_info()?;
        let command = Self::bio_command(&info)?;
        let (protocol, token) = self.pin_token(&info, pin, Permission::BioEnrollment, None)?;
        let params = Value::Map(vec![
            (i(1), Value::Bytes(id.to_vec())),
            (i(2), Value::Text(name.into())),
        ]);
        self.bio(command, 5, Some(params), Some((protocol, &token)))
            .map(drop)
    }

    fn remove_fingerprint(&self, pin: &Pin, id: &[u8]) -> Result<()> {
        let info = self.get_info()?;
        let command = Self::bio_command(&info)?;
        let (protocol, token) = self.pin_token(&info, pin, Permission::BioEnrollment, None)?;
        let params = Value::Map(vec![(i(1), Value::Bytes(id.to_vec()))]);
        self.bio(command, 6, Some(params), Some((protocol, &token)))
            .map(drop)
    }

    fn enroll_fingerprint(
        &self,
        pin: &Pin,
        progress: &mut dyn FnMut(EnrollProgress),
    ) -> Result<Fingerprint> {
        let info = self.get_info()?;
        let command = Self::bio_command(&info)?;
        // Listed first: every new PIN token invalidates the previous one.
        let before: Vec<Vec<u8>> = self.fingerprints(pin)?.into_iter().map(|f| f.id).collect();
        let (protocol, token) = self.pin_token(&info, pin, Permission::BioEnrollment, None)?;
        let auth = Some((protocol, &token[..]));
        let mut reply = self.bio(command, 1, None, auth)?;
        let id = cbor::bytes(reply.int(4))
            .ok_or_else(|| Error::Protocol("enrollBegin without a template ID".into()))?
            .to_vec();
        // A sensor needs a handful of touches; bound the loop against a confused key.
        for _ in 0..64 {
            let step = EnrollProgress {
                remaining_samples: cbor::uint(reply.int(6)).unwrap_or(0) as u32,
                last_status: cbor::uint(reply.int(5)).unwrap_or(0) as u8,
            };
            let done = step.remaining_samples == 0;
            progress(step);
            if done {
                return Ok(Fingerprint {
                    id: self.enrolled_id(pin, id, &before)?,
                    name: None,
                });
            }
            let params = Value::Map(vec![(i(1), Value::Bytes(id.clone()))]);
            reply = match self.bio(command, 2, Some(params), auth) {
                Ok(reply) => reply,
                Err(e) => {
                    // Best effort: leave the sensor ready for the next attempt.
                    let _ = self.bio(command, 3, None, None);
                    return Err(e);
                }
            };
        }
        Err(Error::Protocol(
            "fingerprint enrolment never finished".into(),
        ))
    }

    fn set_always_uv(&self, pin: Option<&Pin>, on: bool) -> Result<()> {
        let info = self.get_info()?;
        let Some(current) = info.option("alwaysUv") else {
            return Err(Error::Unsupported(Feature::AlwaysUv));
        };
        if info.option("authnrCfg") != Some(true) {
            return Err(Error::Unsupported(Feature::Config));
        }
        if current == on {
            return Ok(());
        }
        let mut map = vec![(i(1), i(TOGGLE_ALWAYS_UV.into()))];
        // With a PIN set the command must be authorised: HMAC with a token allowed to
        // configure, over 32 x 0xff || 0x0d || subCommand (CTAP 2.1, 6.11).
        if info.pin_set == Some(true) {
            let pin = pin.ok_or(Error::PinRequired)?;
            let (protocol, token) =
                self.pin_token(&info, pin, Permission::AuthenticatorConfiguration, None)?;
            let mut message = vec![0xff; 32];
            message.extend([AUTHENTICATOR_CONFIG, TOGGLE_ALWAYS_UV]);
            map.push((i(3), i(protocol.number().into())));
            map.push((
                i(4),
                Value::Bytes(pin::authenticate(protocol, &token, &message)),
            ));
        }
        self.with_retries(
            self.cbor(&to_payload(map, AUTHENTICATOR_CONFIG).map_err(Error::protocol)?),
        )
        .map(drop)
    }

    fn reset(&self) -> Result<()> {
        self.cbor(&[RESET]).map(drop)
    }

    fn wink(&self) -> Result<()> {
        let mut channel = self.channel.lock().unwrap_or_else(|e| e.into_inner());
        channel.transact(CMD_WINK, &[], &self.signals).map(drop)
    }

    fn cancel(&self) {
        self.signals.cancel();
    }

    fn set_event_sink(&self, sink: EventSink) {
        self.signals.set_sink(sink);
    }
}
