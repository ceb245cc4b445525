use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub client_id: i64,
    pub referred_by: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub needs: String,
    #[sea_orm(column_type = "Text")]
    pub client_words: String,
    pub urgent: bool,
    pub status: String,
    pub submitted_at: DateTimeUtc,
    pub first_contact_due: DateTimeUtc,
    pub first_contact_at: Option<DateTimeUtc>,
    pub first_contact_channel: Option<String>,
    pub guide_id: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
