use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub client_id: i64,
    pub guide_id: i64,
    pub social_worker_id: Option<i64>,
    pub kind: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub zone: String,
    pub place: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub address: Option<String>,
    pub status: String,
    pub series_id: Option<i64>,
    pub sequence: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub outcome_note: Option<String>,
    pub minutes: Option<i32>,
    pub km_tenths: Option<i32>,
    pub driver_id: Option<i64>,
    pub reimbursement: Option<String>,
    pub ticket_cents: Option<i32>,
    pub created_by: Option<i64>,
    /// Why the recorded hours or kilometres go beyond what the visit and its travel explain.
    #[sea_orm(column_type = "Text", nullable)]
    pub excess_reason: Option<String>,
    /// Feedback was given after this visit; what it said is not linked to it.
    pub feedback_given: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
