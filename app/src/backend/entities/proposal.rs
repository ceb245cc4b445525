use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub referral_id: i64,
    pub guide_id: i64,
    pub milli_score: i32,
    #[sea_orm(column_type = "Text")]
    pub explanation: String,
    pub chosen_by: String,
    pub proposed_by: Option<i64>,
    pub proposed_at: DateTimeUtc,
    pub response: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub responded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
