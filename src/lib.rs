//! gongkai (公开): a static-site generator for a Chinese urban community's party-affairs and
//! residents'-affairs disclosures.
//!
//! `pipeline` is a build, one module a stage: `config` and `load` read the site, `model` turns
//! files into typed records, `derive` decides what is published and computes every fact that
//! depends on the day, `render` produces every file through the theme and the generators, `emit`
//! writes a fresh output directory and swaps it in; `pipeline::build` runs them in order.
//! `diag` carries every mistake, with file, line and column, to the person who made it.
//!
//! Around the pipeline: `serve` runs it again on every change, `scaffold` writes new records and
//! sites, `edit` is the form editor, `ledger` keeps the publication ledger. None of them prints;
//! `cmd`, one file a command, is the only code that writes to the terminal or chooses the exit
//! status. The rest are components the stages share: `yaml`, `markdown`, `sheet`, `images`,
//! `privacy`, `dates`, `calendar`, `slug`, `digest`, `enums`.

pub mod calendar;
pub mod cmd;
pub mod dates;
pub mod diag;
pub mod digest;
pub mod edit;
pub mod enums;
pub mod images;
pub mod ledger;
pub mod markdown;
pub mod pipeline;
pub mod privacy;
pub mod scaffold;
pub mod serve;
pub mod sheet;
pub mod slug;
pub mod yaml;
