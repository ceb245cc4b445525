use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outing_signups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub session_id: i64,
    pub client_id: i64,
    pub status: String,
    pub queue: i64,
    pub needs_ride: bool,
    pub pickup_place: Option<String>,
    pub own_transport: Option<String>,
    pub moved_up_reason: Option<String>,
    pub driver_id: Option<i64>,
    pub offered_at: Option<DateTimeUtc>,
    pub offer_expires_at: Option<DateTimeUtc>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub attendance: Option<String>,
    pub travel_guide_id: Option<i64>,
    pub signed_up_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
