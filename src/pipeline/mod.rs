//! A build, one module a stage, typed data between them:
//!
//! ```text
//! config   site.yaml → SiteConfig; holidays.yaml → Calendar
//! load     content/ and static/ → Markdown files (front matter and body) and assets
//! model    front matter → typed records (Meeting, Notice, Problem, ServiceList, Page)
//! derive   records + Today → what is published, URLs, statuses, facts of the day; links
//! render   Markdown → HTML; plan → pages through the theme; generators → every other file
//! emit     every file → a fresh folder beside the output, swapped in when complete
//! ```
//!
//! `output` is what passes from render to emit: each file's content by its path, and the sink
//! that takes a file as soon as it is made. `build` runs the stages in that order for `build`, `check`, `publish` and `serve`; `cache`
//! lets a build with nothing to do skip them all. Every stage returns its mistakes as
//! diagnostics; none of them prints.

pub mod build;
pub mod cache;
pub mod config;
pub mod derive;
pub mod emit;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
