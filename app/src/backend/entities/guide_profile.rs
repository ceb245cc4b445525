use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guide_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    #[sea_orm(column_type = "Text")]
    pub topics: String,
    pub place: String,
    pub has_car: bool,
    pub seats: i32,
    pub max_caseload: i32,
    pub gender: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub introduction: String,
    #[sea_orm(column_type = "Text")]
    pub availability: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
