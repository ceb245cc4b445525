//! The command line: one binary serves, migrates, seeds demo data and creates the first admin.

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::{Application, config::Config};

#[derive(Debug, Parser)]
#[command(name = "server", version, about = "Rinnalla: experience-based peer guidance")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the app (the default).
    Serve {
        /// Fill an empty database with demo data and print the demo accounts.
        #[arg(long, env = "RINNALLA_DEMO")]
        demo: bool,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Fill an empty database with a region's worth of made-up data for load tests and
    /// benchmarks: staff, guides across the demo region's places, clients at every stage, a
    /// period of visits with records and rides, goals and audit history. The same seed makes the
    /// same region (dates count from today). Every account signs in with the demo password, so
    /// it is refused in production.
    Seed {
        #[arg(long, default_value_t = 10_000)]
        clients: u32,
        #[arg(long, default_value_t = 300)]
        guides: u32,
        /// Months of visits before today.
        #[arg(long, default_value_t = 12)]
        months: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Create an administrator account and print a one-time link (valid 24 hours) where they
    /// choose their password. Passwords never pass through the command line.
    CreateAdmin {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = cli.config;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            // Demo accounts share one published password: never on real data.
            if demo && config.environment == crate::config::Environment::Production {
                anyhow::bail!("--demo (RINNALLA_DEMO) is refused when RINNALLA_ENV=production");
            }
            // The demo is for trying every role without an authenticator app: its admin and
            // coordinator are not made to set up a second factor (anyone may, from Settings).
            if demo {
                config.require_second_factor = false;
            }
            let app = Application::build(&config).await?;
            let url = format!("http://{}", app.local_addr());
            if demo {
                let seeded = app::backend::demo::seed(&app.state.db)
                    .await
                    .map_err(|e| anyhow::anyhow!("seeding demo data failed: {e:?}"))?;
                app::backend::demo::seed_visits(&app.state.db)
                    .await
                    .map_err(|e| anyhow::anyhow!("seeding demo visits failed: {e:?}"))?;
                app::backend::demo::seed_goals(&app.state.db)
                    .await
                    .map_err(|e| anyhow::anyhow!("seeding demo goals failed: {e:?}"))?;
                app::backend::demo::seed_ending(&app.state.db, &url)
                    .await
                    .map_err(|e| anyhow::anyhow!("seeding the demo ending failed: {e:?}"))?;
                app::backend::demo::seed_outings(&app.state.db, &url)
                    .await
                    .map_err(|e| anyhow::anyhow!("seeding the demo outings failed: {e:?}"))?;
                print_demo(&url, seeded);
            }
            tracing::info!(%url, "listening");
            app.serve().await
        }
        Command::Migrate => {
            app::backend::db::connect_and_migrate(&config.database_url, 1)
                .await
                .context("migrating the database")?;
            tracing::info!("the database schema is up to date");
            Ok(())
        }
        Command::Seed { clients, guides, months, seed } => {
            if config.environment == crate::config::Environment::Production {
                anyhow::bail!(
                    "seed is refused when RINNALLA_ENV=production: its accounts share a published password"
                );
            }
            let db = app::backend::db::connect_and_migrate(&config.database_url, 1)
                .await
                .context("the database could not be opened and migrated")?;
            let started = std::time::Instant::now();
            let size = app::backend::seed::RegionSize {
                clients,
                guides,
                months,
                seed,
                visits_per_day: app::backend::seed::RegionSize::VISITS_PER_DAY,
            };
            let seeded = app::backend::seed::seed_region(&db, size, chrono::Utc::now()).await.map_err(
                |e| match e {
                    app::dto::AppError::Conflict => {
                        anyhow::anyhow!("the database is not empty: seed fills an empty one")
                    }
                    other => anyhow::anyhow!("seeding failed: {other:?}"),
                },
            )?;
            println!("Seeded in {:.1} s: {seeded}.", started.elapsed().as_secs_f64());
            println!(
                "Sign in (password {}) as a guide {}, a coordinator {} or a social worker {}.",
                app::backend::demo::DEMO_PASSWORD,
                seeded.guide_email,
                seeded.coordinator_email,
                seeded.social_worker_email
            );
            Ok(())
        }
        Command::CreateAdmin { name, email } => {
            config.validate()?;
            let db = app::backend::db::connect_and_migrate(&config.database_url, 1)
                .await
                .context("the database could not be opened and migrated")?;
            let link = app::backend::accounts::create_admin(&db, &config.public_origin()?, &name, &email)
                .await
                .map_err(|e| anyhow::anyhow!("could not create the admin: {e:?}"))?;
            println!("Created the administrator {name} <{email}>.");
            println!("They choose their password here (the link works once, for 24 hours):\n\n  {link}\n");
            Ok(())
        }
    }
}

fn print_demo(url: &str, seeded: bool) {
    use app::backend::demo::{ACCOUNTS, DEMO_PASSWORD};
    println!("\nRinnalla is running at {url}\n");
    if seeded {
        println!("Demo data created.");
    }
    println!("Demo accounts (password for all: {DEMO_PASSWORD}):");
    for account in ACCOUNTS {
        println!("  {:<14} {:<36} {}", account.role, account.email, account.name);
    }
    println!();
}
