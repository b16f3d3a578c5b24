/** What every modal <dialog> of the app does: shown modally while in the page, and Escape
 *  asks its owner instead of closing it behind the owner's back. */

/** Shows `dialog` modally (focus trapped, the page behind inert) until it leaves the page: an
 *  attachment, `{@attach showModal}`. */
export function showModal(dialog: HTMLDialogElement): () => void {
  dialog.showModal();
  return () => dialog.close();
}

/** A dialog's `oncancel` (Escape): the dialog stays open and `onescape` decides what happens. */
export function escapeTo(onescape: () => void): (event: Event) => void {
  return (event) => {
    event.preventDefault();
    onescape();
  };
}
