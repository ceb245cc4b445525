//! Pages and components. Everything here renders on the server into complete HTML; only
//! `#[island]` components are hydrated in the browser.

pub mod clipboard;
pub mod components;
pub mod explain;
pub mod language;
pub mod layout;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::i18n::*;

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options islands=true />
                <script src="/sw-register.js" defer></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider cookie_options=language::cookie_options()>
            <Titles />
            <Router>
                <layout::Layout>
                    // Async rendering: a page's data is loaded before its first byte is sent, so
                    // "not allowed" and "not found" pages carry the right HTTP status.
                    <Routes fallback=pages::not_found::NotFoundPage>
                        <Route path=path!("/") view=pages::home::HomePage ssr=SsrMode::Async />
                        <Route path=path!("/sign-in") view=pages::sign_in::SignInPage ssr=SsrMode::Async />
                        <Route path=path!("/sign-in/code") view=pages::sign_in::SignInCodePage ssr=SsrMode::Async />
                        <Route path=path!("/password-reset") view=pages::password::RequestResetPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/password-reset/:token")
                            view=|| view! { <pages::password::SetPasswordPage purpose="password_reset" /> }
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("/invitation/:token")
                            view=|| view! { <pages::password::SetPasswordPage purpose="invitation" /> }
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/referrals") view=pages::referrals::ReferralListPage ssr=SsrMode::Async />
                        <Route path=path!("/referrals/new") view=pages::referrals::NewReferralPage ssr=SsrMode::Async />
                        <Route path=path!("/referrals/batch") view=pages::referrals::BatchPage ssr=SsrMode::Async />
                        <Route path=path!("/referrals/:id") view=pages::referrals::ReferralPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/referrals/:id/introductions")
                            view=pages::referrals::IntroductionsPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/proposals") view=pages::proposals::ProposalsPage ssr=SsrMode::Async />
                        <Route path=path!("/guides") view=pages::guides::GuidesPage ssr=SsrMode::Async />
                        <Route path=path!("/guides/:id") view=pages::guides::GuideProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/profile") view=pages::guides::MyProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/transfers") view=pages::transfers::TransfersPage ssr=SsrMode::Async />
                        <Route path=path!("/clients") view=pages::clients::ClientListPage ssr=SsrMode::Async />
                        <Route path=path!("/clients/:id") view=pages::clients::ClientPage ssr=SsrMode::Async />
                        <Route path=path!("/clients/:id/audit") view=pages::audit::ClientAuditPage ssr=SsrMode::Async />
                        <Route path=path!("/clients/:id/goals") view=pages::goals::GoalsPage ssr=SsrMode::Async />
                        <Route path=path!("/clients/:id/review") view=pages::reviews::ReviewPage ssr=SsrMode::Async />
                        <Route path=path!("/clients/:id/ending") view=pages::endings::EndingPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/clients/:id/ending/summary")
                            view=pages::endings::SummaryPrintPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/admin/users") view=pages::staff::StaffListPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/users/new") view=pages::staff::InviteAccountPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/users/:id") view=pages::staff::EditAccountPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/audit") view=pages::audit::AuditLogPage ssr=SsrMode::Async />
                        <Route path=path!("/admin/outbox") view=pages::outbox::OutboxPage ssr=SsrMode::Async />
                        <Route path=path!("/settings") view=pages::settings::SettingsPage ssr=SsrMode::Async />
                        <Route path=path!("/settings/second-factor") view=pages::second_factor::SecondFactorPage ssr=SsrMode::Async />
                        <Route path=path!("/today") view=pages::visits::TodayPage ssr=SsrMode::Async />
                        <Route path=path!("/week") view=pages::visits::WeekPage ssr=SsrMode::Async />
                        <Route path=path!("/visits/new") view=pages::visits::NewVisitPage ssr=SsrMode::Async />
                        <Route path=path!("/visits/:id") view=pages::visits::VisitPage ssr=SsrMode::Async />
                        <Route path=path!("/visits/:id/feedback") view=pages::feedback::HandOverPage ssr=SsrMode::Async />
                        <Route path=path!("/feedback") view=pages::feedback::FeedbackResultsPage ssr=SsrMode::Async />
                        <Route path=path!("/mileage") view=pages::visits::MileagePage ssr=SsrMode::Async />
                        <Route path=path!("/outings") view=pages::outings::OutingListPage ssr=SsrMode::Async />
                        <Route path=path!("/outings/new") view=pages::outings::NewOutingPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/outings/sessions/:id")
                            view=pages::outings::OutingSessionPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=path!("/outings/sessions/:id/pickups")
                            view=pages::outings::OutingPickupsPage
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </layout::Layout>
            </Router>
        </I18nContextProvider>
    }
}

/// Every page title ends with the app's name.
#[component]
fn Titles() -> impl IntoView {
    let i18n = use_i18n();
    let app_name = td_string!(i18n.get_locale_untracked(), app_name);
    view! { <Title formatter=move |page: String| format!("{page} · {app_name}") /> }
}

#[cfg(test)]
mod translations_test;
