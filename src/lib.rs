//! gongkai (公开): a static-site generator for a Chinese urban community's party-affairs and
//! residents'-affairs disclosures.
//!
//! The pipeline, one module a stage: `config` and `load` read the site, `model` turns files into
//! typed records, `derive` decides what is published and computes every fact that depends on the
//! day, `render` produces HTML through the theme, `emit` writes a fresh output directory and swaps
//! it in. `diag` carries every mistake, with file, line and column, to the person who made it.
//!
//! Around the pipeline: `build` runs it, `serve` runs it again on every change, `scaffold`
//! writes new records and sites, `edit` is the form editor. None of them prints; `cmd`, one file
//! a command, is the only code that writes to the terminal or chooses the exit status.

pub mod build;
pub mod build_cache;
pub mod calendar;
pub mod cmd;
pub mod config;
pub mod dates;
pub mod derive;
pub mod diag;
pub mod digest;
pub mod edit;
pub mod emit;
pub mod enums;
pub mod images;
pub mod ledger;
pub mod load;
pub mod markdown;
pub mod model;
pub mod privacy;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod sheet;
pub mod slug;
pub mod yaml;
