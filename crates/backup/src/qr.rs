//! QR codes to move accounts to a phone: Google Authenticator migration batches, or one
//! otpauth:// code per account, rendered as SVG for the UI to show.

use countersign_otp::{Account, ExportLimit, encode_migration};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode as Matrix};
use zeroize::Zeroizing;

use crate::{ExportError, crypto};

/// One QR code to show: what it is, the text it holds, and the picture.
///
/// The text and the picture carry secrets: `Debug` shows only the label.
pub struct QrCode {
    /// What the code holds, for a caption ("GitHub (octocat)", "Batch 1 of 3").
    pub label: String,
    /// The URI in the code.
    pub text: Zeroizing<String>,
    /// The code as a standalone SVG document.
    pub svg: Zeroizing<String>,
}

impl std::fmt::Debug for QrCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrCode")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// Migration QR codes, and the accounts Google's format cannot hold.
#[derive(Debug)]
pub struct QrExport {
    /// The codes, in order; scan all of them.
    pub codes: Vec<QrCode>,
    /// Accounts (by index into the input) left out, and why.
    pub left_out: Vec<(usize, ExportLimit)>,
}

pub(crate) fn migration(accounts: &[Account], batch_size: usize) -> Result<QrExport, ExportError> {
    // Tells the batches of this export apart from any other export's on the phone.
    let batch_id = i32::from_le_bytes(crypto::random());
    let export = encode_migration(accounts, batch_size, batch_id);
    let count = export.uris.len();
    let codes = export
        .uris
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let label = format!("Batch {} of {count}", index + 1);
            render(label, text)
        })
        .collect::<Result<_, _>>()?;
    Ok(QrExport {
        codes,
        left_out: export.left_out,
    })
}

pub(crate) fn per_account(accounts: &[Account]) -> Result<Vec<QrCode>, ExportError> {
    accounts
        .iter()
        .map(|account| render(account.display_name(), account.to_uri()))
        .collect()
}

fn render(label: String, text: Zeroizing<String>) -> Result<QrCode, ExportError> {
    // Medium error correction survives a glare on a screen; low packs more when it must.
    let matrix = Matrix::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .or_else(|_| Matrix::with_error_correction_level(text.as_bytes(), EcLevel::L))
        .map_err(|_| ExportError::QrTooLong {
            label: label.clone(),
        })?;
    let svg = Zeroizing::new(
        matrix
            .render::<svg::Color>()
            .min_dimensions(256, 256)
            .quiet_zone(true)
            .build(),
    );
    Ok(QrCode { label, text, svg })
}
