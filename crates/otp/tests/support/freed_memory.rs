//! A global allocator for tests that looks, on this thread and while armed, at every block
//! freed (or left by a reallocation) for a given byte string: a secret still there when its
//! memory is given back was not wiped. Shared by the tests of several crates (`#[path]`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The allocator; install with `#[global_allocator]`.
pub struct FreedMemory;

thread_local! {
    /// The needle while armed: its address and length (it must outlive the arming).
    static NEEDLE: Cell<Option<(*const u8, usize)>> = const { Cell::new(None) };
    /// Freed blocks that held the needle.
    static FOUND: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: allocation is delegated to `System`; the scan only reads the block being freed,
// which is still allocated and `layout.size()` bytes long. Reallocation goes through the
// trait's default (allocate, copy, free), so every block left behind is scanned.
unsafe impl GlobalAlloc for FreedMemory {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Ok(Some((needle, len))) = NEEDLE.try_with(Cell::get) {
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let needle = unsafe { std::slice::from_raw_parts(needle, len) };
            if block.windows(len).any(|window| window == needle) {
                FOUND.with(|found| found.set(found.get() + 1));
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// How many blocks freed by `body` on this thread still held `needle`.
pub fn freed_with(needle: &[u8], body: impl FnOnce()) -> usize {
    assert!(!needle.is_empty());
    FOUND.with(|found| found.set(0));
    NEEDLE.with(|slot| slot.set(Some((needle.as_ptr(), needle.len()))));
    body();
    NEEDLE.with(|slot| slot.set(None));
    FOUND.with(Cell::get)
}
