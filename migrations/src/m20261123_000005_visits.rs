//! The guide's day: visits (with their rides) and the secret calendar feed links.

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
enum Visits {
    Table,
    Id,
    ClientId,
    GuideId,
    SocialWorkerId,
    Kind,
    StartsAt,
    EndsAt,
    Zone,
    Place,
    Address,
    Status,
    SeriesId,
    Sequence,
    OutcomeNote,
    Minutes,
    KmTenths,
    DriverId,
    Reimbursement,
    TicketCents,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RideLegs {
    Table,
    Id,
    VisitId,
    Position,
    FromPlace,
    ToPlace,
    KmTenths,
    Estimated,
}

#[derive(DeriveIden, Clone, Copy)]
enum CalendarFeeds {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    RevokedAt,
}

fn to_users(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Users::Table, Users::Id).to_owned()
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
                    .table(Visits::Table)
                    .col(big_pk_auto(Visits::Id))
                    .col(big_integer(Visits::ClientId))
                    .col(big_integer(Visits::GuideId))
                    // The social worker taking part in a three-way or review meeting.
                    .col(big_integer_null(Visits::SocialWorkerId))
                    .col(string_len(Visits::Kind, 24))
                    // Instants in UTC, with the zone the times were entered in.
                    .col(timestamp_with_time_zone(Visits::StartsAt))
                    .col(timestamp_with_time_zone(Visits::EndsAt))
                    .col(string_len(Visits::Zone, 64).default("Europe/Helsinki"))
                    // A place name (from the places data when it is one) and a street address.
                    .col(string_len(Visits::Place, 100).default(""))
                    .col(text_null(Visits::Address))
                    .col(string_len(Visits::Status, 16).default("planned"))
                    // The first visit of a recurring series (itself included).
                    .col(big_integer_null(Visits::SeriesId))
                    // Bumped on every reschedule or cancellation: the calendar's SEQUENCE.
                    .col(integer(Visits::Sequence).default(0))
                    .col(text_null(Visits::OutcomeNote))
                    // Worked time and kilometres driven, recorded after the visit.
                    .col(integer_null(Visits::Minutes))
                    .col(integer_null(Visits::KmTenths))
                    // A ride: who drives and how it is paid.
                    .col(big_integer_null(Visits::DriverId))
                    .col(string_len_null(Visits::Reimbursement, 16))
                    .col(integer_null(Visits::TicketCents))
                    .col(big_integer_null(Visits::CreatedBy))
                    .col(timestamp_with_time_zone(Visits::CreatedAt))
                    .col(timestamp_with_time_zone(Visits::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Visits::Table, Visits::ClientId)
                            .to(Clients::Table, Clients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_users(Visits::Table, Visits::GuideId))
                    .foreign_key(&mut to_users(Visits::Table, Visits::SocialWorkerId))
                    .foreign_key(&mut to_users(Visits::Table, Visits::DriverId))
                    .foreign_key(&mut to_users(Visits::Table, Visits::CreatedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "visits_guide_time", Visits::Table, &["guide_id", "starts_at"], false).await?;
        index(manager, "visits_client_time", Visits::Table, &["client_id", "starts_at"], false).await?;
        index(manager, "visits_driver_time", Visits::Table, &["driver_id", "starts_at"], false).await?;
        index(manager, "visits_series", Visits::Table, &["series_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(RideLegs::Table)
                    .col(big_pk_auto(RideLegs::Id))
                    .col(big_integer(RideLegs::VisitId))
                    .col(integer(RideLegs::Position))
                    .col(string_len(RideLegs::FromPlace, 200))
                    .col(string_len(RideLegs::ToPlace, 200))
                    .col(integer(RideLegs::KmTenths))
                    // Estimated from coordinates (true) or entered by a person.
                    .col(boolean(RideLegs::Estimated).default(false))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RideLegs::Table, RideLegs::VisitId)
                            .to(Visits::Table, Visits::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "ride_legs_visit_position", RideLegs::Table, &["visit_id", "position"], true).await?;

        manager
            .create_table(
                Table::create()
                    .table(CalendarFeeds::Table)
                    .col(big_pk_auto(CalendarFeeds::Id))
                    .col(big_integer(CalendarFeeds::UserId))
                    // SHA-256 of the secret in the subscription link; the secret is not kept.
                    .col(string_len(CalendarFeeds::TokenHash, 64))
                    .col(timestamp_with_time_zone(CalendarFeeds::CreatedAt))
                    .col(timestamp_with_time_zone_null(CalendarFeeds::RevokedAt))
                    .foreign_key(
                        &mut to_users(CalendarFeeds::Table, CalendarFeeds::UserId)
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "calendar_feeds_token", CalendarFeeds::Table, &["token_hash"], true).await?;
        index(manager, "calendar_feeds_user", CalendarFeeds::Table, &["user_id"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in
            [CalendarFeeds::Table.into_iden(), RideLegs::Table.into_iden(), Visits::Table.into_iden()]
        {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
