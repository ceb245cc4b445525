//! Outings and groups: planning one, the list of coming sessions, a session's page, and
//! signing clients up with the waitlist that moves by itself.

pub use crate::dto::outings::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::ClientId;

/// The guides who may lead, for the outing form.
#[server(endpoint = "outings/choices")]
pub async fn outing_form_choices() -> Result<OutingChoices, AppError> {
    super::request::serve(async |ctx| crate::backend::outings::choices(ctx).await).await
}

/// Creates the outing and its sessions, and opens the first session.
#[server(endpoint = "outings/create")]
pub async fn create_outing(form: OutingForm) -> Result<(), AppError> {
    let session = super::request::serve_form("outing", &form, async |ctx| {
        crate::backend::outings::create(ctx, &form).await
    })
    .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?created=1"));
    Ok(())
}

/// Coming sessions, soonest first; `after` is the cursor of the page before.
#[server(endpoint = "outings/list")]
pub async fn coming_sessions(#[server(default)] after: String) -> Result<OutingList, AppError> {
    super::request::serve(async |ctx| crate::backend::outings::list(ctx, Some(&after)).await).await
}

/// One session: its places, waitlist and the participants the viewer may see.
#[server(endpoint = "outings/session")]
pub async fn outing_session(
    session_id: i64,
    #[server(default)] client: Option<ClientId>,
) -> Result<SessionPage, AppError> {
    super::request::serve(async |ctx| crate::backend::outings::session_page(ctx, session_id, client).await)
        .await
}

#[server(endpoint = "outings/sign-up")]
pub async fn sign_up_for_outing(form: SignupForm) -> Result<(), AppError> {
    let done = super::request::serve_form("signup", &form, async |ctx| {
        crate::backend::outings::sign_up(ctx, &form).await
    })
    .await?;
    let waiting = done.statuses.first().is_some_and(|s| *s == crate::domain::outings::SignupStatus::Waiting);
    let answer = if waiting { "waiting" } else { "confirmed" };
    leptos_axum::redirect(&format!("/outings/sessions/{}?signed={answer}", done.session_id));
    Ok(())
}

/// Cancels a sign-up or declines an offered place; the place goes to the next in line.
#[server(endpoint = "outings/cancel")]
pub async fn cancel_signup(signup_id: i64) -> Result<(), AppError> {
    let session =
        super::request::serve(async |ctx| crate::backend::outings::cancel(ctx, signup_id).await).await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?cancelled=1"));
    Ok(())
}

/// Confirms the place offered to the guide's client.
#[server(endpoint = "outings/confirm")]
pub async fn confirm_offer(signup_id: i64) -> Result<(), AppError> {
    let session =
        super::request::serve(async |ctx| crate::backend::outings::confirm_offer(ctx, signup_id).await)
            .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?confirmed=1"));
    Ok(())
}

/// Moves a waiting person to the front of the line, with the reason.
#[server(endpoint = "outings/move-up")]
pub async fn move_up(signup_id: i64, reason: String) -> Result<(), AppError> {
    let session = super::request::serve_form("move_up", &reason, async |ctx| {
        crate::backend::outings::move_up(ctx, signup_id, &reason).await
    })
    .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?moved=1"));
    Ok(())
}

/// Confirms someone who needs a ride without a ride seat, with a note of how they come.
#[server(endpoint = "outings/own-transport")]
pub async fn confirm_own_transport(signup_id: i64, note: String) -> Result<(), AppError> {
    let session = super::request::serve_form("own_transport", &note, async |ctx| {
        crate::backend::outings::confirm_own_transport(ctx, signup_id, &note).await
    })
    .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?confirmed=1"));
    Ok(())
}

/// Offers seats in the guide's car for a session (or changes how many).
#[server(endpoint = "outings/seats")]
pub async fn offer_seats(form: SeatsForm) -> Result<(), AppError> {
    let session = super::request::serve_form("seats", &form, async |ctx| {
        crate::backend::outings::offer_seats(ctx, &form).await
    })
    .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?seats=1#car"));
    Ok(())
}

/// Takes the guide's offer of seats back.
#[server(endpoint = "outings/seats-withdraw")]
pub async fn withdraw_seats(session_id: i64) -> Result<(), AppError> {
    let session =
        super::request::serve(async |ctx| crate::backend::outings::withdraw_seats(ctx, session_id).await)
            .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?seats=0#car"));
    Ok(())
}

/// Who picks up whom: a driver's own car, or every car for leaders and coordinators.
#[server(endpoint = "outings/pickups")]
pub async fn outing_pickups(session_id: i64) -> Result<PickupsPage, AppError> {
    super::request::serve(async |ctx| crate::backend::outings::pickups(ctx, session_id).await).await
}

/// Puts a rider in a car (`driver` 0: back to the proposal).
#[server(endpoint = "outings/assign")]
pub async fn assign_rider(signup_id: i64, driver: i64) -> Result<(), AppError> {
    let session = super::request::serve(async |ctx| {
        crate::backend::outings::assign_rider(ctx, signup_id, driver).await
    })
    .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}/pickups?moved=1"));
    Ok(())
}

/// Marks a participant as come (`attended`) or not (`no_show`).
#[server(endpoint = "outings/attendance")]
pub async fn mark_attendance(signup_id: i64, attendance: String) -> Result<(), AppError> {
    let session = super::request::serve(async |ctx| {
        crate::backend::outings::mark_attendance(ctx, signup_id, &attendance).await
    })
    .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}#signup-{signup_id}"));
    Ok(())
}

/// Writes the viewer's hours and kilometres for a session they led or drove for.
#[server(endpoint = "outings/work")]
pub async fn record_outing_work(form: WorkForm) -> Result<(), AppError> {
    let session = super::request::serve_form("work", &form, async |ctx| {
        crate::backend::outings::record_work(ctx, &form).await
    })
    .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?work=1#work"));
    Ok(())
}

/// Writes a session's agenda and memo (a leader or coordinator).
#[server(endpoint = "outings/notes")]
pub async fn save_session_notes(form: NotesForm) -> Result<(), AppError> {
    let session = super::request::serve_form("notes", &form, async |ctx| {
        crate::backend::outings::save_notes(ctx, &form).await
    })
    .await?;
    leptos_axum::redirect(&format!("/outings/sessions/{session}?notes=1#notes"));
    Ok(())
}
