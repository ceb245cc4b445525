//! From referral to a named guide: lived-experience topics (data, not code), guide profiles,
//! more about clients, consents, referrals with their timeline, proposals with their reasons,
//! exclusions, guidance periods and transfers.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Topics {
    Table,
    Code,
    NameFi,
    NameSv,
    NameEn,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum GuideProfiles {
    Table,
    UserId,
    Topics,
    Place,
    HasCar,
    Seats,
    MaxCaseload,
    Gender,
    Introduction,
    Availability,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Clients {
    Table,
    Id,
    Phone,
    PickupAddress,
    ContactChannel,
    Languages,
    PreferredGender,
    GuideWishes,
    NeedsRides,
}

#[derive(DeriveIden, Clone, Copy)]
enum Consents {
    Table,
    Id,
    ClientId,
    Purpose,
    SharedWith,
    GivenAt,
    ValidUntil,
    WithdrawnAt,
    RecordedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum Referrals {
    Table,
    Id,
    ClientId,
    ReferredBy,
    Needs,
    ClientWords,
    Urgent,
    Status,
    SubmittedAt,
    FirstContactDue,
    FirstContactAt,
    FirstContactChannel,
    GuideId,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReferralEvents {
    Table,
    Id,
    ReferralId,
    Event,
    At,
    ActorId,
    Note,
}

#[derive(DeriveIden, Clone, Copy)]
enum Proposals {
    Table,
    Id,
    ReferralId,
    GuideId,
    MilliScore,
    Explanation,
    ChosenBy,
    ProposedBy,
    ProposedAt,
    Response,
    Reason,
    RespondedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum GuideExclusions {
    Table,
    ClientId,
    GuideId,
    Reason,
}

#[derive(DeriveIden, Clone, Copy)]
enum GuidancePeriods {
    Table,
    Id,
    ClientId,
    GuideId,
    ReferralId,
    StartedAt,
    PlannedEnd,
    ReviewDue,
    EndedAt,
    EndingReason,
}

// The column names are the schema's: `earlier_transfers` ends like the table by chance.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden, Clone, Copy)]
enum Transfers {
    Table,
    Id,
    ClientId,
    FromGuide,
    ToGuide,
    Reason,
    RequestedBy,
    RequestedAt,
    Status,
    DecidedBy,
    DecidedAt,
    EarlierTransfers,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

fn to_users(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Users::Table, Users::Id).to_owned()
}

fn to_clients(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Clients::Table, Clients::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + Copy + 'static,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
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
                    .table(Topics::Table)
                    .col(string_len(Topics::Code, 40).primary_key())
                    .col(string_len(Topics::NameFi, 100))
                    .col(string_len(Topics::NameSv, 100))
                    .col(string_len(Topics::NameEn, 100))
                    .col(integer(Topics::Position))
                    .to_owned(),
            )
            .await?;
        let topics = [
            ("mental_health", "mielenterveys", "psykisk hälsa", "mental health"),
            ("substance_use", "päihteet", "missbruk", "substance use"),
            ("homelessness", "asunnottomuus", "bostadslöshet", "homelessness"),
            ("long_unemployment", "pitkäaikaistyöttömyys", "långtidsarbetslöshet", "long unemployment"),
            ("debt", "velat", "skulder", "debt"),
            ("migration", "maahanmuutto", "invandring", "migration"),
            ("loneliness", "yksinäisyys", "ensamhet", "loneliness"),
            ("family", "perhe-elämän haasteet", "familjeliv", "family life"),
            ("prison_release", "vankilasta vapautuminen", "frigivning från fängelse", "release from prison"),
        ];
        let mut insert = Query::insert();
        insert.into_table(Topics::Table).columns([
            Topics::Code,
            Topics::NameFi,
            Topics::NameSv,
            Topics::NameEn,
            Topics::Position,
        ]);
        for (i, (code, fi, sv, en)) in topics.into_iter().enumerate() {
            insert.values_panic([code.into(), fi.into(), sv.into(), en.into(), (i as i32).into()]);
        }
        manager.exec_stmt(insert).await?;

        manager
            .create_table(
                Table::create()
                    .table(GuideProfiles::Table)
                    .col(big_integer(GuideProfiles::UserId).primary_key())
                    // Topic codes, comma-separated.
                    .col(text(GuideProfiles::Topics).default(""))
                    .col(string_len(GuideProfiles::Place, 100).default(""))
                    .col(boolean(GuideProfiles::HasCar).default(false))
                    .col(integer(GuideProfiles::Seats).default(0))
                    .col(integer(GuideProfiles::MaxCaseload).default(5))
                    .col(string_len_null(GuideProfiles::Gender, 10))
                    // Written for clients, in plain language.
                    .col(text(GuideProfiles::Introduction).default(""))
                    // JSON list of weekly slots in local time.
                    .col(text(GuideProfiles::Availability).default("[]"))
                    .col(timestamp_with_time_zone(GuideProfiles::UpdatedAt))
                    .foreign_key(
                        &mut to_users(GuideProfiles::Table, GuideProfiles::UserId)
                            .on_delete(ForeignKeyAction::Cascade)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;

        // SQLite adds one column per statement.
        for column in [
            string_len_null(Clients::Phone, 40),
            text_null(Clients::PickupAddress),
            string_len(Clients::ContactChannel, 16).default("call").to_owned(),
            string_len(Clients::Languages, 100).default("fi").to_owned(),
            string_len_null(Clients::PreferredGender, 10),
            text_null(Clients::GuideWishes),
            boolean(Clients::NeedsRides).default(false).to_owned(),
        ] {
            manager.alter_table(Table::alter().table(Clients::Table).add_column(column).to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Consents::Table)
                    .col(big_pk_auto(Consents::Id))
                    .col(big_integer(Consents::ClientId))
                    .col(text(Consents::Purpose))
                    // What may be shared with whom, in the words agreed with the client.
                    .col(text(Consents::SharedWith))
                    .col(timestamp_with_time_zone(Consents::GivenAt))
                    .col(date_null(Consents::ValidUntil))
                    .col(timestamp_with_time_zone_null(Consents::WithdrawnAt))
                    .col(big_integer_null(Consents::RecordedBy))
                    .foreign_key(&mut to_clients(Consents::Table, Consents::ClientId))
                    .foreign_key(&mut to_users(Consents::Table, Consents::RecordedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "consents_client", Consents::Table, &["client_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Referrals::Table)
                    .col(big_pk_auto(Referrals::Id))
                    .col(big_integer(Referrals::ClientId))
                    .col(big_integer_null(Referrals::ReferredBy))
                    .col(text(Referrals::Needs).default(""))
                    .col(text(Referrals::ClientWords).default(""))
                    .col(boolean(Referrals::Urgent).default(false))
                    .col(string_len(Referrals::Status, 24))
                    .col(timestamp_with_time_zone(Referrals::SubmittedAt))
                    .col(timestamp_with_time_zone(Referrals::FirstContactDue))
                    .col(timestamp_with_time_zone_null(Referrals::FirstContactAt))
                    .col(string_len_null(Referrals::FirstContactChannel, 16))
                    // The guide proposed or accepted now.
                    .col(big_integer_null(Referrals::GuideId))
                    .col(timestamp_with_time_zone(Referrals::UpdatedAt))
                    .foreign_key(&mut to_clients(Referrals::Table, Referrals::ClientId))
                    .foreign_key(&mut to_users(Referrals::Table, Referrals::ReferredBy))
                    .foreign_key(&mut to_users(Referrals::Table, Referrals::GuideId))
                    .to_owned(),
            )
            .await?;
        index(manager, "referrals_status", Referrals::Table, &["status", "submitted_at"]).await?;
        index(manager, "referrals_referred_by", Referrals::Table, &["referred_by"]).await?;
        index(manager, "referrals_client", Referrals::Table, &["client_id"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(ReferralEvents::Table)
                    .col(big_pk_auto(ReferralEvents::Id))
                    .col(big_integer(ReferralEvents::ReferralId))
                    .col(string_len(ReferralEvents::Event, 32))
                    .col(timestamp_with_time_zone(ReferralEvents::At))
                    .col(big_integer_null(ReferralEvents::ActorId))
                    .col(text_null(ReferralEvents::Note))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReferralEvents::Table, ReferralEvents::ReferralId)
                            .to(Referrals::Table, Referrals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(manager, "referral_events_referral", ReferralEvents::Table, &["referral_id", "at"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Proposals::Table)
                    .col(big_pk_auto(Proposals::Id))
                    .col(big_integer(Proposals::ReferralId))
                    .col(big_integer(Proposals::GuideId))
                    .col(integer(Proposals::MilliScore))
                    // JSON: each criterion's contribution and the facts behind it.
                    .col(text(Proposals::Explanation))
                    // "coordinator", "social_worker" or "client".
                    .col(string_len(Proposals::ChosenBy, 16))
                    .col(big_integer_null(Proposals::ProposedBy))
                    .col(timestamp_with_time_zone(Proposals::ProposedAt))
                    // "pending", "accepted", "declined" or "withdrawn".
                    .col(string_len(Proposals::Response, 16))
                    .col(text_null(Proposals::Reason))
                    .col(timestamp_with_time_zone_null(Proposals::RespondedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Proposals::Table, Proposals::ReferralId)
                            .to(Referrals::Table, Referrals::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut to_users(Proposals::Table, Proposals::GuideId))
                    .foreign_key(&mut to_users(Proposals::Table, Proposals::ProposedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "proposals_referral", Proposals::Table, &["referral_id"]).await?;
        index(manager, "proposals_guide", Proposals::Table, &["guide_id", "response"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(GuideExclusions::Table)
                    .col(big_integer(GuideExclusions::ClientId))
                    .col(big_integer(GuideExclusions::GuideId))
                    .col(text(GuideExclusions::Reason).default(""))
                    .primary_key(Index::create().col(GuideExclusions::ClientId).col(GuideExclusions::GuideId))
                    .foreign_key(&mut to_clients(GuideExclusions::Table, GuideExclusions::ClientId))
                    .foreign_key(&mut to_users(GuideExclusions::Table, GuideExclusions::GuideId))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(GuidancePeriods::Table)
                    .col(big_pk_auto(GuidancePeriods::Id))
                    .col(big_integer(GuidancePeriods::ClientId))
                    .col(big_integer(GuidancePeriods::GuideId))
                    .col(big_integer_null(GuidancePeriods::ReferralId))
                    .col(timestamp_with_time_zone(GuidancePeriods::StartedAt))
                    .col(date(GuidancePeriods::PlannedEnd))
                    .col(date(GuidancePeriods::ReviewDue))
                    .col(timestamp_with_time_zone_null(GuidancePeriods::EndedAt))
                    .col(text_null(GuidancePeriods::EndingReason))
                    .foreign_key(&mut to_clients(GuidancePeriods::Table, GuidancePeriods::ClientId))
                    .foreign_key(&mut to_users(GuidancePeriods::Table, GuidancePeriods::GuideId))
                    .to_owned(),
            )
            .await?;
        index(manager, "guidance_periods_client", GuidancePeriods::Table, &["client_id"]).await?;
        index(manager, "guidance_periods_guide", GuidancePeriods::Table, &["guide_id", "ended_at"]).await?;

        manager
            .create_table(
                Table::create()
                    .table(Transfers::Table)
                    .col(big_pk_auto(Transfers::Id))
                    .col(big_integer(Transfers::ClientId))
                    .col(big_integer(Transfers::FromGuide))
                    .col(big_integer_null(Transfers::ToGuide))
                    .col(text(Transfers::Reason))
                    .col(big_integer_null(Transfers::RequestedBy))
                    .col(timestamp_with_time_zone(Transfers::RequestedAt))
                    // "pending", "approved" or "rejected".
                    .col(string_len(Transfers::Status, 16))
                    .col(big_integer_null(Transfers::DecidedBy))
                    .col(timestamp_with_time_zone_null(Transfers::DecidedAt))
                    // How many times the client had changed guide before this decision.
                    .col(integer(Transfers::EarlierTransfers).default(0))
                    .foreign_key(&mut to_clients(Transfers::Table, Transfers::ClientId))
                    .foreign_key(&mut to_users(Transfers::Table, Transfers::FromGuide))
                    .foreign_key(&mut to_users(Transfers::Table, Transfers::ToGuide))
                    .to_owned(),
            )
            .await?;
        index(manager, "transfers_client", Transfers::Table, &["client_id"]).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Transfers::Table.into_iden(),
            GuidancePeriods::Table.into_iden(),
            GuideExclusions::Table.into_iden(),
            Proposals::Table.into_iden(),
            ReferralEvents::Table.into_iden(),
            Referrals::Table.into_iden(),
            Consents::Table.into_iden(),
            GuideProfiles::Table.into_iden(),
            Topics::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [
            Clients::NeedsRides,
            Clients::GuideWishes,
            Clients::PreferredGender,
            Clients::Languages,
            Clients::ContactChannel,
            Clients::PickupAddress,
            Clients::Phone,
        ] {
            manager.alter_table(Table::alter().table(Clients::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
