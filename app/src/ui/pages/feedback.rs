//! Feedback right after a visit. The guide taps "hand the phone to the client": the screen
//! that opens shows nothing but three questions with three big faces, in the client's
//! language (Finnish, Swedish or English, switched with one tap), without the menu, so the
//! client can answer on a doorstep and see nothing of anyone's data. After sending it thanks
//! them; the guide takes the phone back with one tap to the visit, in their own session.
//! Coordinators read the results by month and kind of visit on a page that prints on one
//! sheet for the notice board.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::{
        AppError,
        feedback::{FeedbackResults, FeedbackScreen, GiveFeedback, load_feedback_results, load_hand_over},
    },
    domain::{
        feedback::{Question, QuestionResult, Shown, Smiley},
        languages::feedback_language,
    },
    i18n::*,
    ui::components::{ErrorNotice, ErrorPage, action_error, loaded, require_user, validation_text},
    words::visit_kind_text,
};

/// Paths of the hand-over screen, which the frame shows without its menu.
pub fn is_hand_over(path: &str) -> bool {
    path.starts_with("/visits/") && path.ends_with("/feedback")
}

fn locale_of(code: &str) -> Locale {
    match feedback_language(code) {
        "sv" => Locale::sv,
        "en" => Locale::en,
        _ => Locale::fi,
    }
}

pub fn question_text(question: Question, locale: Locale) -> &'static str {
    match question {
        Question::TalkedAboutWhatMatters => td_string!(locale, feedback.q_talked),
        Question::GotHelp => td_string!(locale, feedback.q_help),
        Question::WouldContinue => td_string!(locale, feedback.q_continue),
    }
}

fn smiley_text(smiley: Smiley, locale: Locale) -> &'static str {
    match smiley {
        Smiley::Sad => td_string!(locale, feedback.sad),
        Smiley::Neutral => td_string!(locale, feedback.neutral),
        Smiley::Happy => td_string!(locale, feedback.happy),
    }
}

fn smiley_symbol(smiley: Smiley) -> &'static str {
    match smiley {
        Smiley::Sad => "☹️",
        Smiley::Neutral => "😐",
        Smiley::Happy => "🙂",
    }
}

#[component]
pub fn HandOverPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let id: Option<i64> = use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok());
    let Some(id) = id else { return view! { <ErrorPage error=AppError::NotFound /> }.into_any() };
    let query = use_query_map().get_untracked();
    let lang = query.get("lang");
    let thanks = query.get("thanks").is_some();
    let data = Resource::new_blocking(move || id, load_hand_over);
    let give = ServerAction::<GiveFeedback>::new();
    loaded(data, move |screen| hand_over(screen, lang.clone(), thanks, give)).into_any()
}

fn hand_over(
    screen: FeedbackScreen,
    lang: Option<String>,
    thanks: bool,
    give: ServerAction<GiveFeedback>,
) -> impl IntoView {
    let guide_locale = crate::ui::components::locale();
    let code = feedback_language(lang.as_deref().unwrap_or(&screen.client_language));
    let locale = locale_of(code);
    let back = format!("/visits/{}", screen.visit_id);
    let error = action_error(give);
    let body = if thanks {
        view! {
            <h1>{td_string!(locale, feedback.thanks)}</h1>
            <p class="feedback__lead">{td_string!(locale, feedback.thanks_text)}</p>
        }
        .into_any()
    } else if !screen.open {
        view! {
            <h1>{td_string!(locale, feedback.title)}</h1>
            <p class="notice" role="status">{if screen.already_given {
                td_string!(locale, feedback.already)
            } else {
                td_string!(locale, feedback.closed)
            }}</p>
        }
        .into_any()
    } else {
        let field_error = error
            .as_ref()
            .and_then(|e| e.field("talked_about_what_matters"))
            .map(|c| validation_text(locale, c));
        view! {
            <h1>{td_string!(locale, feedback.title)}</h1>
            <p class="feedback__lead">{td_string!(locale, feedback.intro)}</p>
            <nav class="feedback__languages" aria-label=td_string!(locale, feedback.language_label)>
                {[("fi", "Suomeksi"), ("sv", "På svenska"), ("en", "In English")].into_iter().map(|(c, name)| view! {
                    <a class="button button--secondary" href=format!("?lang={c}") lang=c hreflang=c aria-current=(c == code).then_some("true")>{name}</a>
                }).collect_view()}
            </nav>
            <ErrorNotice error=error.clone().filter(|e| e.field("talked_about_what_matters").is_none()) />
            <ActionForm action=give attr:class="form feedback__form">
                <input type="hidden" name="visit" value=screen.visit_id.to_string() />
                <input type="hidden" name="answers[lang]" value=code />
                {field_error.map(|text| view! { <p class="field__error" role="alert">{text}</p> })}
                {[Question::TalkedAboutWhatMatters, Question::GotHelp, Question::WouldContinue].into_iter().map(|q| view! {
                    <fieldset class="field feedback__question">
                        <legend>{question_text(q, locale)}</legend>
                        <div class="feedback__faces">
                            {[Smiley::Sad, Smiley::Neutral, Smiley::Happy].into_iter().map(|s| view! {
                                <label class="feedback__face">
                                    <input type="radio" name=format!("answers[{}]", q.as_str()) value=s.as_str() />
                                    <span class="feedback__symbol" aria-hidden="true">{smiley_symbol(s)}</span>
                                    <span>{smiley_text(s, locale)}</span>
                                </label>
                            }).collect_view()}
                        </div>
                    </fieldset>
                }).collect_view()}
                <button class="button feedback__send" type="submit">{td_string!(locale, feedback.send)}</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <Title text=td_string!(locale, feedback.title).to_string() />
        <div class="feedback" lang=code>
            {body}
        </div>
        <p class="feedback__return">
            <a class="button button--secondary" href=back lang=guide_locale.as_str()>{td_string!(guide_locale, feedback.return_to_guide)}</a>
        </p>
    }
}

#[component]
pub fn FeedbackResultsPage() -> impl IntoView {
    let Some(_) = require_user() else { return ().into_any() };
    let data = Resource::new_blocking(|| (), |()| load_feedback_results());
    loaded(data, results_page).into_any()
}

fn results_page(data: FeedbackResults) -> impl IntoView {
    let locale = crate::ui::components::locale();
    let questions = [Question::TalkedAboutWhatMatters, Question::GotHelp, Question::WouldContinue];
    view! {
        <Title text=td_string!(locale, feedback.results_title).to_string() />
        <h1>{td_string!(locale, feedback.results_title)}</h1>
        <p>{td_string!(locale, feedback.results_intro, min = data.min_group)}</p>
        <p class="notice" id="answered-this-month">{td_string!(locale, feedback.this_month, count = i64::from(data.answered_this_month))}</p>
        {if data.groups.is_empty() {
            view! { <p class="muted">{td_string!(locale, feedback.no_results)}</p> }.into_any()
        } else {
            data.groups.into_iter().map(|group| {
                let heading = format!("{} · {}", group.month, visit_kind_text(group.kind, locale));
                view! {
                    <section class="card feedback-result">
                        <h2>{heading}</h2>
                        {match group.shown {
                            Shown::TooFew => view! { <p class="muted">{td_string!(locale, feedback.too_few, min = data.min_group)}</p> }.into_any(),
                            Shown::Answers { respondents, questions: results } => view! {
                                <p>{td_string!(locale, feedback.respondents, count = i64::from(respondents))}</p>
                                <table class="feedback-table">
                                    <thead><tr>
                                        <th scope="col">{td_string!(locale, feedback.question)}</th>
                                        {[Smiley::Sad, Smiley::Neutral, Smiley::Happy].into_iter().map(|s| view! {
                                            <th scope="col"><span aria-hidden="true">{smiley_symbol(s)}" "</span>{smiley_text(s, locale)}</th>
                                        }).collect_view()}
                                        <th scope="col">{td_string!(locale, feedback.unanswered)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {questions.into_iter().map(|q| {
                                            let r: QuestionResult = results.iter().find(|(x, _)| *x == q).map(|(_, r)| *r).unwrap_or_default();
                                            view! { <tr>
                                                <th scope="row">{question_text(q, locale)}</th>
                                                <td>{r.sad}</td><td>{r.neutral}</td><td>{r.happy}</td><td>{r.unanswered}</td>
                                            </tr> }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                        }}
                    </section>
                }
            }).collect_view().into_any()
        }}
    }
}
