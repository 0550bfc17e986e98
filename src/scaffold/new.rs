//! `gongkai new`: one record of a kind, every field listed with a Chinese note.

use super::{DEFAULT_TZ, write_new};
use crate::calendar::Calendar;
use crate::dates::{Today, read_day};
use crate::diag::{SourceFile, io_zh};
use crate::pipeline::config::{self, DEFAULT_MEETING_KINDS};
use crate::slug::slugify;
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;
use unicode_width::UnicodeWidthStr;

/// Slugs are cut here: URLs end up in QR codes on paper notices, and file names have length limits.
const SLUG_MAX: usize = 48;
/// Comments line up at this display column unless the code is longer.
const COMMENT_COLUMN_MAX: usize = 36;
/// How long a new 公示 runs: `working_days` when the calendar knows the years, else seven days.
const PUBLICITY_WORKING_DAYS: u32 = 5;

/// What `new` takes from site.yaml; defaults when site.yaml has errors (check reports those).
struct SiteInfo {
    tz: TimeZone,
    meeting_kinds: Vec<String>,
    org_example: String,
    phone: Option<String>,
}

impl SiteInfo {
    fn defaults() -> SiteInfo {
        SiteInfo {
            tz: TimeZone::get(DEFAULT_TZ).unwrap_or(TimeZone::UTC),
            meeting_kinds: DEFAULT_MEETING_KINDS
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            org_example: "zongzhi".into(),
            phone: None,
        }
    }
}

/// The kinds of record `gongkai new` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Meeting,
    Notice,
    Problem,
    Service,
    Page,
}

/// A record `new` wrote.
#[derive(Debug)]
pub struct Created {
    /// Under the site, with `/` separators: `content/notices/2026-11-21-guanyu.md`.
    pub path: String,
}

/// Something `new` went on despite; told as it happens, before the file is written or refused.
#[derive(Debug, PartialEq, Eq)]
pub enum NewWarning {
    /// site.yaml does not load, so the time zone, meeting kinds and org id are the defaults.
    SiteDefaults,
}

impl fmt::Display for NewWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewWarning::SiteDefaults => {
                f.write_str("site.yaml 有错误（运行 gongkai check 查看），这次按默认设置填写")
            }
        }
    }
}

/// Why `new` wrote nothing. `EmptyTitle` and `BadDate` are mistakes in the command line; the rest
/// are about the site or the disk.
#[derive(Debug)]
pub enum NewError {
    EmptyTitle,
    BadDate {
        value: String,
        message: String,
        help: String,
    },
    NoSiteYaml {
        root: std::path::PathBuf,
    },
    ReadSiteYaml(io::Error),
    CreateDir {
        dir: &'static str,
        error: io::Error,
    },
    Exists {
        path: String,
    },
    Write {
        path: String,
        error: io::Error,
    },
}

impl fmt::Display for NewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NewError::EmptyTitle => {
                f.write_str("标题不能为空；例如 gongkai new notice \"关于张某某同志的公示\"")
            }
            NewError::BadDate {
                value,
                message,
                help,
            } => write!(
                f,
                "--date 的值「{value}」{message}；{help}，例如 --date 2026-11-21"
            ),
            NewError::NoSiteYaml { root } => write!(
                f,
                "在 {} 里找不到 site.yaml\n  在网站根目录运行，或用 --root 指定网站目录；还没有网站就先运行 gongkai init 目录名",
                root.display()
            ),
            NewError::ReadSiteYaml(error) => write!(f, "无法读取 site.yaml：{}", io_zh(error)),
            NewError::CreateDir { dir, error } => {
                write!(f, "无法创建目录 {dir}：{}", io_zh(error))
            }
            NewError::Exists { path } => write!(
                f,
                "{path} 已经存在，没有覆盖它；换一个标题或 --date，或者先把原文件改名"
            ),
            NewError::Write { path, error } => write!(f, "写入 {path} 失败：{}", io_zh(error)),
        }
    }
}

impl std::error::Error for NewError {}

/// Writes a new record of `kind` under `root`, never over an existing file; `warn` hears what it
/// went on despite.
pub fn new_record(
    root: &Path,
    kind: RecordKind,
    title: &str,
    date: Option<&str>,
    warn: &mut dyn FnMut(NewWarning),
) -> Result<Created, NewError> {
    if title.trim().is_empty() {
        return Err(NewError::EmptyTitle);
    }
    // A wrong --date is a command-line mistake, reported before anything about the site.
    let given = match date {
        Some(s) => match read_day(s) {
            Ok(d) => Some(d),
            Err(e) => {
                let (message, help) = e.explain();
                return Err(NewError::BadDate {
                    value: s.to_string(),
                    message,
                    help,
                });
            }
        },
        None => None,
    };
    let site = match read_site(root)? {
        Some(site) => site,
        None => {
            warn(NewWarning::SiteDefaults);
            SiteInfo::defaults()
        }
    };
    let date = given.unwrap_or_else(|| Today::from_clock(&site.tz).day);

    let slug = short_slug(title);
    let (dir, stem, text) = match kind {
        RecordKind::Meeting => (
            "content/meetings",
            dated_stem(date, &slug),
            meeting_text(title, date, &site),
        ),
        RecordKind::Notice => {
            let calendar = calendar_of(root);
            (
                "content/notices",
                dated_stem(date, &slug),
                notice_text(title, date, &site, &calendar),
            )
        }
        RecordKind::Problem => {
            let id = next_problem_id(&root.join("content/problems"), date.year());
            let stem = if slug.is_empty() {
                id.clone()
            } else {
                format!("{id}-{slug}")
            };
            (
                "content/problems",
                stem,
                problem_text(title, date, &id, &site),
            )
        }
        RecordKind::Service => (
            "content/services",
            dated_stem(date, &slug),
            service_text(title, date, &site),
        ),
        // Plain pages' URLs mirror their path, so no date in the name.
        RecordKind::Page => {
            let stem = if slug.is_empty() {
                format!("page-{date}")
            } else {
                slug.clone()
            };
            ("content", stem, page_text(title, date, &site))
        }
    };
    let path = format!("{dir}/{stem}.md");
    fs::create_dir_all(root.join(dir)).map_err(|error| NewError::CreateDir { dir, error })?;
    match write_new(&root.join(&path), &text) {
        Ok(()) => Ok(Created { path }),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(NewError::Exists { path }),
        Err(error) => Err(NewError::Write { path, error }),
    }
}

/// What site.yaml says, or `None` when it has errors (check reports those; `new` uses defaults).
fn read_site(root: &Path) -> Result<Option<SiteInfo>, NewError> {
    let bytes = match fs::read(root.join("site.yaml")) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(NewError::NoSiteYaml {
                root: root.to_path_buf(),
            });
        }
        Err(e) => return Err(NewError::ReadSiteYaml(e)),
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Ok(config::load_site(&SourceFile::new("site.yaml", text), None)
        .ok()
        .map(|cfg| SiteInfo {
            tz: cfg.tz,
            meeting_kinds: cfg.meeting_kinds,
            org_example: cfg
                .org
                .first()
                .map_or_else(|| "zongzhi".into(), |u| u.id.clone()),
            phone: cfg.contact.phone,
        }))
}

/// The built-in calendar plus holidays.yaml, to know whether `working_days` can be counted.
fn calendar_of(root: &Path) -> Calendar {
    let mut calendar = Calendar::builtin();
    if let Ok(text) = fs::read_to_string(root.join("holidays.yaml")) {
        // Mistakes in holidays.yaml are check's to report; here they only narrow the choice.
        let _ = config::load_holidays(&SourceFile::new("holidays.yaml", text), &mut calendar);
    }
    calendar
}

/// `slugify`, cut at a `-` so the file name and URL stay short.
pub(crate) fn short_slug(title: &str) -> String {
    let slug = slugify(title);
    if slug.len() <= SLUG_MAX {
        return slug;
    }
    // The slug is ASCII, so any byte index is a char boundary.
    let cut = &slug[..SLUG_MAX];
    match cut.rfind('-') {
        Some(i) if i > 0 => cut[..i].to_string(),
        _ => cut.trim_end_matches('-').to_string(),
    }
}

pub(crate) fn dated_stem(date: Date, slug: &str) -> String {
    if slug.is_empty() {
        date.to_string()
    } else {
        format!("{date}-{slug}")
    }
}

/// `YEAR-NNN`, one above the highest id of that year in `dir` (0 when there is none).
pub(crate) fn next_problem_id(dir: &Path, year: i16) -> String {
    let prefix = format!("{year:04}-");
    let highest = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| fs::read_to_string(e.path()).ok())
        .filter_map(|text| front_matter_id(&text))
        .filter_map(|id| {
            let n = id.strip_prefix(&prefix)?;
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            n.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}{:03}", highest.saturating_add(1))
}

/// The top-level `id:` of a file's front matter, read line by line (no YAML parse needed).
fn front_matter_id(text: &str) -> Option<String> {
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    for line in lines {
        if line.trim_end() == "---" {
            break;
        }
        if let Some(value) = line.strip_prefix("id:") {
            let value = value.split(" #").next().unwrap_or("").trim();
            return Some(value.trim_matches(|c| c == '"' || c == '\'').to_string());
        }
    }
    None
}

/// Chinese text as it is (as a person would write it); anything with ASCII in it quoted, to be safe.
fn plain_or_quoted(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| !c.is_ascii() && !c.is_whitespace() && !c.is_control())
    {
        s.to_string()
    } else {
        crate::yaml::quote(s)
    }
}

/// Front matter lines, each with its Chinese comment, lined up when written out.
#[derive(Default)]
struct FrontMatter {
    lines: Vec<(String, String)>,
}

impl FrontMatter {
    /// A line as written (commented-out ones start with `#`) and what it means; `note` may be empty.
    fn line(&mut self, code: impl Into<String>, note: impl Into<String>) -> &mut Self {
        self.lines.push((code.into(), note.into()));
        self
    }

    fn render(&self, body: &str) -> String {
        let column = self
            .lines
            .iter()
            .filter(|(_, note)| !note.is_empty())
            .map(|(code, _)| code.width())
            .filter(|w| *w <= COMMENT_COLUMN_MAX)
            .max()
            .unwrap_or(0)
            + 2;
        let mut out = String::from("---\n");
        for (code, note) in &self.lines {
            out.push_str(code);
            if !note.is_empty() {
                let pad = column.saturating_sub(code.width()).max(2);
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str("# ");
                out.push_str(note);
            }
            out.push('\n');
        }
        out.push_str("---\n\n");
        out.push_str(body);
        out
    }
}

/// The shared optional fields (content.md §2), all commented out except `draft`.
fn common_fields(fm: &mut FrontMatter, date: Date, site: &SiteInfo, slug_default: &str) {
    let later = date.saturating_add(1.year());
    fm.line(
        format!("# updated: {date}"),
        "更新日期：内容有实质修改时填写，页面显示“更新于”",
    )
    .line(
        "# slug: wangzhi-mingcheng",
        format!("网址名：只用英文、数字和 -，默认取{slug_default}"),
    )
    .line("# summary: 一句话摘要", "摘要：默认取正文第一段")
    .line("# tags: [标签一, 标签二]", "标签")
    .line(
        format!("# org: {}", site.org_example),
        "所属组织：填 site.yaml 里 org 的 id",
    )
    .line("draft: false", "设为 true 则不发布（草稿）")
    .line(
        "# attachments:",
        "附件：放在 static/ 下，或与本文件放进同一个文件夹",
    )
    .line("#   - file: /files/fujian.pdf", "文件路径")
    .line("#     title: 附件名称", "显示的名称")
    .line(
        "# approval:",
        "审核审批：site.yaml 设了 require_approval: true 时必填，否则不发布",
    )
    .line("#   reviewed_by: 审核人", "审核人（含保密审查）")
    .line("#   approved_by: 审批人", "审批人")
    .line(format!("#   approved_on: {date}"), "审批日期")
    .line(
        format!("# expires: {later}"),
        "到期日：过了这一天按 after_expiry 处理",
    )
    .line(
        "# after_expiry: keep",
        "到期后：keep 保留 | redact 只留标题和日期 | unlist 不再发布",
    )
    .line(
        "# privacy_allow: [mobile]",
        "允许公开的个人信息：id_number 身份证号 | mobile 手机号 | bank_card 银行卡号",
    )
    .line("# extra: {}", "给主题用的自由数据，不做检查");
}

fn meeting_text(title: &str, date: Date, site: &SiteInfo) -> String {
    // 党员大会 when the site allows it, else the site's first kind, so check passes as written.
    let kind = site
        .meeting_kinds
        .iter()
        .find(|k| *k == "党员大会")
        .or_else(|| site.meeting_kinds.first())
        .map_or_else(|| "党员大会".to_string(), |k| plain_or_quoted(k));
    let mut fm = FrontMatter::default();
    fm.line(
        format!("title: {}", crate::yaml::quote(title)),
        "标题（必填）",
    )
    .line(
        format!("date: {date}"),
        format!("会议日期（必填），可带时间：{date}T14:30:00+08:00"),
    )
    .line(
        format!("kind: {kind}"),
        format!("会议类型（必填）：{}", site.meeting_kinds.join("、")),
    )
    .line("# theme: 会议主题", "会议主题（一月一会一主题）")
    .line("# location: 社区党群服务中心会议室", "会议地点")
    .line("# host: 主持人", "主持人")
    .line("# recorder: 记录人", "记录人")
    .line("# attendance:", "出席人数")
    .line("#   expected: 20", "应到")
    .line("#   present: 18", "实到，不能多于应到")
    .line("#   on_leave: 2", "请假")
    .line("# participants:", "参加单位（共建单位等）")
    .line("#   - 共建单位名称", "每行写一个")
    .line("# decisions:", "一事一议：每个议题和会议的决定")
    .line("#   - item: 议题", "议题")
    .line("#     decision: 决定内容", "决定")
    .line(
        "#     votes: {for: 18, against: 0, abstain: 0}",
        "表决：赞成、反对、弃权",
    );
    common_fields(&mut fm, date, site, "文件名");
    fm.render("会议议程、讨论情况和决定事项写在这里（Markdown）。\n")
}

fn notice_text(title: &str, date: Date, site: &SiteInfo, calendar: &Calendar) -> String {
    let mut fm = FrontMatter::default();
    fm.line(
        format!("title: {}", crate::yaml::quote(title)),
        "标题（必填）",
    )
    .line(format!("date: {date}"), "发布日期（必填）")
    .line(
        "kind: publicity",
        "类型（必填）：publicity 公示 | announcement 公告 | notification 通知 | disclosure 公开",
    )
    .line(
        "# category: 发展党员",
        "分类：发展党员、低保、评先评优、财务、项目……",
    )
    .line(
        "publicity:",
        "公示期（公示必填，两头都算；其他类型删去这一段）",
    )
    .line(format!("  start: {date}"), "开始日期");
    // working_days needs the official holidays of every year it touches; otherwise a plain end date.
    let end = date.saturating_add(6.days());
    if calendar
        .nth_working_day(date, PUBLICITY_WORKING_DAYS)
        .is_ok()
    {
        fm.line(
            format!("  working_days: {PUBLICITY_WORKING_DAYS}"),
            "公示几个工作日，自动跳过周末和法定节假日",
        )
        .line(
            format!("  # end: {end}"),
            "或者写结束日期（end 和 working_days 只写一个）",
        );
    } else {
        fm.line(
            format!("  end: {end}"),
            "结束日期（end 和 working_days 只写一个）",
        )
        .line(
            format!("  # working_days: {PUBLICITY_WORKING_DAYS}"),
            "或者按工作日计算：需先在 holidays.yaml 写上该年的节假日安排",
        );
    }
    let phone = site
        .phone
        .as_deref()
        .map_or_else(|| "待填写".to_string(), plain_or_quoted);
    fm.line("contact:", "意见反馈的联系方式（公示应当填写）")
        .line("  name: 社区居委会", "联系人或部门")
        .line(format!("  phone: {phone}"), "电话")
        .line("  # address: 社区党群服务中心", "地点")
        .line("  # email: shequ@example.cn", "邮箱")
        .line(
            "# series: 系列名称",
            "同一事项的几轮公示（如三榜公示）写同一个系列名",
        )
        .line("# round: 1", "第几轮（写了 series 时必填）")
        .line("# withdrawn:", "撤回：仍然显示，标明已撤回")
        .line(format!("#   date: {date}"), "撤回日期")
        .line("#   reason: 撤回原因", "撤回原因（必须公开说明）");
    common_fields(&mut fm, date, site, "文件名");
    fm.render("公示、公告的正文写在这里（Markdown）。\n")
}

fn problem_text(title: &str, date: Date, id: &str, site: &SiteInfo) -> String {
    let deadline = date.saturating_add(30.days());
    let mut fm = FrontMatter::default();
    fm.line(format!("title: {}", crate::yaml::quote(title)), "问题名称（必填）")
        .line(format!("id: {id}"), "编号（必填）：全站唯一，也是网址")
        .line(format!("date: {date}"), "上墙日期（必填）")
        .line("# source: 居民反映", "来源：居民反映、网格巡查、党建联席会议、12345热线……")
        .line("# meeting: 会议文件名", "提出这个问题的会议：meetings/ 下的文件名，不带 .md")
        .line("# location: 几号楼", "地点")
        .line("responsible:", "责任主体（必填）")
        .line("  unit: 待填写", "责任单位（必填）")
        .line("  # person: 责任人", "责任人")
        .line("measures:", "整改措施（必填，至少一条）")
        .line("  - 待填写", "每条措施写一行")
        .line(format!("deadline: {deadline}"), "完成时限（必填），不早于上墙日期")
        .line("status: open", "办理状态（必填）：open 待办理 | in_progress 办理中 | resolved 已办结 | unresolvable 无法解决 | referred 已转办")
        .line("# progress:", "办理进展：按日期先后写，不早于上墙日期")
        .line(format!("#   - date: {date}"), "日期")
        .line("#     text: 进展情况", "进展")
        .line("# echo:", "回音壁：status 为 resolved、unresolvable、referred 时必填，其他状态不能写")
        .line(format!("#   date: {date}"), "办结日期")
        .line("#   result: 办理结果", "办理结果；无法解决的写原因，转办的写转给了谁")
        .line("#   evaluation: {satisfied: 0, basically: 0, unsatisfied: 0}", "居民评议：满意、基本满意、不满意的人数");
    common_fields(&mut fm, date, site, "编号");
    fm.render("问题的具体情况写在这里（Markdown）。\n")
}

fn service_text(title: &str, date: Date, site: &SiteInfo) -> String {
    let mut fm = FrontMatter::default();
    fm.line(format!("title: {}", crate::yaml::quote(title)), "标题（必填）")
        .line(format!("date: {date}"), "清单日期（必填）")
        .line("kind: services", "清单类型（必填）：services 服务清单 | resources 资源清单 | projects 项目清单 | needs 需求清单")
        .line("# provider: 社区居委会", "提供方")
        .line("# items_from: fuwu.csv", "或者把条目放在旁边的表格里（xlsx、xls、ods、csv），表头写 名称、类别、收费……；写了它就删除下面的 items")
        .line("items:", "条目（必填，至少一条）")
        .line("  - name: 待填写", "名称（必填）")
        .line("    # category: 养老服务", "分类：页面按分类分组")
        .line("    # provider: 提供方", "提供方")
        .line("    # target: 服务对象", "服务对象")
        .line("    # location: 地点", "地点")
        .line("    # hours: 周一至周五 8:30—17:00", "时间")
        .line("    # contact: 联系电话", "联系方式")
        .line("    # fee: free", "收费：free 无偿 | low_cost 低偿 | paid 有偿")
        .line("    # description: 说明", "说明")
        .line(format!("    # org: {}", site.org_example), "所属组织：site.yaml 里 org 的 id")
        .line("    # status: planned", "项目清单用：planned 计划中 | in_progress 实施中 | completed 已完工 | accepted 已验收")
        .line("    # budget: 10", "项目清单用：预算（万元）")
        .line("    # funding: 资金来源", "项目清单用：资金来源")
        .line("    # beneficiaries: 100", "项目清单用：受益人数");
    common_fields(&mut fm, date, site, "文件名");
    fm.render("清单的说明写在这里（Markdown）。\n")
}

fn page_text(title: &str, date: Date, site: &SiteInfo) -> String {
    let mut fm = FrontMatter::default();
    fm.line(
        format!("title: {}", crate::yaml::quote(title)),
        "标题（必填）",
    )
    .line(format!("date: {date}"), "发布日期（页面可以不写）");
    common_fields(&mut fm, date, site, "文件名");
    fm.render("页面正文写在这里（Markdown）。\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_date;
    use crate::yaml;

    fn d(s: &str) -> Date {
        parse_date(s).expect("test date")
    }

    #[test]
    fn quoted_titles_parse_back_exactly() {
        for title in [
            "a: b",
            "他说：\"好\" \\ 完",
            "# 不是注释",
            "- 列表?",
            "tab\there\nline",
            "'单引号'",
            "\u{7}x\u{2028}",
        ] {
            let text = format!("title: {}\n", crate::yaml::quote(title));
            let file = SourceFile::new("t.md", text.clone());
            let root = yaml::parse(&file, &text, 0)
                .expect("parses")
                .expect("not empty");
            let value = root
                .as_map()
                .and_then(|m| m.first())
                .and_then(|(_, v)| v.scalar())
                .map(str::to_string);
            assert_eq!(value.as_deref(), Some(title), "{text}");
        }
    }

    #[test]
    fn front_matter_id_reads_only_the_top_level_key() {
        assert_eq!(
            front_matter_id("---\ntitle: x\nid: \"2026-017\"  # 编号\n---\n").as_deref(),
            Some("2026-017")
        );
        assert_eq!(
            front_matter_id("---\ntitle: x\n  id: 2026-005\n---\nid: 2026-009\n"),
            None
        );
        assert_eq!(front_matter_id("no front matter\nid: 2026-001\n"), None);
    }

    #[test]
    fn slugs_are_cut_at_a_dash() {
        let long = short_slug("社区党总支关于开展二〇二六年度党员民主评议工作和组织生活会的通知");
        assert!(
            long.len() <= SLUG_MAX && !long.ends_with('-') && !long.is_empty(),
            "{long}"
        );
        assert_eq!(short_slug("3号楼"), "3-hao-lou");
    }

    #[test]
    fn notice_falls_back_to_an_end_date_outside_the_calendar() {
        let site = SiteInfo::defaults();
        let cal = Calendar::builtin();
        let covered = notice_text("t", d("2026-03-02"), &site, &cal);
        assert!(
            covered.contains("\n  working_days: 5") && covered.contains("\n  # end: 2026-03-08"),
            "{covered}"
        );
        let uncovered = notice_text("t", d("2031-03-03"), &site, &cal);
        assert!(
            uncovered.contains("\n  end: 2031-03-09")
                && uncovered.contains("\n  # working_days: 5"),
            "{uncovered}"
        );
    }

    /// What `new` returns is what the command layer words: the path it wrote, the warning it
    /// went on despite, and the refusal to write over that file, with the file left as it was.
    #[test]
    fn new_record_returns_the_path_its_warnings_and_its_refusal() {
        let tmp = tempfile::tempdir().expect("temp dir");
        fs::write(tmp.path().join("site.yaml"), "title: [\n").expect("site.yaml");
        let mut warnings = Vec::new();
        let run = |warnings: &mut Vec<NewWarning>| {
            new_record(
                tmp.path(),
                RecordKind::Page,
                "关于我们",
                Some("2026-11-21"),
                &mut |w| warnings.push(w),
            )
        };
        let created = run(&mut warnings).expect("written");
        assert_eq!(created.path, "content/guan-yu-wo-men.md");
        assert_eq!(warnings, [NewWarning::SiteDefaults]);
        fs::write(tmp.path().join(&created.path), "edited").expect("edit");
        match run(&mut warnings) {
            Err(NewError::Exists { path }) => assert_eq!(path, created.path),
            other => panic!("{other:?}"),
        }
        let kept = fs::read_to_string(tmp.path().join(&created.path)).expect("kept");
        assert_eq!(kept, "edited");
    }

    #[test]
    fn command_line_mistakes_come_before_the_site_is_read() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut never = |w: NewWarning| panic!("{w}");
        let empty = new_record(tmp.path(), RecordKind::Notice, " ", None, &mut never);
        assert!(matches!(empty, Err(NewError::EmptyTitle)), "{empty:?}");
        let bad = new_record(
            tmp.path(),
            RecordKind::Notice,
            "t",
            Some("2026-13-01"),
            &mut never,
        );
        match bad {
            Err(e @ NewError::BadDate { .. }) => assert!(
                e.to_string().starts_with("--date 的值「2026-13-01」"),
                "{e}"
            ),
            other => panic!("{other:?}"),
        }
        let no_site = new_record(tmp.path(), RecordKind::Notice, "t", None, &mut never);
        assert!(
            matches!(no_site, Err(NewError::NoSiteYaml { .. })),
            "{no_site:?}"
        );
        assert!(!tmp.path().join("content").exists(), "nothing written");
    }
}
