use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reward_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scheme_id: i64,
    /// The entry's place in the scheme's ledger, unique: one writer wins a race.
    pub seq: i32,
    pub kind: String,
    pub amount: i32,
    pub balance_after: i64,
    pub happened_on: Date,
    pub rule_id: Option<i64>,
    pub reward_id: Option<i64>,
    pub step_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
