//! Indexes for the coordinator's referral queue at a region's size: the referrals still waiting
//! for first contact, longest waiting first, are read straight off the first index; the reached
//! ones go through the second in order of submission, their status and first contact read from
//! the index itself, so a page stops after its rows instead of sorting every referral.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Referrals {
    Table,
    Id,
    Status,
    SubmittedAt,
    FirstContactAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("referrals_waiting")
                    .table(Referrals::Table)
                    .col(Referrals::FirstContactAt)
                    .col(Referrals::SubmittedAt)
                    .col(Referrals::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("referrals_submission")
                    .table(Referrals::Table)
                    .col(Referrals::SubmittedAt)
                    .col(Referrals::Id)
                    .col(Referrals::Status)
                    .col(Referrals::FirstContactAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("referrals_submission").table(Referrals::Table).to_owned())
            .await?;
        manager.drop_index(Index::drop().name("referrals_waiting").table(Referrals::Table).to_owned()).await
    }
}
