use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outing_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub outing_id: i64,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub zone: String,
    pub status: String,
    pub agenda: Option<String>,
    pub agenda_sent_at: Option<DateTimeUtc>,
    pub memo: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
