//! Demo data for trying Rinnalla: one account per role (and a second guide), and a few clients.
//! Only written into an empty database.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    DatabaseConnection, EntityTrait, PaginatorTrait,
};

use super::{
    accounts,
    entities::{client, user},
    passwords,
};
use crate::api::{AppError, accounts::AccountForm};

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "Kokeile-Rinnallaa-2026";

#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: &'static str,
    pub name: &'static str,
    pub email: &'static str,
}

pub const ACCOUNTS: [DemoAccount; 5] = [
    DemoAccount { role: "admin", name: "Anna Aaltonen", email: "admin@rinnalla.example" },
    DemoAccount { role: "coordinator", name: "Kaisa Mäkelä", email: "koordinaattori@rinnalla.example" },
    DemoAccount { role: "social_worker", name: "Sami Laine", email: "sosiaalityo@rinnalla.example" },
    DemoAccount { role: "guide", name: "Elina Niemi", email: "ohjaaja@rinnalla.example" },
    DemoAccount { role: "guide", name: "Jussi Koski", email: "ohjaaja2@rinnalla.example" },
];

/// Fills an empty database; returns `false` (and writes nothing) when accounts exist already.
pub async fn seed(db: &DatabaseConnection) -> Result<bool, AppError> {
    if user::Entity::find().count(db).await.map_err(AppError::internal)? > 0 {
        return Ok(false);
    }
    let now = Utc::now();
    let hash = passwords::hash(DEMO_PASSWORD.to_owned()).await.map_err(AppError::internal)?;
    let mut ids = Vec::new();
    for (i, demo) in ACCOUNTS.iter().enumerate() {
        let form = AccountForm {
            name: demo.name.to_owned(),
            email: demo.email.to_owned(),
            phone: format!("040 555 010{i}"),
            locale: if i == 4 { "sv" } else { "fi" }.to_owned(),
            roles: [(demo.role.to_owned(), "on".to_owned())].into(),
            languages: if i == 4 {
                [("fi".to_owned(), "on".to_owned()), ("sv".to_owned(), "on".to_owned())].into()
            } else {
                [("fi".to_owned(), "on".to_owned()), ("en".to_owned(), "on".to_owned())].into()
            },
        };
        let account = accounts::parse_form(&form)?;
        ids.push(accounts::create(db, &account, Some(hash.clone()), now).await?.id);
    }
    let (social_worker, elina, jussi) = (ids[2], ids[3], ids[4]);
    for (name, municipality, guide) in
        [("Matti", "Seinäjoki", Some(elina)), ("Liisa", "Lapua", Some(jussi)), ("Pekka", "Kauhava", None)]
    {
        client::ActiveModel {
            id: NotSet,
            display_name: Set(name.to_owned()),
            municipality: Set(municipality.to_owned()),
            guide_id: Set(guide),
            referred_by: Set(Some(social_worker)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .map_err(AppError::internal)?;
    }
    Ok(true)
}
