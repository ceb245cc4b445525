use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ending_factors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ending_id: i64,
    pub factor: String,
    pub effect: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
