//! The mid-point review: the guide's note on each goal, and which review date a meeting was
//! already put in the calendars for, so that it is proposed once per date (a new date, after a
//! review, gets its own).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ReviewGoalDecisions {
    Table,
    Note,
}

#[derive(DeriveIden, Clone, Copy)]
enum GuidancePeriods {
    Table,
    ReviewProposedFor,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ReviewGoalDecisions::Table)
                    .add_column(text_null(ReviewGoalDecisions::Note))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(GuidancePeriods::Table)
                    .add_column(date_null(GuidancePeriods::ReviewProposedFor))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(GuidancePeriods::Table)
                    .drop_column(GuidancePeriods::ReviewProposedFor)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ReviewGoalDecisions::Table)
                    .drop_column(ReviewGoalDecisions::Note)
                    .to_owned(),
            )
            .await
    }
}
