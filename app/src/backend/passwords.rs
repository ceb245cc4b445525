//! Password hashing and strength. Argon2id with the OWASP parameters (19 MiB memory, two
//! passes, one lane), run on the blocking thread pool so a sign-in never stalls the async
//! workers, and behind a gate: only a few hashes run at once and only a short queue waits, so
//! a burst of sign-ins cannot take the server's memory (each hash holds 19 MiB).

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};

use crate::domain::validation::ValidationCode;

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet, Argon2id minimum: m=19456 KiB, t=2, p=1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// Every hashing slot and every place in the queue is taken: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many password checks at once")]
pub struct Busy;

/// Hashes running at once: one per core, at most four (4 × 19 MiB).
fn hashes_at_once() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from).clamp(1, 4)
}

/// Requests that may wait for a slot, beyond the running ones; each waits at most a few
/// hashes' time (a fraction of a second), the rest are refused at once.
pub const WAITING_AT_MOST: usize = 16;

struct Gate {
    /// Running and waiting: a request that finds none left is refused without waiting.
    admitted: tokio::sync::Semaphore,
    running: tokio::sync::Semaphore,
}

impl Gate {
    fn new(running: usize, waiting: usize) -> Self {
        Self {
            admitted: tokio::sync::Semaphore::new(running + waiting),
            running: tokio::sync::Semaphore::new(running),
        }
    }

    fn turn(&self) -> Result<Turn<'_>, Busy> {
        self.admitted.try_acquire().map(|permit| Turn { _admitted: permit, gate: self }).map_err(|_| Busy)
    }
}

fn gate() -> &'static Gate {
    static GATE: std::sync::OnceLock<Gate> = std::sync::OnceLock::new();
    GATE.get_or_init(|| Gate::new(hashes_at_once(), WAITING_AT_MOST))
}

/// A place through the gate, held while the hash runs. Taken before any other work (a
/// sign-in takes it before counting the attempt), so a refusal costs nothing.
pub struct Turn<'a> {
    _admitted: tokio::sync::SemaphorePermit<'a>,
    gate: &'a Gate,
}

/// Takes a place in the queue, or `Busy` when the queue is full.
pub fn turn() -> Result<Turn<'static>, Busy> {
    gate().turn()
}

async fn run<T: Send + 'static>(
    turn: &Turn<'_>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PasswordError> {
    // The semaphore is never closed, so acquiring only waits.
    let _running = turn.gate.running.acquire().await.map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

/// An Argon2id PHC string for `password`, with a fresh random salt.
pub async fn hash(turn: &Turn<'_>, password: String) -> Result<String, PasswordError> {
    run(turn, move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    })
    .await?
}

/// Argon2id PHC strings for several secrets at once (recovery codes), in one turn at the gate.
pub async fn hash_all(turn: &Turn<'_>, secrets: Vec<String>) -> Result<Vec<String>, PasswordError> {
    run(turn, move || {
        secrets
            .iter()
            .map(|secret| {
                let salt = SaltString::generate(&mut OsRng);
                argon2()
                    .hash_password(secret.as_bytes(), &salt)
                    .map(|hash| hash.to_string())
                    .map_err(|e| PasswordError::Hash(e.to_string()))
            })
            .collect()
    })
    .await?
}

/// Which of `stored` (id, PHC string) `secret` matches, if any: a recovery code against a
/// person's unused codes, in one turn at the gate.
pub async fn find_match(turn: &Turn<'_>, secret: String, stored: Vec<(i64, String)>) -> Option<i64> {
    run(turn, move || {
        stored.into_iter().find_map(|(id, phc)| {
            let parsed = PasswordHash::new(&phc).ok()?;
            argon2().verify_password(secret.as_bytes(), &parsed).is_ok().then_some(id)
        })
    })
    .await
    .ok()
    .flatten()
}

/// Whether `password` matches `stored`. Without a stored hash (no such account, or an invited
/// person who has not set a password) the same work is done against a dummy hash, so the
/// answer takes as long either way and does not tell which e-mail addresses exist.
pub async fn verify(turn: &Turn<'_>, password: String, stored: Option<String>) -> bool {
    let result = run(turn, move || {
        let (phc, real) = match stored {
            Some(phc) => (phc, true),
            None => (dummy_hash().to_owned(), false),
        };
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        argon2().verify_password(password.as_bytes(), &parsed).is_ok() && real
    })
    .await;
    result.unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(b"no account has this password", &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

/// Words an attacker tries first here: Finnish and Swedish for "password", seasons and months,
/// the product's own name.
const LOCAL_GUESSES: &[&str] = &[
    "rinnalla",
    "salasana",
    "salasanani",
    "lösenord",
    "kokemusohjaaja",
    "kokemusohjaus",
    "sosiaalityö",
    "kesä",
    "talvi",
    "syksy",
    "kevät",
    "sommar",
    "vinter",
    "hösten",
    "våren",
    "tammikuu",
    "helmikuu",
    "maaliskuu",
    "huhtikuu",
    "toukokuu",
    "kesäkuu",
    "heinäkuu",
    "elokuu",
    "syyskuu",
    "lokakuu",
    "marraskuu",
    "joulukuu",
    "suomi",
    "finland",
    "helsinki",
    "seinäjoki",
    "tervetuloa",
    "välkommen",
    "qwertyuiop",
    "asdfghjkl",
    "kissa",
    "koira",
];

/// Refuses a new password that is too short, too long, or easy to guess: found in the common
/// password lists of zxcvbn, or built from the person's own name or e-mail address or the
/// local words above.
pub fn check_new_password(password: &str, personal: &[&str]) -> Result<(), ValidationCode> {
    crate::domain::accounts::check_password_length(password)?;
    // The person's name and address, whole, run together, and word by word.
    let mut personal_words: Vec<String> = Vec::new();
    for value in personal {
        let lower = value.to_lowercase();
        personal_words.push(lower.chars().filter(|c| c.is_alphanumeric()).collect());
        if let Some((local, _)) = lower.split_once('@') {
            personal_words.push(local.chars().filter(|c| c.is_alphanumeric()).collect());
        }
        personal_words.extend(
            lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|part| part.chars().count() >= 3)
                .map(str::to_owned),
        );
    }
    let mut inputs: Vec<&str> = LOCAL_GUESSES.to_vec();
    inputs.extend(personal_words.iter().map(String::as_str));
    let entropy = zxcvbn::zxcvbn(password, &inputs);
    if (entropy.score() as u8) < 3 { Err(ValidationCode::PasswordTooCommon) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let turn = turn().unwrap();
        let stored = hash(&turn, "kaunis kesäpäivä mökillä".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{stored}");
        assert!(verify(&turn, "kaunis kesäpäivä mökillä".into(), Some(stored.clone())).await);
        assert!(!verify(&turn, "kaunis kesäpäivä".into(), Some(stored)).await);
    }

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        let turn = turn().unwrap();
        assert!(!verify(&turn, "no account has this password".into(), None).await);
        assert!(!verify(&turn, "anything".into(), Some("not a hash".into())).await);
    }

    #[tokio::test]
    async fn beyond_the_running_and_the_waiting_everyone_is_refused_at_once() {
        let gate = Gate::new(1, 2);
        let first = gate.turn().unwrap();
        let _second = gate.turn().unwrap();
        let _third = gate.turn().unwrap();
        assert_eq!(gate.turn().err(), Some(Busy));
        drop(first);
        let again = gate.turn().expect("a place given back is free again");
        // Waiting turns still run, one at a time.
        assert!(!verify(&again, "x".into(), None).await);
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in
            ["password", "12345678", "qwerty123", "salasana1", "Salasana123", "lösenord1", "Kesä2026!"]
        {
            assert_eq!(check_new_password(weak, &[]), Err(ValidationCode::PasswordTooCommon), "{weak}");
        }
        assert_eq!(
            check_new_password("ainovirtanen1", &["Aino Virtanen", "aino.virtanen@kunta.fi"]),
            Err(ValidationCode::PasswordTooCommon)
        );
    }

    #[test]
    fn a_good_passphrase_is_accepted_and_length_still_counts() {
        assert_eq!(check_new_password("punainen tupa ja perunamaa", &[]), Ok(()));
        assert_eq!(check_new_password("Xk#9", &[]), Err(ValidationCode::PasswordTooShort));
    }
}
