//! `card_html(r=card, level=N)`: the theme's `card` macro for one record, rendered once per build
//! and heading level and then reused by every list that shows the record. On a big site a record
//! sits in its section's list, in each of its tags' lists and in its unit's page, and rendering its
//! card again for each was the largest share of the list pages' time.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};

/// The template `theme::compile` adds when the theme has `macros.html`: the `card` macro alone.
pub const TEMPLATE: &str = "__gongkai/card.html";
pub const TEMPLATE_TEXT: &str = "{% import \"macros.html\" as m %}{{ m::card(r=r, level=level) }}";

/// The Tera function. It lives in one build's copy of the theme, so nothing outlives the build.
pub struct CardHtml {
    /// The theme as compiled, which renders `TEMPLATE`.
    theme: Arc<Tera>,
    /// HTML by (record URL, heading level). A URL names one record, and a card depends only on
    /// its record (a Tera macro sees nothing but its arguments).
    done: Mutex<HashMap<(String, i64), Arc<str>>>,
}

impl CardHtml {
    pub fn new(theme: Arc<Tera>) -> CardHtml {
        CardHtml {
            theme,
            done: Mutex::new(HashMap::new()),
        }
    }

    fn render(&self, card: &Value, level: i64) -> tera::Result<String> {
        if !self.theme.get_template_names().any(|t| t == TEMPLATE) {
            return Err(tera::Error::msg(
                "card_html 需要主题的 macros.html 里有 card(r, level) 宏",
            ));
        }
        let mut ctx = Context::new();
        ctx.insert("r", card);
        ctx.insert("level", &level);
        self.theme.render(TEMPLATE, &ctx)
    }
}

impl tera::Function for CardHtml {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let card = args
            .get("r")
            .ok_or_else(|| tera::Error::msg("card_html 缺少参数 r（一张卡片）"))?;
        let level = match args.get("level") {
            None => 3,
            Some(l) => l
                .as_i64()
                .filter(|l| (1..=6).contains(l))
                .ok_or_else(|| tera::Error::msg("card_html 的 level 应是 1 到 6 的整数"))?,
        };
        let Some(url) = card["url"].as_str() else {
            // Not one of the site's cards: nothing to share it with.
            return self.render(card, level).map(Value::String);
        };
        let key = (url.to_string(), level);
        if let Some(html) = self.done.lock().ok().and_then(|d| d.get(&key).cloned()) {
            return Ok(Value::String(html.to_string()));
        }
        let html = self.render(card, level)?;
        if let Ok(mut done) = self.done.lock() {
            done.insert(key, html.as_str().into());
        }
        Ok(Value::String(html))
    }

    fn is_safe(&self) -> bool {
        true
    }
}
