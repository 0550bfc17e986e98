//! `gongkai new` and `gongkai init`: files a person then edits, which build as they are written.
//!
//! `new` lists every field of a record's kind: required ones filled with a placeholder that passes
//! `gongkai check`, optional ones commented out (the build refuses unknown or empty keys, so a
//! comment is the only way to show a field without setting it). `init` copies the example site in
//! `src/scaffold/init/`, with its dates moved relative to today.

use crate::calendar::Calendar;
use crate::cli::NewKind;
use crate::config::{self, DEFAULT_MEETING_KINDS};
use crate::dates::{Today, read_day};
use crate::diag::SourceFile;
use crate::slug::slugify;
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::fs;
use std::io::{self, Write as _};
use std::path::Path;
use std::process::ExitCode;
use unicode_width::UnicodeWidthStr;

const DEFAULT_TZ: &str = "Asia/Shanghai";
/// Slugs are cut here: URLs end up in QR codes on paper notices, and file names have length limits.
const SLUG_MAX: usize = 48;
/// Comments line up at this display column unless the code is longer.
const COMMENT_COLUMN_MAX: usize = 36;
/// How long a new 公示 runs: `working_days` when the calendar knows the years, else seven days.
const PUBLICITY_WORKING_DAYS: u32 = 5;

// ---------------------------------------------------------------------------------------------
// gongkai new

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

pub fn new_record(root: &Path, kind: NewKind, title: &str, date: Option<&str>) -> ExitCode {
    if title.trim().is_empty() {
        eprintln!("错误：标题不能为空；例如 gongkai new notice \"关于张某某同志的公示\"");
        return ExitCode::from(2);
    }
    // A wrong --date is a command-line mistake, reported before anything about the site.
    let given = match date {
        Some(s) => match read_day(s) {
            Ok(d) => Some(d),
            Err(e) => {
                let (message, help) = e.explain();
                eprintln!("错误：--date 的值「{s}」{message}；{help}，例如 --date 2026-11-21");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let site = match read_site(root) {
        Ok(site) => site,
        Err(code) => return code,
    };
    let date = given.unwrap_or_else(|| Today::from_clock(&site.tz).day);

    let slug = short_slug(title);
    let (dir, stem, text) = match kind {
        NewKind::Meeting => (
            "content/meetings",
            dated_stem(date, &slug),
            meeting_text(title, date, &site),
        ),
        NewKind::Notice => {
            let calendar = calendar_of(root);
            (
                "content/notices",
                dated_stem(date, &slug),
                notice_text(title, date, &site, &calendar),
            )
        }
        NewKind::Problem => {
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
        NewKind::Service => (
            "content/services",
            dated_stem(date, &slug),
            service_text(title, date, &site),
        ),
        // Plain pages' URLs mirror their path, so no date in the name.
        NewKind::Page => {
            let stem = if slug.is_empty() {
                format!("page-{date}")
            } else {
                slug.clone()
            };
            ("content", stem, page_text(title, date, &site))
        }
    };
    let rel = format!("{dir}/{stem}.md");
    if let Err(e) = fs::create_dir_all(root.join(dir)) {
        eprintln!("错误：无法创建目录 {dir}：{}", crate::diag::io_zh(&e));
        return ExitCode::from(1);
    }
    match write_new(&root.join(&rel), &text) {
        Ok(()) => {
            println!("{rel}");
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            eprintln!("错误：{rel} 已经存在，没有覆盖它；换一个标题或 --date，或者先把原文件改名");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("错误：写入 {rel} 失败：{}", crate::diag::io_zh(&e));
            ExitCode::from(1)
        }
    }
}

fn read_site(root: &Path) -> Result<SiteInfo, ExitCode> {
    let bytes = match fs::read(root.join("site.yaml")) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            eprintln!(
                "错误：在 {} 里找不到 site.yaml\n  在网站根目录运行，或用 --root 指定网站目录；还没有网站就先运行 gongkai init 目录名",
                root.display()
            );
            return Err(ExitCode::from(1));
        }
        Err(e) => {
            eprintln!("错误：无法读取 site.yaml：{}", crate::diag::io_zh(&e));
            return Err(ExitCode::from(1));
        }
    };
    let text = String::from_utf8_lossy(&bytes).into_owned();
    match config::load_site(&SourceFile::new("site.yaml", text), None) {
        Ok(cfg) => Ok(SiteInfo {
            tz: cfg.tz,
            meeting_kinds: cfg.meeting_kinds,
            org_example: cfg
                .org
                .first()
                .map_or_else(|| "zongzhi".into(), |u| u.id.clone()),
            phone: cfg.contact.phone,
        }),
        Err(_) => {
            eprintln!("警告：site.yaml 有错误（运行 gongkai check 查看），这次按默认设置填写");
            Ok(SiteInfo::defaults())
        }
    }
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

/// Creates the file only if it does not exist yet: refusing to overwrite cannot race.
fn write_new(path: &Path, text: &str) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
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

// ---------------------------------------------------------------------------------------------
// gongkai init

const INIT_SITE: &str = include_str!("scaffold/init/site.yaml");
const INIT_INDEX: &str = include_str!("scaffold/init/_index.md");
const INIT_ABOUT: &str = include_str!("scaffold/init/about.md");
const INIT_MEETING: &str = include_str!("scaffold/init/meeting.md");
const INIT_NOTICE: &str = include_str!("scaffold/init/notice.md");
const INIT_PROBLEM: &str = include_str!("scaffold/init/problem.md");
const INIT_SERVICE: &str = include_str!("scaffold/init/service.md");
const INIT_STATIC_NOTE: &str = include_str!("scaffold/init/weihu-shuoming.txt");

pub fn init(dir: &Path) -> ExitCode {
    if dir.exists() && !dir.is_dir() {
        eprintln!("错误：{} 已经存在，而且不是目录", dir.display());
        return ExitCode::from(1);
    }
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                eprintln!(
                    "错误：目录 {} 不是空的；gongkai init 只在新目录或空目录里建网站，不会覆盖已有文件",
                    dir.display()
                );
                return ExitCode::from(1);
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            eprintln!("错误：无法读取目录 {}：{e}", dir.display());
            return ExitCode::from(1);
        }
    }
    let tz = TimeZone::get(DEFAULT_TZ).unwrap_or(TimeZone::UTC);
    for (rel, text) in init_files(Today::from_clock(&tz).day) {
        let path = dir.join(&rel);
        let written = match path.parent() {
            Some(parent) => fs::create_dir_all(parent).and_then(|()| write_new(&path, &text)),
            None => write_new(&path, &text),
        };
        if let Err(e) = written {
            eprintln!("错误：写入 {} 失败：{e}", path.display());
            return ExitCode::from(1);
        }
    }
    let shown = dir.display().to_string();
    let cd = if shown.contains(char::is_whitespace) {
        format!("\"{shown}\"")
    } else {
        shown.clone()
    };
    println!("已在 {shown} 新建网站：");
    println!("  site.yaml   网站配置：标题、社区名称、网址、联系方式、组织架构");
    println!("  content/    公示公告、会议记录、问题墙、服务清单各一篇示例，还有首页和“关于我们”");
    println!("  static/     原样复制到网站根目录的文件");
    println!();
    println!("下一步：");
    println!("  cd {cd} && gongkai serve");
    println!(
        "然后用浏览器打开 http://127.0.0.1:1111/ 预览。先把 site.yaml 里的社区名称和网址改成自己的，"
    );
    println!("再用 gongkai new notice \"标题\" 等命令新建记录，gongkai build 生成网站。");
    println!(
        "示例文字（示例社区、待填写等）和示例网址还没换掉时，gongkai check 会在所在的行提醒。"
    );
    ExitCode::SUCCESS
}

/// Every file of the example site, as (path under the site, text), with dates set around `today`
/// so that the 公示 is running and the problem is open whenever init is run.
fn init_files(today: Date) -> Vec<(String, String)> {
    let day = |n: i32| today.saturating_add(n.days()).to_string();
    let problem_date = today.saturating_sub(5.days());
    let problem_id = format!("{:04}-001", problem_date.year());
    let vars: Vec<(&str, String)> = vec![
        ("ABOUT_DATE", day(-30)),
        ("SERVICE_DATE", day(-30)),
        ("MEETING_DATE", day(-7)),
        ("PROBLEM_DATE", problem_date.to_string()),
        ("PROBLEM_DEADLINE", day(25)),
        ("PROGRESS_DATE", day(-1)),
        ("NOTICE_DATE", day(-2)),
        ("NOTICE_END", day(4)),
        ("PROBLEM_ID", problem_id.clone()),
    ];
    let f = |tpl: &str| fill(tpl, &vars);
    vec![
        ("site.yaml".into(), INIT_SITE.to_string()),
        (".gitignore".into(), "output/\n.gongkai/\n".into()),
        ("content/_index.md".into(), f(INIT_INDEX)),
        ("content/about.md".into(), f(INIT_ABOUT)),
        (
            "content/meetings/dangjian-lianxi-huiyi.md".into(),
            f(INIT_MEETING),
        ),
        (
            "content/notices/fazhan-duixiang-gongshi.md".into(),
            f(INIT_NOTICE),
        ),
        (
            format!("content/problems/{problem_id}-loudao-duiwu.md"),
            f(INIT_PROBLEM),
        ),
        ("content/services/fuwu-qingdan.md".into(), f(INIT_SERVICE)),
        (
            "static/files/weihu-shuoming.txt".into(),
            INIT_STATIC_NOTE.to_string(),
        ),
    ]
}

/// Replaces each `{{NAME}}` in one pass, so substituted text is never scanned again.
fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            vars.iter()
                .find(|(k, _)| *k == &after[..end])
                .map(|(_, v)| (end, v))
        });
        match value {
            Some((end, v)) => {
                out.push_str(v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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
    fn fill_replaces_once_and_keeps_unknown_markers() {
        let vars = vec![("A", "{{B}}".to_string()), ("B", "b".to_string())];
        assert_eq!(fill("x{{A}}y{{B}}z{{C}}", &vars), "x{{B}}ybz{{C}}");
    }

    #[test]
    fn init_templates_have_no_unfilled_markers() {
        for (rel, text) in init_files(d("2026-01-02")) {
            assert!(!text.contains("{{"), "{rel} still has a marker");
        }
    }

    /// The example site must build without an error, with a running 公示 and an open problem,
    /// whatever day init runs on: year ends, leap days, years the calendar does not know. Its only
    /// warnings are the ones that remind a new site to replace the sample text and address.
    #[test]
    fn init_site_builds_clean_on_any_day() {
        use crate::build::{self, Options, Outcome};
        for today in ["2026-01-03", "2026-12-30", "2028-02-29", "2031-07-15"] {
            let tmp = tempfile::tempdir().expect("temp dir");
            for (rel, text) in init_files(d(today)) {
                let path = tmp.path().join("site").join(rel);
                fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
                fs::write(&path, text).expect("write");
            }
            let out = tmp.path().join("out");
            let opts = Options {
                root: tmp.path().join("site"),
                output: Some(out.clone()),
                now: Some(today.into()),
                drafts: false,
                base_url: None,
            };
            match build::run(&opts) {
                Outcome::Done { diags, .. } => {
                    assert!(
                        diags
                            .iter()
                            .all(|d| ["W-PLACEHOLDER", "W-EXAMPLE-DOMAIN"].contains(&d.code)),
                        "{today}: {diags:?}"
                    );
                    assert!(
                        diags.iter().any(|d| d.code == "W-EXAMPLE-DOMAIN"),
                        "{today}"
                    );
                    assert!(diags.iter().any(|d| d.code == "W-PLACEHOLDER"), "{today}");
                }
                Outcome::Failed(diags) => panic!("{today}: {diags:?}"),
                Outcome::BadNow(s) => panic!("{today}: bad now {s}"),
            }
            let json = |name: &str| -> serde_json::Value {
                let text = fs::read_to_string(out.join("data").join(name)).expect("export written");
                serde_json::from_str(&text).expect("valid JSON")
            };
            let notices = json("notices.json");
            assert_eq!(notices[0]["status"], "active", "{today}: {notices}");
            let problems = json("problems.json");
            assert_eq!(problems[0]["status"], "in_progress", "{today}: {problems}");
            assert_eq!(problems[0]["overdue"], false, "{today}: {problems}");
            let meetings = json("meetings.json");
            assert_eq!(
                meetings[0]["problems"][0], problems[0]["id"],
                "{today}: the problem names the meeting"
            );
        }
    }

    #[test]
    fn init_problem_id_follows_the_problem_date_year() {
        let files = init_files(d("2027-01-02"));
        assert!(
            files
                .iter()
                .any(|(rel, _)| rel == "content/problems/2026-001-loudao-duiwu.md")
        );
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
}
