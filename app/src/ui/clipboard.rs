//! The copy button: an island, so the summary for the client record goes to the clipboard in
//! one tap. Without the WASM the button is there but the text box beside it is selectable,
//! which is how it is copied then.

use leptos::prelude::*;
use leptos_use::{UseClipboardReturn, use_clipboard};

/// Copies `text` (the same text the page shows in the box `target`) and says so.
#[island]
pub fn CopyText(target: String, text: String, label: String, done: String) -> impl IntoView {
    let UseClipboardReturn { copied, copy, .. } = use_clipboard();
    view! {
        <p class="copy">
            <button type="button" class="button" aria-controls=target on:click=move |_| copy(&text)>
                {label}
            </button>
            " "
            <span class="copy__done" role="status">{move || copied.get().then(|| done.clone())}</span>
        </p>
    }
}
