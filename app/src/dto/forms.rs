//! What a form needs across the redirect that follows a refused post.

use serde::{Deserialize, Serialize};

/// Where in the server-side session the kept values wait for the next page load.
pub const FLASH_KEY: &str = "form_flash";

/// The values a refused form held, keyed by the server function's endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormFlash {
    pub form: String,
    pub values: serde_json::Value,
}

impl FormFlash {
    /// The kept value of `field` (dotted for nested fields: `form.name`), when this flash is
    /// for `form`.
    pub fn value(&self, form: &str, field: &str) -> Option<String> {
        if self.form != form {
            return None;
        }
        let mut value = &self.values;
        for part in field.split('.') {
            value = value.get(part)?;
        }
        value.as_str().map(str::to_owned)
    }
}
