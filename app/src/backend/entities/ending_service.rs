use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ending_services")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ending_id: i64,
    pub position: i32,
    pub kind: String,
    pub name: Option<String>,
    pub newly_connected: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
