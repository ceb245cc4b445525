//! Rinnalla's Leptos app. Compiled twice: with `ssr` into the server (pages, server functions,
//! services and the database), and with `hydrate` into WebAssembly, where only the islands
//! (the few interactive parts) come alive. Pages are complete HTML without the WASM.
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod api;
pub mod domain;
pub mod dto;
pub mod ui;
pub mod words;

#[cfg(feature = "ssr")]
pub mod backend;

pub use ui::{App, shell};

/// The browser entry point: wakes up the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Says the islands are awake (the end-to-end tests wait for it before tapping an island).
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
