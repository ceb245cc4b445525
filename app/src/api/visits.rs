//! Visits: booking (one or a series), the guide's agenda, one visit with its ride, the "done"
//! form, rescheduling and cancelling, the month's hours and kilometres, and the calendar feed
//! link.

pub use crate::dto::visits::*;

use leptos::prelude::*;

use super::AppError;
use crate::domain::ids::{ClientId, UserId};

#[server(endpoint = "visits/choices")]
pub async fn booking_choices(client_id: ClientId) -> Result<BookingOptions, AppError> {
    super::request::serve(async |ctx| crate::backend::visits::choices(ctx, client_id).await).await
}

#[server(endpoint = "visits/book")]
pub async fn book_visit(form: VisitForm) -> Result<(), AppError> {
    let booked = super::request::serve_form("visit", &form, async |ctx| {
        crate::backend::visits::book(ctx, &form).await
    })
    .await?;
    let outside = if booked.outside_availability > 0 { "&outside=1" } else { "" };
    leptos_axum::redirect(&format!("/visits/{}?booked={}{outside}", booked.first_visit, booked.visits));
    Ok(())
}

#[server(endpoint = "visits/agenda")]
pub async fn agenda(
    #[server(default)] week: bool,
    #[server(default)] offset: i32,
) -> Result<AgendaView, AppError> {
    super::request::serve(async |ctx| crate::backend::visits::agenda(ctx, week, offset).await).await
}

#[server(endpoint = "visits/get")]
pub async fn get_visit(id: i64) -> Result<VisitView, AppError> {
    super::request::serve(async |ctx| crate::backend::visits::get(ctx, id).await).await
}

#[server(endpoint = "visits/for-client")]
pub async fn client_visits(
    client_id: ClientId,
    #[server(default)] after: Option<i64>,
    #[server(default)] size: Option<u32>,
) -> Result<crate::dto::Page<VisitView>, AppError> {
    super::request::serve(async |ctx| {
        let size = crate::domain::paging::page_size(size.or(Some(20)));
        crate::backend::visits::for_client(ctx, client_id, after, size).await
    })
    .await
}

/// `outcome` is `done` or `no_show`. Hours as typed ("1,5"); kilometres optional; a reason when
/// they go beyond what the visit and its travel explain.
#[server(endpoint = "visits/outcome")]
pub async fn record_outcome(
    id: i64,
    outcome: String,
    #[server(default)] note: String,
    #[server(default)] hours: String,
    #[server(default)] km: String,
    #[server(default)] excess_reason: String,
) -> Result<(), AppError> {
    let kept = serde_json::json!({ "note": note, "hours": hours, "km": km, "excess_reason": excess_reason });
    super::request::serve_form("outcome", &kept, async |ctx| {
        let recorded = crate::backend::visits::Recorded {
            outcome: &outcome,
            note: &note,
            hours: &hours,
            km: &km,
            excess_reason: &excess_reason,
        };
        crate::backend::visits::record_outcome(ctx, id, &recorded).await
    })
    .await?;
    leptos_axum::redirect("/today?recorded=1");
    Ok(())
}

/// `scope` is `one` or `rest` (this and the later visits of its series).
#[server(endpoint = "visits/cancel")]
pub async fn cancel_visit(id: i64, scope: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::visits::cancel(ctx, id, &scope).await?;
        leptos_axum::redirect(&format!("/visits/{id}?cancelled=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "visits/reschedule")]
pub async fn reschedule_visit(id: i64, date: String, start: String, end: String) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::visits::reschedule(ctx, id, &date, &start, &end).await?;
        leptos_axum::redirect(&format!("/visits/{id}?rescheduled=1"));
        Ok(())
    })
    .await
}

/// `month` is `YYYY-MM` (empty: this month); `guide` empty means oneself.
#[server(endpoint = "mileage/month")]
pub async fn mileage(
    #[server(default)] guide: Option<UserId>,
    #[server(default)] month: String,
) -> Result<MileageView, AppError> {
    super::request::serve(async |ctx| {
        let rate = super::request::state()?.settings.km_rate_cents;
        crate::backend::visits::mileage(ctx, guide, &month, rate).await
    })
    .await
}

/// Until which day (Helsinki, `YYYY-MM-DD`) the signed-in person's calendar link works, if
/// they have a live one.
#[server(endpoint = "calendar/status")]
pub async fn calendar_feed_status() -> Result<Option<String>, AppError> {
    super::request::serve(async |ctx| {
        let until = crate::backend::visits::feed_status(ctx).await?;
        Ok(until.map(|at| at.with_timezone(&crate::domain::time::HELSINKI).date_naive().to_string()))
    })
    .await
}

/// Makes a new secret feed link (revoking any earlier one). Only its hash is stored, so the
/// link is shown once, on the page the browser is sent back to.
#[server(endpoint = "calendar/new-link")]
pub async fn new_calendar_link(#[server(default)] days: Option<u32>) -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        let days = days.unwrap_or(crate::domain::calendar::DEFAULT_LINK_DAYS);
        let link = crate::backend::visits::new_feed(ctx, days).await?;
        crate::api::request::keep_for_next_page(CALENDAR_LINK_FORM, &serde_json::json!({ "link": link }))
            .await;
        leptos_axum::redirect("/settings?calendar=new#calendar");
        Ok(())
    })
    .await
}

#[server(endpoint = "calendar/revoke")]
pub async fn revoke_calendar_link() -> Result<(), AppError> {
    super::request::serve(async |ctx| {
        crate::backend::visits::revoke_feed(ctx).await?;
        leptos_axum::redirect("/settings?calendar_revoked=1");
        Ok(())
    })
    .await
}
