//! Rinnalla's schema. Every change is a new file; the same migrations build the SQLite and the
//! PostgreSQL database, and the tests build their databases by running them.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_accounts;
mod m20261123_000002_clients;
mod m20261123_000003_outbox;
mod m20261123_000004_referrals;
mod m20261123_000005_visits;
mod m20261201_000001_visit_integrity;
mod m20261202_000001_goals;
mod m20261203_000001_review_meetings;
mod m20261204_000001_outings;
mod m20261205_000001_account_security;
mod m20261207_000001_second_factor;
mod m20261207_000002_list_indexes;
mod m20261207_000003_referral_queue_indexes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_accounts::Migration),
            Box::new(m20261123_000002_clients::Migration),
            Box::new(m20261123_000003_outbox::Migration),
            Box::new(m20261123_000004_referrals::Migration),
            Box::new(m20261123_000005_visits::Migration),
            Box::new(m20261201_000001_visit_integrity::Migration),
            Box::new(m20261202_000001_goals::Migration),
            Box::new(m20261203_000001_review_meetings::Migration),
            Box::new(m20261204_000001_outings::Migration),
            Box::new(m20261205_000001_account_security::Migration),
            Box::new(m20261207_000001_second_factor::Migration),
            Box::new(m20261207_000002_list_indexes::Migration),
            Box::new(m20261207_000003_referral_queue_indexes::Migration),
        ]
    }
}
