//! The menu button: the one island every page has. Without the WASM the navigation is simply
//! shown; once the island wakes up, phones get a compact header with a menu button.

use leptos::prelude::*;

#[island]
pub fn MenuToggle(button_label: String, nav_label: String, children: Children) -> impl IntoView {
    let (open, set_open) = signal(false);
    // Effects run only in the browser, so `hydrated` is false in the server's HTML.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <button
            type="button"
            class="menu-button"
            aria-controls="site-nav"
            aria-expanded=move || open.get().to_string()
            hidden=move || !hydrated.get()
            on:click=move |_| set_open.update(|open| *open = !*open)
        >
            {button_label}
        </button>
        <nav
            id="site-nav"
            class="site-nav"
            aria-label=nav_label
            data-collapsed=move || (hydrated.get() && !open.get()).to_string()
        >
            {children()}
        </nav>
    }
}
