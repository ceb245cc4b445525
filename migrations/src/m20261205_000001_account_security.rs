//! Accounts that hold up. Sign-ins, failed sign-ins, pauses, sign-outs, reset requests and
//! account changes go into the audit trail with the address they came from (a security
//! officer's "who signed in, from where"; only authentication events carry it). A calendar
//! link can expire.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvents {
    Table,
    Address,
}

#[derive(DeriveIden, Clone, Copy)]
enum CalendarFeeds {
    Table,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditEvents::Table)
                    .add_column(string_null(AuditEvents::Address))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CalendarFeeds::Table)
                    .add_column(timestamp_with_time_zone_null(CalendarFeeds::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(CalendarFeeds::Table).drop_column(CalendarFeeds::ExpiresAt).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(AuditEvents::Table).drop_column(AuditEvents::Address).to_owned(),
            )
            .await
    }
}
