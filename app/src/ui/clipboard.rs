//! The copy button: an island, so the summary for the client record goes to the clipboard in
//! one tap. The button shows once the WASM is awake (its place is kept, so nothing moves);
//! before and without it the text box beside it is selectable, which is how it is copied then.

use leptos::prelude::*;
use leptos_use::{UseClipboardReturn, use_clipboard};

/// Copies `text` (the same text the page shows in the box `target`) and says so.
#[island]
pub fn CopyText(target: String, text: String, label: String, done: String) -> impl IntoView {
    let UseClipboardReturn { is_supported, copied, copy, .. } = use_clipboard();
    // Effects run only in the browser: on the server and before hydration the button is hidden.
    let awake = RwSignal::new(false);
    Effect::new(move || awake.set(true));
    let hidden = move || !(awake.get() && is_supported.get());
    view! {
        <p class="copy">
            <button type="button" class="button" aria-controls=target hidden=hidden on:click=move |_| copy(&text)>
                {label}
            </button>
            " "
            <span class="copy__done" role="status">{move || copied.get().then(|| done.clone())}</span>
        </p>
    }
}
