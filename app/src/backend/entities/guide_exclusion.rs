use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guide_exclusions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub guide_id: i64,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
