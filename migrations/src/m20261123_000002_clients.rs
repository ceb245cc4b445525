//! Clients, minimal: the display name the client chose, where they live, their one named
//! guide, and the social worker who referred them. No national identity number, ever.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Clients {
    Table,
    Id,
    DisplayName,
    Municipality,
    GuideId,
    ReferredBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Clients::Table)
                    .col(big_pk_auto(Clients::Id))
                    .col(string_len(Clients::DisplayName, 100))
                    .col(string_len(Clients::Municipality, 100))
                    .col(big_integer_null(Clients::GuideId))
                    .col(big_integer_null(Clients::ReferredBy))
                    .col(timestamp_with_time_zone(Clients::CreatedAt))
                    .col(timestamp_with_time_zone(Clients::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Clients::Table, Clients::GuideId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Clients::Table, Clients::ReferredBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [("clients_guide", Clients::GuideId), ("clients_referred_by", Clients::ReferredBy)]
        {
            manager
                .create_index(Index::create().name(name).table(Clients::Table).col(col).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Clients::Table).to_owned()).await
    }
}
