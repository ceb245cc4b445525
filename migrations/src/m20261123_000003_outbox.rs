//! The e-mail outbox: messages are written here in the same transaction as the change that
//! causes them and sent by a worker; and each person's choice of which optional messages they
//! get by e-mail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessages {
    Table,
    Id,
    Kind,
    IdempotencyKey,
    RecipientId,
    ToName,
    ToAddress,
    Locale,
    Subject,
    TextBody,
    HtmlBody,
    Attachments,
    Status,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    LastError,
    CreatedAt,
}

#[derive(DeriveIden)]
enum NotificationSettings {
    Table,
    UserId,
    Kind,
    ByEmail,
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
                    .table(OutboxMessages::Table)
                    .col(big_pk_auto(OutboxMessages::Id))
                    .col(string_len(OutboxMessages::Kind, 40))
                    // One message per key, ever: enqueueing the same key again does nothing.
                    .col(string_len_uniq(OutboxMessages::IdempotencyKey, 200))
                    .col(big_integer_null(OutboxMessages::RecipientId))
                    .col(string_len(OutboxMessages::ToName, 200))
                    .col(string_len(OutboxMessages::ToAddress, 320))
                    .col(string_len(OutboxMessages::Locale, 5))
                    .col(string_len(OutboxMessages::Subject, 300))
                    .col(text(OutboxMessages::TextBody))
                    .col(text(OutboxMessages::HtmlBody))
                    // JSON list of {filename, content_type, content} (e.g. a calendar invitation).
                    .col(text(OutboxMessages::Attachments).default("[]"))
                    // "queued", "sent" or "dead".
                    .col(string_len(OutboxMessages::Status, 16))
                    .col(integer(OutboxMessages::Attempts).default(0))
                    .col(timestamp_with_time_zone(OutboxMessages::NextAttemptAt))
                    // A sender's lease: while it lasts, no other sender takes the message.
                    .col(timestamp_with_time_zone_null(OutboxMessages::ClaimedUntil))
                    .col(timestamp_with_time_zone_null(OutboxMessages::SentAt))
                    .col(text_null(OutboxMessages::LastError))
                    .col(timestamp_with_time_zone(OutboxMessages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OutboxMessages::Table, OutboxMessages::RecipientId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_messages_due")
                    .table(OutboxMessages::Table)
                    .col(OutboxMessages::Status)
                    .col(OutboxMessages::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(NotificationSettings::Table)
                    .col(big_integer(NotificationSettings::UserId))
                    .col(string_len(NotificationSettings::Kind, 40))
                    .col(boolean(NotificationSettings::ByEmail))
                    .primary_key(
                        Index::create().col(NotificationSettings::UserId).col(NotificationSettings::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NotificationSettings::Table, NotificationSettings::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(NotificationSettings::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OutboxMessages::Table).to_owned()).await
    }
}
