use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub display_name: String,
    /// The place the client lives in (a name from the places data).
    pub municipality: String,
    pub guide_id: Option<i64>,
    pub referred_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub phone: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub pickup_address: Option<String>,
    pub contact_channel: String,
    pub languages: String,
    pub preferred_gender: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub guide_wishes: Option<String>,
    pub needs_rides: bool,
    /// When the personal details were cleared; only counts remain after it.
    pub anonymised_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
