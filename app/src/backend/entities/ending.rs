use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "endings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub client_id: i64,
    pub period_id: i64,
    pub held_on: Date,
    pub visit_id: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub started_from: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub now_at: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub what_helped: Option<String>,
    /// For the people at the ending; never in the summary.
    #[sea_orm(column_type = "Text", nullable)]
    pub guide_note: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub social_worker_note: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary_text: Option<String>,
    pub summary_made_at: Option<DateTimeUtc>,
    pub recorded_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
