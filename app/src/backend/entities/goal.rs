use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "goals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub client_id: i64,
    /// The guidance the goal was set in; a transfer to another guide keeps it.
    pub referral_id: Option<i64>,
    /// The client's words now; earlier ones are goal wordings.
    #[sea_orm(column_type = "Text")]
    pub words: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub why: Option<String>,
    pub status: String,
    /// The client's reason for letting the goal go (or pausing it).
    #[sea_orm(column_type = "Text", nullable)]
    pub status_reason: Option<String>,
    pub status_changed_at: Option<DateTimeUtc>,
    /// As agreed at the ending.
    pub outcome: Option<String>,
    pub set_on: Date,
    pub set_at_visit_id: Option<i64>,
    pub position: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
