//! Saying in words why a guide is proposed, and why another is not; and naming the statuses,
//! topics, places and channels of the referral pages.

use leptos::prelude::*;

pub use crate::words::*;
use crate::{
    api::referrals::TopicView,
    domain::{
        matching::Contribution,
        referrals::{Clock, Urgency},
    },
    i18n::*,
};

/// The reasons, each with its points.
#[component]
pub fn Reasons(contributions: Vec<Contribution>, topics: Vec<TopicView>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    view! {
        <ul class="reasons">
            {contributions
                .into_iter()
                .map(|c| {
                    view! {
                        <li>
                            {contribution_text(&c, &topics, locale)}
                            <span class="muted">{format!(" (+{})", (c.milli_points + 500) / 1000)}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The 7-day clock as the queue shows it: days waiting and days left, marked at three days
/// and when overdue.
#[component]
pub fn ClockBadge(clock: Clock) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let (class, text) = match clock.urgency {
        Urgency::Reached => ("badge badge--ok", td_string!(locale, clock.reached, days = clock.days_waiting)),
        Urgency::Overdue => {
            ("badge badge--danger", td_string!(locale, clock.overdue, days = -clock.days_left.unwrap_or(0)))
        }
        Urgency::Attention => (
            "badge badge--warn",
            td_string!(
                locale,
                clock.attention,
                waited = clock.days_waiting,
                left = clock.days_left.unwrap_or(0)
            ),
        ),
        Urgency::OnTime => (
            "badge",
            td_string!(
                locale,
                clock.on_time,
                waited = clock.days_waiting,
                left = clock.days_left.unwrap_or(0)
            ),
        ),
    };
    view! { <span class=class>{text}</span> }
}

/// A select of places grouped by region, the demo region first.
#[component]
pub fn PlaceSelect(
    name: &'static str,
    #[prop(into)] label: String,
    selected: String,
    error: Option<crate::domain::validation::ValidationCode>,
) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let id = crate::ui::components::field_id(name);
    let mut regions: Vec<&str> = crate::domain::places::all().iter().map(|p| p.region.as_str()).collect();
    regions.dedup();
    regions.sort_by_key(|r| (*r != "south_ostrobothnia", region_name(r, locale)));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {error.map(|code| view! { <span class="field__error">{crate::ui::components::validation_text(locale, code)}</span> })}
            <select id=id name=name aria-invalid=error.map(|_| "true")>
                <option value="">"–"</option>
                {regions
                    .into_iter()
                    .map(|region| {
                        let places: Vec<_> = crate::domain::places::all().iter().filter(|p| p.region == region).collect();
                        view! {
                            <optgroup label=region_name(region, locale)>
                                {places
                                    .into_iter()
                                    .map(|p| view! { <option value=p.name.clone() selected=p.name == selected>{p.name.clone()}</option> })
                                    .collect_view()}
                            </optgroup>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
