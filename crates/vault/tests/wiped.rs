//! No copy of the recovery key is left behind in freed memory when its QR text is made.

#[path = "../../otp/tests/support/freed_memory.rs"]
mod freed_memory;

use countersign_vault::{KdfParams, Store};
use freed_memory::{FreedMemory, freed_with};

#[global_allocator]
static ALLOCATOR: FreedMemory = FreedMemory;

#[test]
fn the_recovery_qr_text_leaves_no_copy_of_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path())
        .unwrap()
        .with_kdf(KdfParams::new(64, 1, 1).unwrap());
    let (_vault, recovery) = store.create(Some("pw"), false).unwrap();
    let grouped = recovery.to_grouped();
    // The first groups: what a buffer outgrown halfway through would hold.
    let needle = &grouped.as_bytes()[..14];
    let expected = format!("COUNTERSIGN-RECOVERY:{}", *grouped);
    let mut text = None;
    let found = freed_with(needle, || text = Some(recovery.qr_text()));
    assert_eq!(found, 0);
    assert_eq!(*text.unwrap(), expected);
}
