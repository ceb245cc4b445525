//! Hours and kilometres beyond what a visit and its travel explain carry the guide's reason,
//! which the coordinator sees in the payroll view and file.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Visits {
    Table,
    ExcessReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Visits::Table).add_column(text_null(Visits::ExcessReason)).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Visits::Table).drop_column(Visits::ExcessReason).to_owned())
            .await
    }
}
