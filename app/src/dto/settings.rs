//! A person's own settings.

use serde::{Deserialize, Serialize};

use crate::domain::outbox::MessageKind;

/// One kind of e-mail and whether the person gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationChoice {
    pub kind: MessageKind,
    pub by_email: bool,
    /// Always sent (account access, escalations): shown, not changeable.
    pub mandatory: bool,
}
