//! Background work inside the server: the outbox sender; first-contact escalations and visit
//! reminders; housekeeping of expired sessions and old sign-in failures; retention; outing
//! places whose hold ran out.

use std::time::Duration;

use app::backend::{
    AppState, outbox, outings, referrals, retention, session_store::DbSessionStore, throttle, visits,
};
use tower_sessions::ExpiredDeletion;

const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(5 * 60);
const RETENTION_EVERY_ROUNDS: u32 = 12;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub outbox_sender: bool,
    pub housekeeping: bool,
    pub outbox_poll: Duration,
}

pub fn spawn(state: AppState, settings: WorkerSettings) {
    if settings.outbox_sender {
        tokio::spawn(send_outbox(state.clone(), settings.outbox_poll));
    }
    if settings.housekeeping {
        tokio::spawn(housekeeping(state));
    }
}

/// Drains the outbox whenever a message is enqueued, and every `poll` for retries and for
/// messages other instances enqueued.
async fn send_outbox(state: AppState, poll: Duration) {
    let sender = state.outbox.clone();
    loop {
        match outbox::drain(&state.db, &sender, chrono::Utc::now()).await {
            // A full batch may mean more are waiting: go again at once.
            Ok(report) if u64::from(report.sent + report.retrying + report.dead) >= sender.batch => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "the outbox sender could not reach the database"),
        }
        tokio::select! {
            () = sender.wakeup.woken() => {}
            () = tokio::time::sleep(poll) => {}
        }
    }
}

async fn housekeeping(state: AppState) {
    let store = DbSessionStore::new(state.db.clone());
    let mut tick = tokio::time::interval(HOUSEKEEPING_EVERY);
    let mut rounds: u32 = 0;
    loop {
        tick.tick().await;
        // Retention once an hour (and at start): a day's precision is all it needs.
        if rounds.is_multiple_of(RETENTION_EVERY_ROUNDS) {
            match retention::run(&state.db, state.settings.retention_months, chrono::Utc::now()).await {
                Ok(run) if run == retention::Run::default() => {}
                Ok(run) => tracing::info!(
                    cleared = run.cleared,
                    failed = run.failed,
                    mails_deleted = run.mails_deleted,
                    "retention: details of closed guidance cleared"
                ),
                Err(error) => tracing::warn!(?error, "could not run retention"),
            }
        }
        if rounds.is_multiple_of(RETENTION_EVERY_ROUNDS) {
            match outbox::clear_sent_bodies(&state.db, state.settings.sent_mail_days, chrono::Utc::now())
                .await
            {
                Ok(0) => {}
                Ok(cleared) => tracing::info!(cleared, "outbox: bodies of old sent e-mails cleared"),
                Err(error) => tracing::warn!(%error, "could not clear old sent e-mails"),
            }
        }
        rounds = rounds.wrapping_add(1);
        if let Err(error) = store.delete_expired().await {
            tracing::warn!(%error, "could not delete expired sessions");
        }
        if let Err(error) = throttle::prune(&state.db, chrono::Utc::now()).await {
            tracing::warn!(%error, "could not prune old counted attempts");
        }
        // Referrals still without first contact on day 3 and day 6: e-mail the coordinators
        // (each e-mail once, by its idempotency key, whichever instance gets there first).
        match referrals::escalate_waiting(&state.db, &state.settings.public_origin, chrono::Utc::now()).await
        {
            Ok(0) => {}
            Ok(queued) => {
                tracing::info!(queued, "first-contact escalations queued");
                state.outbox.wakeup.wake();
            }
            Err(error) => tracing::warn!(?error, "could not check waiting referrals"),
        }
        // Consents that ran out stop sharing, as a withdrawal does: before any reminder goes.
        match referrals::expire_consents(&state.db, &state.settings.public_origin, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(stopped) => {
                tracing::info!(stopped, "clients whose consent ran out are no longer shared");
                state.outbox.wakeup.wake();
            }
            Err(error) => tracing::warn!(?error, "could not check consents that ran out"),
        }
        // Review dates two weeks ahead: the meeting goes in the guide's and social worker's
        // calendars, with an invitation to each.
        match visits::propose_review_meetings(&state.db, &state.settings.public_origin, chrono::Utc::now())
            .await
        {
            Ok(0) => {}
            Ok(booked) => {
                tracing::info!(booked, "review meetings proposed");
                state.outbox.wakeup.wake();
            }
            Err(error) => tracing::warn!(?error, "could not propose review meetings"),
        }
        // Held places whose time ran out pass to the next in line, whose guide is told.
        match outings::pass_on_lapsed_offers(&state.db, &state.settings.public_origin, chrono::Utc::now())
            .await
        {
            Ok(0) => {}
            Ok(changed) => {
                tracing::info!(changed, "outing places that were not confirmed passed on");
                state.outbox.wakeup.wake();
            }
            Err(error) => tracing::warn!(?error, "could not pass on lapsed outing places"),
        }
        // Client councils within a week: the agenda to the guides of those coming.
        match outings::send_council_agendas(&state.db, &state.settings.public_origin, chrono::Utc::now())
            .await
        {
            Ok(0) => {}
            Ok(queued) => {
                tracing::info!(queued, "council agendas queued");
                state.outbox.wakeup.wake();
            }
            Err(error) => tracing::warn!(?error, "could not send council agendas"),
        }
        // Tomorrow's visits: remind the guide (and the social worker of a meeting), once each.
        match visits::queue_reminders(&state.db, &state.settings.public_origin, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(queued) => {
                tracing::info!(queued, "visit reminders queued");
                state.outbox.wakeup.wake();
            }
            Err(error) => tracing::warn!(?error, "could not queue visit reminders"),
        }
    }
}
