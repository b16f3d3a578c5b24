//! Named checks with a verdict and a reason, and their plain-text rendering.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The verdict of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// The check did not apply or could not run; the reason says which.
    Skipped,
}

/// One named check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable identifier, such as `client_data.challenge` (prefixed by a step in test reports).
    pub name: String,
    /// The verdict.
    pub outcome: Outcome,
    /// Why, in words a person can act on (English).
    pub reason: String,
    /// The reason as a stable code (`challenge_matches`, `origin_wrong`, ...), for a window
    /// that words it in its own language; `None` where only `reason` says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// The values the reason names, by name (`expected`, `found`, `bytes`, ...), as text;
    /// technical details from a library stay English under `detail`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<&'static str, String>,
}

/// A list of checks, as the UI, the CLI and "copy report" show them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// What was checked.
    pub title: String,
    /// Every check, in the order they ran.
    pub checks: Vec<Check>,
    /// The verified credential, when a registration passed its parsing checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<VerifiedCredential>,
    /// Where a registration's valid attestation certificates lead, when it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain: Option<Chain>,
}

/// Where a valid attestation's certificate chain ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chain {
    /// At a trusted root: a bundled vendor root, or one the caller supplied.
    TrustedRoot,
    /// At a root Countersign does not bundle: the statement and the certificates are valid,
    /// but nothing Countersign knows vouches for the vendor.
    UnknownRoot,
}

/// The verdict on a whole verification, from its checks and its chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No check failed, and any attestation chain ends at a trusted root (or there is none).
    Valid,
    /// No check failed, but the attestation chain ends at a root Countersign does not bundle.
    ValidUnknownRoot,
    /// A check failed.
    Invalid,
}

impl Verdict {
    /// The verdict in words, as the CLI prints it.
    pub fn describe(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::ValidUnknownRoot => "valid, chain to an unknown root",
            Verdict::Invalid => "invalid",
        }
    }
}

/// What a relying party stores after a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedCredential {
    /// The credential ID.
    #[serde(with = "crate::b64")]
    pub credential_id: Vec<u8>,
    /// The credential public key as COSE_Key CBOR, for [`crate::verify_assertion`].
    #[serde(with = "crate::b64")]
    pub public_key_cose: Vec<u8>,
    /// The COSE algorithm of the key.
    pub algorithm: i64,
    /// The signature counter at registration.
    pub sign_count: u32,
    /// The AAGUID as a UUID string.
    pub aaguid: String,
}

impl Report {
    /// An empty report with a title.
    pub fn new(title: impl Into<String>) -> Report {
        Report {
            title: title.into(),
            ..Report::default()
        }
    }

    /// Adds a check.
    pub fn push(&mut self, name: impl Into<String>, outcome: Outcome, reason: impl Into<String>) {
        self.checks.push(Check {
            name: name.into(),
            outcome,
            reason: reason.into(),
            code: None,
            args: BTreeMap::new(),
        });
    }

    /// Gives the check added last its reason's code and the values it names.
    pub fn word<const N: usize>(&mut self, code: &'static str, args: [(&'static str, String); N]) {
        if let Some(check) = self.checks.last_mut() {
            check.code = Some(code);
            check.args = args.into_iter().collect();
        }
    }

    /// Adds a check that passed when `ok`, else failed, with the matching reason.
    pub fn expect(
        &mut self,
        name: &str,
        ok: bool,
        pass: impl Into<String>,
        fail: impl Into<String>,
    ) -> bool {
        if ok {
            self.push(name, Outcome::Pass, pass);
        } else {
            self.push(name, Outcome::Fail, fail);
        }
        ok
    }

    /// Appends another report's checks under a prefix (an unknown root in it stays known).
    pub fn absorb(&mut self, prefix: &str, other: Report) {
        if other.chain == Some(Chain::UnknownRoot) || self.chain.is_none() {
            self.chain = other.chain.or(self.chain);
        }
        for check in other.checks {
            self.checks.push(Check {
                name: format!("{prefix}/{}", check.name),
                ..check
            });
        }
    }

    /// True when no check failed.
    pub fn passed(&self) -> bool {
        !self.checks.iter().any(|c| c.outcome == Outcome::Fail)
    }

    /// Valid, valid with a chain to an unknown root, or invalid.
    pub fn verdict(&self) -> Verdict {
        if !self.passed() {
            Verdict::Invalid
        } else if self.chain == Some(Chain::UnknownRoot) {
            Verdict::ValidUnknownRoot
        } else {
            Verdict::Valid
        }
    }

    /// The check with this name.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The outcome of the check with this name.
    pub fn outcome(&self, name: &str) -> Option<Outcome> {
        self.check(name).map(|c| c.outcome)
    }

    /// How many checks have this outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.checks.iter().filter(|c| c.outcome == outcome).count()
    }

    /// Plain text for "copy report" and the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.title);
        let width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for check in &self.checks {
            let tag = match check.outcome {
                Outcome::Pass => "PASS",
                Outcome::Fail => "FAIL",
                Outcome::Skipped => "SKIP",
            };
            let _ = writeln!(out, "{tag}  {:width$}  {}", check.name, check.reason);
        }
        let _ = writeln!(
            out,
            "{} passed, {} failed, {} skipped",
            self.count(Outcome::Pass),
            self.count(Outcome::Fail),
            self.count(Outcome::Skipped)
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lists_every_check_and_a_summary() {
        let mut report = Report::new("Demo");
        report.push("a", Outcome::Pass, "fine");
        report.push("longer.name", Outcome::Fail, "broken");
        report.push("c", Outcome::Skipped, "n/a");
        report.word("not_applicable", [("why", "demo".into())]);
        assert_eq!(report.checks[2].code, Some("not_applicable"));
        assert_eq!(report.checks[2].args["why"], "demo");
        assert_eq!(report.checks[1].code, None);
        let text = report.to_text();
        assert_eq!(
            text,
            "Demo\nPASS  a            fine\nFAIL  longer.name  broken\nSKIP  c            n/a\n1 passed, 1 failed, 1 skipped\n"
        );
        assert!(!report.passed());
        assert_eq!(report.outcome("c"), Some(Outcome::Skipped));
        assert_eq!(report.verdict(), Verdict::Invalid);
    }

    #[test]
    fn an_unknown_root_is_its_own_verdict_and_survives_absorbing() {
        let mut step = Report::new("Step");
        step.push(
            "attestation.trust_chain",
            Outcome::Skipped,
            "valid, chain to an unknown root",
        );
        step.chain = Some(Chain::UnknownRoot);
        assert!(step.passed());
        assert_eq!(step.verdict(), Verdict::ValidUnknownRoot);
        let mut trusted = Report::new("Other step");
        trusted.chain = Some(Chain::TrustedRoot);
        let mut whole = Report::new("Test");
        whole.absorb("a", step);
        whole.absorb("b", trusted);
        assert_eq!(whole.verdict(), Verdict::ValidUnknownRoot);
        assert_eq!(
            Verdict::ValidUnknownRoot.describe(),
            "valid, chain to an unknown root"
        );
        whole.push("c", Outcome::Fail, "broken");
        assert_eq!(whole.verdict(), Verdict::Invalid);
    }
}
