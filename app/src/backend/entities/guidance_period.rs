use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guidance_periods")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub client_id: i64,
    pub guide_id: i64,
    pub referral_id: Option<i64>,
    pub started_at: DateTimeUtc,
    pub planned_end: Date,
    pub review_due: Date,
    pub ended_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub ending_reason: Option<String>,
    /// The review date a meeting was proposed for, once it was.
    pub review_proposed_for: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
