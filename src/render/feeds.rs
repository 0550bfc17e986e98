//! Atom feeds, sitemap, robots.txt, iCalendar, Open311 and JSON Schemas (issue: feeds and open data).

use super::{Files, Rendered};
use crate::derive::Site;
use serde_json::Value;

pub fn add_feeds(_site: &Site, _cards: &[Value], _bodies: &[Rendered], _files: &mut Files) {}
