//! Goals in the client's words and everything that follows them: wording history, small steps,
//! the client's faces, reward schemes with their append-only ledger, mid-point reviews with a
//! decision per goal, the ending with its evaluation and summary, and anonymous feedback counts.
//! Clients get a retention marker; visits remember only that their feedback was given.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Clients {
    Table,
    Id,
    AnonymisedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Referrals {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum GuidancePeriods {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Visits {
    Table,
    Id,
    FeedbackGiven,
}

#[derive(DeriveIden, Clone, Copy)]
enum Goals {
    Table,
    Id,
    ClientId,
    ReferralId,
    Words,
    Why,
    Status,
    StatusReason,
    StatusChangedAt,
    Outcome,
    SetOn,
    SetAtVisitId,
    Position,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum GoalWordings {
    Table,
    Id,
    GoalId,
    Words,
    Why,
    ReplacedAt,
    ReplacedBy,
    ReviewId,
}

#[derive(DeriveIden, Clone, Copy)]
enum GoalSteps {
    Table,
    Id,
    GoalId,
    Words,
    Position,
    DoneOn,
    DoneVisitId,
    DoneBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum GoalRatings {
    Table,
    Id,
    GoalId,
    RatedOn,
    Face,
    Occasion,
    ReviewId,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Reviews {
    Table,
    Id,
    ClientId,
    PeriodId,
    HeldOn,
    VisitId,
    Outcome,
    NextReview,
    PlannedEnd,
    Note,
    RecordedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReviewGoalDecisions {
    Table,
    Id,
    ReviewId,
    GoalId,
    Decision,
    Words,
    Reason,
}

#[derive(DeriveIden, Clone, Copy)]
enum Endings {
    Table,
    Id,
    ClientId,
    PeriodId,
    HeldOn,
    VisitId,
    StartedFrom,
    NowAt,
    WhatHelped,
    GuideNote,
    SocialWorkerNote,
    SummaryText,
    SummaryMadeAt,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum EndingFactors {
    Table,
    Id,
    EndingId,
    Factor,
    Effect,
}

#[derive(DeriveIden, Clone, Copy)]
enum EndingServices {
    Table,
    Id,
    EndingId,
    Position,
    Kind,
    Name,
    NewlyConnected,
}

#[derive(DeriveIden, Clone, Copy)]
enum RewardSchemes {
    Table,
    Id,
    ClientId,
    Unit,
    CreatedBy,
    CreatedAt,
    EndedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RewardRules {
    Table,
    Id,
    SchemeId,
    Position,
    What,
    Amount,
    RetiredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Rewards {
    Table,
    Id,
    SchemeId,
    Position,
    What,
    Cost,
    RetiredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RewardEntries {
    Table,
    Id,
    SchemeId,
    Seq,
    Kind,
    Amount,
    BalanceAfter,
    HappenedOn,
    RuleId,
    RewardId,
    StepId,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum FeedbackTallies {
    Table,
    Month,
    VisitKind,
    Team,
    Question,
    Face,
    Answers,
}

/// A reference to another table's `id`: deleting the row there deletes this one (`Cascade`),
/// forgets the link (`SetNull`), or is refused while this row points at it (`None`).
fn refers(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + 'static,
    to: impl IntoIden + 'static,
    to_id: impl IntoIden + 'static,
    on_delete: Option<ForeignKeyAction>,
) -> ForeignKeyCreateStatement {
    let mut key = ForeignKey::create();
    key.from(table, column).to(to, to_id);
    if let Some(action) = on_delete {
        key.on_delete(action);
    }
    key.to_owned()
}

fn to_users(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    refers(table, column, Users::Table, Users::Id, Some(ForeignKeyAction::SetNull))
}

fn to_visits(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    refers(table, column, Visits::Table, Visits::Id, Some(ForeignKeyAction::SetNull))
}

fn to_clients(
    table: impl IntoIden + Copy + 'static,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    refers(table, column, Clients::Table, Clients::Id, Some(ForeignKeyAction::Cascade))
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + Copy + 'static,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    if unique {
        statement.unique();
    }
    for col in cols {
        statement.col(Alias::new(*col));
    }
    manager.create_index(statement.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Goals::Table)
                    .col(big_pk_auto(Goals::Id))
                    .col(big_integer(Goals::ClientId))
                    // The guidance the goal was set in; a transfer to another guide keeps it.
                    .col(big_integer_null(Goals::ReferralId))
                    // The client's words now; earlier ones are in goal_wordings.
                    .col(text(Goals::Words))
                    .col(text_null(Goals::Why))
                    // "active", "paused", "dropped" or "reached".
                    .col(string_len(Goals::Status, 16).default("active"))
                    // The client's reason for letting the goal go (or pausing it).
                    .col(text_null(Goals::StatusReason))
                    .col(timestamp_with_time_zone_null(Goals::StatusChangedAt))
                    // As agreed at the ending: "reached", "partly_reached" or "not_reached".
                    .col(string_len_null(Goals::Outcome, 16))
                    .col(date(Goals::SetOn))
                    // The first three-way meeting, or the visit the goal was set on.
                    .col(big_integer_null(Goals::SetAtVisitId))
                    .col(integer(Goals::Position).default(0))
                    .col(big_integer_null(Goals::CreatedBy))
                    .col(timestamp_with_time_zone(Goals::CreatedAt))
                    .col(timestamp_with_time_zone(Goals::UpdatedAt))
                    .foreign_key(&mut to_clients(Goals::Table, Goals::ClientId))
                    .foreign_key(&mut refers(
                        Goals::Table,
                        Goals::ReferralId,
                        Referrals::Table,
                        Referrals::Id,
                        Some(ForeignKeyAction::SetNull),
                    ))
                    .foreign_key(&mut to_visits(Goals::Table, Goals::SetAtVisitId))
                    .foreign_key(&mut to_users(Goals::Table, Goals::CreatedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "goals_client", Goals::Table, &["client_id", "position"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(GoalSteps::Table)
                    .col(big_pk_auto(GoalSteps::Id))
                    .col(big_integer(GoalSteps::GoalId))
                    .col(text(GoalSteps::Words))
                    .col(integer(GoalSteps::Position))
                    .col(date_null(GoalSteps::DoneOn))
                    // The visit on which it happened, if it did on one.
                    .col(big_integer_null(GoalSteps::DoneVisitId))
                    .col(big_integer_null(GoalSteps::DoneBy))
                    .col(timestamp_with_time_zone(GoalSteps::CreatedAt))
                    .foreign_key(&mut refers(
                        GoalSteps::Table,
                        GoalSteps::GoalId,
                        Goals::Table,
                        Goals::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .foreign_key(&mut to_visits(GoalSteps::Table, GoalSteps::DoneVisitId))
                    .foreign_key(&mut to_users(GoalSteps::Table, GoalSteps::DoneBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "goal_steps_goal", GoalSteps::Table, &["goal_id", "position"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(Reviews::Table)
                    .col(big_pk_auto(Reviews::Id))
                    .col(big_integer(Reviews::ClientId))
                    .col(big_integer(Reviews::PeriodId))
                    .col(date(Reviews::HeldOn))
                    .col(big_integer_null(Reviews::VisitId))
                    // "continue", "change_plan" or "end".
                    .col(string_len(Reviews::Outcome, 16))
                    // The next review chosen in this one; empty when the next meeting is the ending.
                    .col(date_null(Reviews::NextReview))
                    // The planned end after the review.
                    .col(date(Reviews::PlannedEnd))
                    // What was agreed, in words the client heard.
                    .col(text_null(Reviews::Note))
                    .col(big_integer_null(Reviews::RecordedBy))
                    .col(timestamp_with_time_zone(Reviews::CreatedAt))
                    .foreign_key(&mut to_clients(Reviews::Table, Reviews::ClientId))
                    .foreign_key(&mut refers(
                        Reviews::Table,
                        Reviews::PeriodId,
                        GuidancePeriods::Table,
                        GuidancePeriods::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .foreign_key(&mut to_visits(Reviews::Table, Reviews::VisitId))
                    .foreign_key(&mut to_users(Reviews::Table, Reviews::RecordedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "reviews_client", Reviews::Table, &["client_id", "held_on"], false).await?;
        index(manager, "reviews_period", Reviews::Table, &["period_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(ReviewGoalDecisions::Table)
                    .col(big_pk_auto(ReviewGoalDecisions::Id))
                    .col(big_integer(ReviewGoalDecisions::ReviewId))
                    .col(big_integer(ReviewGoalDecisions::GoalId))
                    // "continue", "refine" or "drop".
                    .col(string_len(ReviewGoalDecisions::Decision, 16))
                    // The new words of a refined goal; the client's reason for a dropped one.
                    .col(text_null(ReviewGoalDecisions::Words))
                    .col(text_null(ReviewGoalDecisions::Reason))
                    .foreign_key(&mut refers(
                        ReviewGoalDecisions::Table,
                        ReviewGoalDecisions::ReviewId,
                        Reviews::Table,
                        Reviews::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .foreign_key(&mut refers(
                        ReviewGoalDecisions::Table,
                        ReviewGoalDecisions::GoalId,
                        Goals::Table,
                        Goals::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "review_goal_decisions_once",
            ReviewGoalDecisions::Table,
            &["review_id", "goal_id"],
            true,
        )
        .await?;
        index(manager, "review_goal_decisions_goal", ReviewGoalDecisions::Table, &["goal_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(GoalWordings::Table)
                    .col(big_pk_auto(GoalWordings::Id))
                    .col(big_integer(GoalWordings::GoalId))
                    // An earlier wording, kept when the goal was refined.
                    .col(text(GoalWordings::Words))
                    .col(text_null(GoalWordings::Why))
                    .col(timestamp_with_time_zone(GoalWordings::ReplacedAt))
                    .col(big_integer_null(GoalWordings::ReplacedBy))
                    // The review in which it was refined, if it was in one.
                    .col(big_integer_null(GoalWordings::ReviewId))
                    .foreign_key(&mut refers(
                        GoalWordings::Table,
                        GoalWordings::GoalId,
                        Goals::Table,
                        Goals::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .foreign_key(&mut to_users(GoalWordings::Table, GoalWordings::ReplacedBy))
                    .foreign_key(&mut refers(
                        GoalWordings::Table,
                        GoalWordings::ReviewId,
                        Reviews::Table,
                        Reviews::Id,
                        Some(ForeignKeyAction::SetNull),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "goal_wordings_goal", GoalWordings::Table, &["goal_id", "replaced_at"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(GoalRatings::Table)
                    .col(big_pk_auto(GoalRatings::Id))
                    .col(big_integer(GoalRatings::GoalId))
                    .col(date(GoalRatings::RatedOn))
                    // The client's face, 1 (very bad) to 5 (very good).
                    .col(small_integer(GoalRatings::Face))
                    // "first_meeting", "review" or "ending".
                    .col(string_len(GoalRatings::Occasion, 16))
                    .col(big_integer_null(GoalRatings::ReviewId))
                    .col(big_integer_null(GoalRatings::RecordedBy))
                    .col(timestamp_with_time_zone(GoalRatings::CreatedAt))
                    .check(("goal_ratings_face", Expr::col(GoalRatings::Face).between(1, 5)))
                    .foreign_key(&mut refers(
                        GoalRatings::Table,
                        GoalRatings::GoalId,
                        Goals::Table,
                        Goals::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .foreign_key(&mut refers(
                        GoalRatings::Table,
                        GoalRatings::ReviewId,
                        Reviews::Table,
                        Reviews::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .foreign_key(&mut to_users(GoalRatings::Table, GoalRatings::RecordedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "goal_ratings_goal", GoalRatings::Table, &["goal_id", "rated_on"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(Endings::Table)
                    .col(big_pk_auto(Endings::Id))
                    .col(big_integer(Endings::ClientId))
                    .col(big_integer(Endings::PeriodId))
                    .col(date(Endings::HeldOn))
                    .col(big_integer_null(Endings::VisitId))
                    // The client's own evaluation, in their words.
                    .col(text_null(Endings::StartedFrom))
                    .col(text_null(Endings::NowAt))
                    .col(text_null(Endings::WhatHelped))
                    // For the people at the ending; never in the summary.
                    .col(text_null(Endings::GuideNote))
                    .col(text_null(Endings::SocialWorkerNote))
                    // The summary for the official client record, as made in words.
                    .col(text_null(Endings::SummaryText))
                    .col(timestamp_with_time_zone_null(Endings::SummaryMadeAt))
                    .col(big_integer_null(Endings::RecordedBy))
                    .col(timestamp_with_time_zone(Endings::CreatedAt))
                    .col(timestamp_with_time_zone(Endings::UpdatedAt))
                    .foreign_key(&mut to_clients(Endings::Table, Endings::ClientId))
                    .foreign_key(&mut refers(
                        Endings::Table,
                        Endings::PeriodId,
                        GuidancePeriods::Table,
                        GuidancePeriods::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .foreign_key(&mut to_visits(Endings::Table, Endings::VisitId))
                    .foreign_key(&mut to_users(Endings::Table, Endings::RecordedBy))
                    .to_owned(),
            )
            .await?;
        // One ending per period.
        index(manager, "endings_period", Endings::Table, &["period_id"], true).await?;
        index(manager, "endings_client", Endings::Table, &["client_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(EndingFactors::Table)
                    .col(big_pk_auto(EndingFactors::Id))
                    .col(big_integer(EndingFactors::EndingId))
                    .col(string_len(EndingFactors::Factor, 24))
                    // "helped", "hindered" or "neither".
                    .col(string_len(EndingFactors::Effect, 16))
                    .foreign_key(&mut refers(
                        EndingFactors::Table,
                        EndingFactors::EndingId,
                        Endings::Table,
                        Endings::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "ending_factors_once", EndingFactors::Table, &["ending_id", "factor"], true).await?;

        manager
            .create_table(
                Table::create()
                    .table(EndingServices::Table)
                    .col(big_pk_auto(EndingServices::Id))
                    .col(big_integer(EndingServices::EndingId))
                    .col(integer(EndingServices::Position))
                    .col(string_len(EndingServices::Kind, 24))
                    .col(string_len_null(EndingServices::Name, 200))
                    // Connected during the guidance, not used already before it.
                    .col(boolean(EndingServices::NewlyConnected).default(false))
                    .foreign_key(&mut refers(
                        EndingServices::Table,
                        EndingServices::EndingId,
                        Endings::Table,
                        Endings::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "ending_services_ending", EndingServices::Table, &["ending_id", "position"], true)
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RewardSchemes::Table)
                    .col(big_pk_auto(RewardSchemes::Id))
                    .col(big_integer(RewardSchemes::ClientId))
                    // "points" or "cents".
                    .col(string_len(RewardSchemes::Unit, 8))
                    .col(big_integer_null(RewardSchemes::CreatedBy))
                    .col(timestamp_with_time_zone(RewardSchemes::CreatedAt))
                    // The client stopped using it; its ledger stays.
                    .col(timestamp_with_time_zone_null(RewardSchemes::EndedAt))
                    .foreign_key(&mut to_clients(RewardSchemes::Table, RewardSchemes::ClientId))
                    .foreign_key(&mut to_users(RewardSchemes::Table, RewardSchemes::CreatedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "reward_schemes_client", RewardSchemes::Table, &["client_id"], false).await?;

        // What earns and what the rewards cost. Lines are retired, not deleted, while the
        // ledger refers to them.
        manager
            .create_table(
                Table::create()
                    .table(RewardRules::Table)
                    .col(big_pk_auto(RewardRules::Id))
                    .col(big_integer(RewardRules::SchemeId))
                    .col(integer(RewardRules::Position))
                    .col(text(RewardRules::What))
                    .col(integer(RewardRules::Amount))
                    .col(timestamp_with_time_zone_null(RewardRules::RetiredAt))
                    .check(("reward_rules_amount", Expr::col(RewardRules::Amount).gt(0)))
                    .foreign_key(&mut refers(
                        RewardRules::Table,
                        RewardRules::SchemeId,
                        RewardSchemes::Table,
                        RewardSchemes::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "reward_rules_scheme", RewardRules::Table, &["scheme_id", "position"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table(Rewards::Table)
                    .col(big_pk_auto(Rewards::Id))
                    .col(big_integer(Rewards::SchemeId))
                    .col(integer(Rewards::Position))
                    .col(text(Rewards::What))
                    .col(integer(Rewards::Cost))
                    .col(timestamp_with_time_zone_null(Rewards::RetiredAt))
                    .check(("rewards_cost", Expr::col(Rewards::Cost).gt(0)))
                    .foreign_key(&mut refers(
                        Rewards::Table,
                        Rewards::SchemeId,
                        RewardSchemes::Table,
                        RewardSchemes::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "rewards_scheme", Rewards::Table, &["scheme_id", "position"], false).await?;

        // Append-only. Each entry carries the balance after it and its place in the ledger:
        // two entries written at once from the same balance claim the same `seq`, and the
        // unique index lets one of them in. The balance cannot go below zero here either.
        manager
            .create_table(
                Table::create()
                    .table(RewardEntries::Table)
                    .col(big_pk_auto(RewardEntries::Id))
                    .col(big_integer(RewardEntries::SchemeId))
                    .col(integer(RewardEntries::Seq))
                    // "earned" or "spent".
                    .col(string_len(RewardEntries::Kind, 8))
                    // In the scheme's unit, copied from the line (lines may change later).
                    .col(integer(RewardEntries::Amount))
                    .col(big_integer(RewardEntries::BalanceAfter))
                    .col(date(RewardEntries::HappenedOn))
                    .col(big_integer_null(RewardEntries::RuleId))
                    .col(big_integer_null(RewardEntries::RewardId))
                    // The step whose doing earned it, if one did.
                    .col(big_integer_null(RewardEntries::StepId))
                    .col(big_integer_null(RewardEntries::RecordedBy))
                    .col(timestamp_with_time_zone(RewardEntries::RecordedAt))
                    .check(("reward_entries_amount", Expr::col(RewardEntries::Amount).gt(0)))
                    .check(("reward_entries_balance", Expr::col(RewardEntries::BalanceAfter).gte(0)))
                    .foreign_key(&mut refers(
                        RewardEntries::Table,
                        RewardEntries::SchemeId,
                        RewardSchemes::Table,
                        RewardSchemes::Id,
                        Some(ForeignKeyAction::Cascade),
                    ))
                    .foreign_key(&mut refers(
                        RewardEntries::Table,
                        RewardEntries::RuleId,
                        RewardRules::Table,
                        RewardRules::Id,
                        None,
                    ))
                    .foreign_key(&mut refers(
                        RewardEntries::Table,
                        RewardEntries::RewardId,
                        Rewards::Table,
                        Rewards::Id,
                        None,
                    ))
                    .foreign_key(&mut refers(
                        RewardEntries::Table,
                        RewardEntries::StepId,
                        GoalSteps::Table,
                        GoalSteps::Id,
                        Some(ForeignKeyAction::SetNull),
                    ))
                    .foreign_key(&mut to_users(RewardEntries::Table, RewardEntries::RecordedBy))
                    .to_owned(),
            )
            .await?;
        index(manager, "reward_entries_seq", RewardEntries::Table, &["scheme_id", "seq"], true).await?;

        // Counts only: no client, no visit, no time finer than the month, not even a row per
        // answer whose order could be matched with the visits done that month.
        manager
            .create_table(
                Table::create()
                    .table(FeedbackTallies::Table)
                    // YYYY-MM in Helsinki time.
                    .col(string_len(FeedbackTallies::Month, 7))
                    .col(string_len(FeedbackTallies::VisitKind, 24))
                    // The region of the guide's home place; empty when not known.
                    .col(string_len(FeedbackTallies::Team, 40))
                    .col(string_len(FeedbackTallies::Question, 40))
                    // 1 sad, 2 neutral, 3 happy; 0 left unanswered.
                    .col(small_integer(FeedbackTallies::Face))
                    .col(integer(FeedbackTallies::Answers).default(0))
                    .primary_key(
                        Index::create()
                            .col(FeedbackTallies::Month)
                            .col(FeedbackTallies::VisitKind)
                            .col(FeedbackTallies::Team)
                            .col(FeedbackTallies::Question)
                            .col(FeedbackTallies::Face),
                    )
                    .check(("feedback_tallies_face", Expr::col(FeedbackTallies::Face).between(0, 3)))
                    .check(("feedback_tallies_answers", Expr::col(FeedbackTallies::Answers).gte(0)))
                    .to_owned(),
            )
            .await?;

        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table(Visits::Table)
                    .add_column(boolean(Visits::FeedbackGiven).default(false))
                    .to_owned(),
            )
            .await?;
        // When the client's personal details were cleared; only counts remain after it.
        manager
            .alter_table(
                Table::alter()
                    .table(Clients::Table)
                    .add_column(timestamp_with_time_zone_null(Clients::AnonymisedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Clients::Table).drop_column(Clients::AnonymisedAt).to_owned())
            .await?;
        manager
            .alter_table(Table::alter().table(Visits::Table).drop_column(Visits::FeedbackGiven).to_owned())
            .await?;
        for table in [
            FeedbackTallies::Table.into_iden(),
            RewardEntries::Table.into_iden(),
            Rewards::Table.into_iden(),
            RewardRules::Table.into_iden(),
            RewardSchemes::Table.into_iden(),
            EndingServices::Table.into_iden(),
            EndingFactors::Table.into_iden(),
            Endings::Table.into_iden(),
            GoalRatings::Table.into_iden(),
            GoalWordings::Table.into_iden(),
            ReviewGoalDecisions::Table.into_iden(),
            Reviews::Table.into_iden(),
            GoalSteps::Table.into_iden(),
            Goals::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
