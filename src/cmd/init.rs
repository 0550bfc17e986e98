//! `gongkai init`: what the new site holds and what to do next.

use super::Status;
use super::print::{say, say_err};
use crate::scaffold;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// 新网站的目录
    #[arg(value_name = "目录")]
    dir: PathBuf,
}

pub(super) fn run(args: &Args) -> Status {
    let site = match scaffold::init(&args.dir) {
        Ok(site) => site,
        Err(e) => {
            say_err(&format!("错误：{e}"));
            return Status::Failed;
        }
    };
    let shown = site.dir.display().to_string();
    let cd = if shown.contains(char::is_whitespace) {
        format!("\"{shown}\"")
    } else {
        shown.clone()
    };
    say(&format!(
        "已在 {shown} 新建网站：
  site.yaml   网站配置：标题、社区名称、网址、联系方式、组织架构
  content/    公示公告、会议记录、问题墙、服务清单各一篇示例，还有首页和“关于我们”
  static/     原样复制到网站根目录的文件

下一步：
  cd {cd} && gongkai serve
然后用浏览器打开 http://127.0.0.1:1111/ 预览。先把 site.yaml 里的社区名称和网址改成自己的，
再用 gongkai new notice \"标题\" 等命令新建记录，gongkai build 生成网站。
示例文字（示例社区、待填写等）和示例网址还没换掉时，gongkai check 会在所在的行提醒。"
    ));
    Status::Done
}
