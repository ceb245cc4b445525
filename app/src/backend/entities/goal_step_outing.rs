use sea_orm::entity::prelude::*;

/// A goal's step the client took at an outing session they came to.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "goal_step_outings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub step_id: i64,
    pub session_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
