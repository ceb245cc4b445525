use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "goal_wordings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub goal_id: i64,
    #[sea_orm(column_type = "Text")]
    pub words: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub why: Option<String>,
    pub replaced_at: DateTimeUtc,
    pub replaced_by: Option<i64>,
    pub review_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
