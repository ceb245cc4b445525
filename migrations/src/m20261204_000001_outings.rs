//! Group outings and recurring groups: the outing with its leaders, its sessions (one for a
//! one-off outing, one per meeting of a group or a client council), each session's sign-ups
//! with their place on the waitlist and any offer held for them, and the drivers who offer
//! seats for a session.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Clients {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Outings {
    Table,
    Id,
    Kind,
    Title,
    Description,
    Place,
    MeetingPoint,
    Capacity,
    CostCents,
    Reimbursed,
    Accessibility,
    ClosesDays,
    HoldHours,
    Recurrence,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutingLeaders {
    Table,
    Id,
    OutingId,
    UserId,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutingSessions {
    Table,
    Id,
    OutingId,
    StartsAt,
    EndsAt,
    Zone,
    Status,
    Agenda,
    AgendaSentAt,
    Memo,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutingSignups {
    Table,
    Id,
    SessionId,
    ClientId,
    Status,
    Queue,
    NeedsRide,
    PickupPlace,
    OwnTransport,
    MovedUpReason,
    DriverId,
    OfferedAt,
    OfferExpiresAt,
    ConfirmedAt,
    CancelledAt,
    Attendance,
    TravelGuideId,
    SignedUpBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutingDrivers {
    Table,
    Id,
    SessionId,
    DriverId,
    Seats,
    FromPlace,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OutingWork {
    Table,
    Id,
    SessionId,
    UserId,
    Minutes,
    KmTenths,
    CreatedAt,
    UpdatedAt,
}

/// A goal's step the client took at an outing they came to (one outing per step).
#[derive(DeriveIden, Clone, Copy)]
enum GoalStepOutings {
    Table,
    StepId,
    SessionId,
}

#[derive(DeriveIden, Clone, Copy)]
enum GoalSteps {
    Table,
    Id,
}

fn refers(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + 'static,
    to: impl IntoIden + 'static,
    to_id: impl IntoIden + 'static,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(to, to_id).on_delete(on_delete).to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + Copy + 'static,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    if unique {
        statement.unique();
    }
    for col in cols {
        statement.col(Alias::new(*col));
    }
    manager.create_index(statement.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outings::Table)
                    .col(big_pk_auto(Outings::Id))
                    // "outing", "group" or "council".
                    .col(string_len(Outings::Kind, 16))
                    .col(text(Outings::Title))
                    .col(text(Outings::Description))
                    .col(text(Outings::Place))
                    .col(text(Outings::MeetingPoint))
                    .col(integer(Outings::Capacity))
                    // What a participant pays, in cents (0: free).
                    .col(integer(Outings::CostCents).default(0))
                    // What is paid back to participants (a bus ticket), in words.
                    .col(text(Outings::Reimbursed))
                    .col(text(Outings::Accessibility))
                    // Sign-up for a session closes this many days before it.
                    .col(integer(Outings::ClosesDays).default(1))
                    // How long a freed place is held for the person offered it.
                    .col(integer(Outings::HoldHours).default(24))
                    // "once", "weekly" or "every_other_week".
                    .col(string_len(Outings::Recurrence, 16))
                    .col(big_integer_null(Outings::CreatedBy))
                    .col(timestamp_with_time_zone(Outings::CreatedAt))
                    .col(timestamp_with_time_zone(Outings::UpdatedAt))
                    .foreign_key(&mut refers(
                        Outings::Table,
                        Outings::CreatedBy,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutingLeaders::Table)
                    .col(big_pk_auto(OutingLeaders::Id))
                    .col(big_integer(OutingLeaders::OutingId))
                    .col(big_integer(OutingLeaders::UserId))
                    .foreign_key(&mut refers(
                        OutingLeaders::Table,
                        OutingLeaders::OutingId,
                        Outings::Table,
                        Outings::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut refers(
                        OutingLeaders::Table,
                        OutingLeaders::UserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "outing_leaders_unique", OutingLeaders::Table, &["outing_id", "user_id"], true)
            .await?;
        index(manager, "outing_leaders_user", OutingLeaders::Table, &["user_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(OutingSessions::Table)
                    .col(big_pk_auto(OutingSessions::Id))
                    .col(big_integer(OutingSessions::OutingId))
                    .col(timestamp_with_time_zone(OutingSessions::StartsAt))
                    .col(timestamp_with_time_zone(OutingSessions::EndsAt))
                    .col(string_len(OutingSessions::Zone, 64))
                    // "planned", "cancelled" or "held".
                    .col(string_len(OutingSessions::Status, 16).default("planned"))
                    // A client council's agenda before the meeting and memo after it.
                    .col(text_null(OutingSessions::Agenda))
                    // When the agenda went to the participants' guides (once, in good time).
                    .col(timestamp_with_time_zone_null(OutingSessions::AgendaSentAt))
                    .col(text_null(OutingSessions::Memo))
                    .col(timestamp_with_time_zone(OutingSessions::CreatedAt))
                    .col(timestamp_with_time_zone(OutingSessions::UpdatedAt))
                    .foreign_key(&mut refers(
                        OutingSessions::Table,
                        OutingSessions::OutingId,
                        Outings::Table,
                        Outings::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "outing_sessions_start", OutingSessions::Table, &["starts_at", "id"], false).await?;
        index(manager, "outing_sessions_outing", OutingSessions::Table, &["outing_id", "starts_at"], false)
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutingSignups::Table)
                    .col(big_pk_auto(OutingSignups::Id))
                    .col(big_integer(OutingSignups::SessionId))
                    .col(big_integer(OutingSignups::ClientId))
                    // "confirmed", "offered", "waiting", "cancelled" or "lapsed".
                    .col(string_len(OutingSignups::Status, 16))
                    // Place on the waitlist, smaller first; moving someone up gives a smaller one.
                    .col(big_integer(OutingSignups::Queue))
                    .col(boolean(OutingSignups::NeedsRide).default(false))
                    // Where to pick the client up, when they need a ride.
                    .col(text_null(OutingSignups::PickupPlace))
                    // The coordinator's note when confirmed without a ride seat (a taxi).
                    .col(text_null(OutingSignups::OwnTransport))
                    // Why a coordinator moved them to the front.
                    .col(text_null(OutingSignups::MovedUpReason))
                    // The driver the coordinator assigned, when it differs from the proposal.
                    .col(big_integer_null(OutingSignups::DriverId))
                    .col(timestamp_with_time_zone_null(OutingSignups::OfferedAt))
                    .col(timestamp_with_time_zone_null(OutingSignups::OfferExpiresAt))
                    .col(timestamp_with_time_zone_null(OutingSignups::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(OutingSignups::CancelledAt))
                    // "attended" or "no_show", marked by a leader on the day.
                    .col(string_len_null(OutingSignups::Attendance, 16))
                    // A council participant's bus-ticket travel is paid back through this guide
                    // (the client's guide when they were marked as come).
                    .col(big_integer_null(OutingSignups::TravelGuideId))
                    .col(big_integer_null(OutingSignups::SignedUpBy))
                    .col(timestamp_with_time_zone(OutingSignups::CreatedAt))
                    .col(timestamp_with_time_zone(OutingSignups::UpdatedAt))
                    .foreign_key(&mut refers(
                        OutingSignups::Table,
                        OutingSignups::SessionId,
                        OutingSessions::Table,
                        OutingSessions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut refers(
                        OutingSignups::Table,
                        OutingSignups::ClientId,
                        Clients::Table,
                        Clients::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut refers(
                        OutingSignups::Table,
                        OutingSignups::DriverId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut refers(
                        OutingSignups::Table,
                        OutingSignups::SignedUpBy,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // One sign-up per client and session: signing up again reopens the same row.
        index(manager, "outing_signups_unique", OutingSignups::Table, &["session_id", "client_id"], true)
            .await?;
        index(
            manager,
            "outing_signups_queue",
            OutingSignups::Table,
            &["session_id", "status", "queue"],
            false,
        )
        .await?;
        index(manager, "outing_signups_client", OutingSignups::Table, &["client_id"], false).await?;
        index(manager, "outing_signups_offers", OutingSignups::Table, &["status", "offer_expires_at"], false)
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutingDrivers::Table)
                    .col(big_pk_auto(OutingDrivers::Id))
                    .col(big_integer(OutingDrivers::SessionId))
                    .col(big_integer(OutingDrivers::DriverId))
                    // Seats for participants, the driver's own not counted.
                    .col(integer(OutingDrivers::Seats))
                    // Where the driver sets off.
                    .col(text(OutingDrivers::FromPlace))
                    .col(timestamp_with_time_zone(OutingDrivers::CreatedAt))
                    .foreign_key(&mut refers(
                        OutingDrivers::Table,
                        OutingDrivers::SessionId,
                        OutingSessions::Table,
                        OutingSessions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut refers(
                        OutingDrivers::Table,
                        OutingDrivers::DriverId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "outing_drivers_unique", OutingDrivers::Table, &["session_id", "driver_id"], true)
            .await?;
        index(manager, "outing_drivers_driver", OutingDrivers::Table, &["driver_id"], false).await?;

        // A leader's or driver's hours and kilometres for a session, for the month's mileage
        // and payroll next to their visits.
        manager
            .create_table(
                Table::create()
                    .table(OutingWork::Table)
                    .col(big_pk_auto(OutingWork::Id))
                    .col(big_integer(OutingWork::SessionId))
                    .col(big_integer(OutingWork::UserId))
                    .col(integer(OutingWork::Minutes))
                    .col(integer(OutingWork::KmTenths))
                    .col(timestamp_with_time_zone(OutingWork::CreatedAt))
                    .col(timestamp_with_time_zone(OutingWork::UpdatedAt))
                    .foreign_key(&mut refers(
                        OutingWork::Table,
                        OutingWork::SessionId,
                        OutingSessions::Table,
                        OutingSessions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut refers(
                        OutingWork::Table,
                        OutingWork::UserId,
                        Users::Table,
                        Users::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "outing_work_unique", OutingWork::Table, &["session_id", "user_id"], true).await?;
        index(manager, "outing_work_user", OutingWork::Table, &["user_id"], false).await?;
        manager
            .create_table(
                Table::create()
                    .table(GoalStepOutings::Table)
                    .col(big_integer(GoalStepOutings::StepId).primary_key())
                    .col(big_integer(GoalStepOutings::SessionId))
                    .foreign_key(&mut refers(
                        GoalStepOutings::Table,
                        GoalStepOutings::StepId,
                        GoalSteps::Table,
                        GoalSteps::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut refers(
                        GoalStepOutings::Table,
                        GoalStepOutings::SessionId,
                        OutingSessions::Table,
                        OutingSessions::Id,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "goal_step_outings_session", GoalStepOutings::Table, &["session_id"], false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            GoalStepOutings::Table.into_iden(),
            OutingWork::Table.into_iden(),
            OutingDrivers::Table.into_iden(),
            OutingSignups::Table.into_iden(),
            OutingSessions::Table.into_iden(),
            OutingLeaders::Table.into_iden(),
            Outings::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
