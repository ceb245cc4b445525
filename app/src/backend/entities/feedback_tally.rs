use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "feedback_tallies")]
pub struct Model {
    /// YYYY-MM in Helsinki time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub visit_kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub team: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub question: String,
    /// 1 sad, 2 neutral, 3 happy; 0 left unanswered.
    #[sea_orm(primary_key, auto_increment = false)]
    pub face: i16,
    pub answers: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
