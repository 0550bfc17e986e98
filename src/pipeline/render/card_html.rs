//! `card_html(url=card.url, level=N)`: the theme's `card` macro for one record, rendered once per
//! build and heading level and then reused by every list that shows the record. On a big site a
//! record sits in its section's list, in each of its tags' lists and in its unit's page, and
//! rendering its card again for each was the largest share of the list pages' time.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tera::{Context, Tera};

/// The templates `theme::compile` adds when the theme has `macros.html`: the `card` macro alone,
/// one template per heading level, so that a card's context holds the card and nothing else and
/// is made once, not copied for every render.
pub fn templates() -> impl Iterator<Item = (String, String)> {
    LEVELS.map(|level| {
        let text =
            format!("{{% import \"macros.html\" as m %}}{{{{ m::card(r=r, level={level}) }}}}");
        (template_name(level), text)
    })
}

const LEVELS: std::ops::RangeInclusive<i64> = 1..=6;

fn template_name(level: i64) -> String {
    format!("__gongkai/card-{level}.html")
}

/// One build's cards, by entry index, each made when first needed; shared by the pages and
/// `card_html`, which is told a card by its URL (so that Tera does not copy the card into the
/// function's arguments on every call).
pub struct CardStore {
    /// Entries by URL: one each, except in a build that already failed on a duplicate.
    by_url: HashMap<String, Vec<usize>>,
    /// Each card as the context of its own render: `{r: card}`.
    cards: Vec<OnceLock<Context>>,
}

static NO_CARD: Value = Value::Null;

impl CardStore {
    pub fn new<'a>(urls: impl ExactSizeIterator<Item = &'a str>) -> CardStore {
        let cards = (0..urls.len()).map(|_| OnceLock::new()).collect();
        let mut by_url: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, url) in urls.enumerate() {
            by_url.entry(url.to_string()).or_default().push(i);
        }
        CardStore { by_url, cards }
    }

    pub fn get_or_init(&self, i: usize, make: impl FnOnce() -> Value) -> &Value {
        let context = self.cards[i].get_or_init(|| {
            let card = serde_json::Map::from_iter([("r".to_string(), make())]);
            Context::from_value(Value::Object(card)).unwrap_or_default()
        });
        context.get("r").unwrap_or(&NO_CARD)
    }
}

/// The Tera function. It lives in one build's copy of the theme, so nothing outlives the build.
pub struct CardHtml {
    /// The theme as compiled, which renders `templates()`; `None` when it has no `macros.html`.
    theme: Option<Arc<Tera>>,
    store: Arc<CardStore>,
    /// HTML by (entry, heading level). A card depends only on its record: a Tera macro sees
    /// nothing but its arguments.
    done: Mutex<HashMap<(usize, i64), Arc<str>>>,
}

impl CardHtml {
    pub fn new(theme: Arc<Tera>, store: Arc<CardStore>) -> CardHtml {
        let first = template_name(*LEVELS.start());
        let has_cards = theme.get_template_names().any(|t| t == first);
        CardHtml {
            theme: has_cards.then_some(theme),
            store,
            done: Mutex::new(HashMap::new()),
        }
    }

    fn render(&self, card: &Context, level: i64) -> tera::Result<String> {
        let Some(theme) = &self.theme else {
            return Err(tera::Error::msg(
                "card_html 需要主题的 macros.html 里有 card(r, level) 宏",
            ));
        };
        theme.render(&template_name(level), card)
    }
}

impl tera::Function for CardHtml {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let url = args
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| tera::Error::msg("card_html 缺少参数 url（卡片的 url）"))?;
        let level = match args.get("level") {
            None => 3,
            Some(l) => l
                .as_i64()
                .filter(|l| LEVELS.contains(l))
                .ok_or_else(|| tera::Error::msg("card_html 的 level 应是 1 到 6 的整数"))?,
        };
        // Every card a template can reach was made before its page was rendered.
        let Some(entries) = self.store.by_url.get(url) else {
            return Err(tera::Error::msg(format!(
                "card_html：{url} 不是本站某条记录卡片的 url"
            )));
        };
        let made = |&i: &usize| Some((i, self.store.cards[i].get()?));
        let Some((i, card)) = entries.iter().find_map(made) else {
            // `serve` makes only the cards of the page it renders.
            return Err(tera::Error::msg(format!(
                "card_html：{url} 的卡片不在本页的上下文里，请只用本页拿到的卡片的 url"
            )));
        };
        if let Some(html) = self
            .done
            .lock()
            .ok()
            .and_then(|d| d.get(&(i, level)).cloned())
        {
            return Ok(Value::String(html.to_string()));
        }
        let html = self.render(card, level)?;
        if let Ok(mut done) = self.done.lock() {
            done.insert((i, level), html.as_str().into());
        }
        Ok(Value::String(html))
    }

    fn is_safe(&self) -> bool {
        true
    }
}
