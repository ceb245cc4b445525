//! Indexes for lists read a page at a time and for a region's worth of rows: the client list
//! by name (its keyset order), and a social worker's meetings (their week, their calendar
//! feed, and the clash check when one is booked).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Clients {
    Table,
    Id,
    DisplayName,
}

#[derive(DeriveIden, Clone, Copy)]
enum Visits {
    Table,
    SocialWorkerId,
    StartsAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("clients_name")
                    .table(Clients::Table)
                    .col(Clients::DisplayName)
                    .col(Clients::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("visits_social_worker_time")
                    .table(Visits::Table)
                    .col(Visits::SocialWorkerId)
                    .col(Visits::StartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("visits_social_worker_time").table(Visits::Table).to_owned())
            .await?;
        manager.drop_index(Index::drop().name("clients_name").table(Clients::Table).to_owned()).await
    }
}
