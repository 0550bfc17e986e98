//! What every diagnostic code means, with a wrong and a right example: the text of
//! `gongkai explain CODE`, kept in one table so that a manual can be made from it too.
//! Adding a code: add one `Code { … }` entry below (a test fails until every code in the source
//! has one, and no entry is left for a code that no longer exists).

/// One code's explanation.
#[derive(Debug, Clone, Copy)]
pub struct Code {
    pub code: &'static str,
    /// A short name for the mistake.
    pub title: &'static str,
    /// What it means and why it matters, in a few sentences.
    pub meaning: &'static str,
    /// A wrong example, as written in a file.
    pub wrong: &'static str,
    /// The same example, right.
    pub right: &'static str,
}

pub const CODES: &[Code] = &[
    // ---------------------------------------------------------------- YAML and the keyboard
    Code {
        code: "E-YAML",
        title: "字段区的写法有误",
        meaning: "文件开头两行 --- 之间的字段用 YAML 格式书写：每行 `字段名: 值`，英文冒号后面一个空格；下一层缩进两个空格；文字里含有「: 」或以 * & ! % @ 等符号开头时，整段用英文引号括起来。提示会说明这一处具体哪里不对。",
        wrong: "title: 通知: 明天停水",
        right: "title: '通知: 明天停水'",
    },
    Code {
        code: "E-YAML-FULLWIDTH-COLON",
        title: "字段名后面用了全角冒号「：」",
        meaning: "中文输入法下打出的冒号是全角的「：」，YAML 只认英文冒号「:」。字段名和值之间要用英文冒号，后面再加一个空格。值里面的全角冒号不受影响。",
        wrong: "deadline：2026-10-31",
        right: "deadline: 2026-10-31",
    },
    Code {
        code: "E-YAML-FULLWIDTH-SPACE",
        title: "用了全角空格「　」",
        meaning: "中文输入法在全角状态下打出的空格是全角空格，看起来和普通空格差不多，但 YAML 不把它当空格。缩进和冒号后面的空格都要用半角空格（切换到英文输入法再按空格）。",
        wrong: "responsible:\n　　unit: 物业服务中心",
        right: "responsible:\n  unit: 物业服务中心",
    },
    Code {
        code: "E-YAML-TAB",
        title: "缩进里有制表符",
        meaning: "按 Tab 键打出的是制表符，YAML 的缩进不允许用它。缩进只用空格：同一层左对齐，下一层多缩进两个空格。很多编辑器可以设置成“按 Tab 键插入空格”。",
        wrong: "responsible:\n\tunit: 物业服务中心",
        right: "responsible:\n  unit: 物业服务中心",
    },
    Code {
        code: "E-YAML-INDENT",
        title: "缩进没有对齐",
        meaning: "YAML 靠缩进表示层次：同一层的字段左边对齐；只有冒号后面没有值的字段（如 responsible:）下面才能再缩进两个空格写下一层。已经有值的字段下面多缩进一行，或者缩进和上面哪一层都对不上，都读不通。",
        wrong: "title: 3号楼电梯异响\n  summary: 电梯运行时有异响",
        right: "title: 3号楼电梯异响\nsummary: 电梯运行时有异响",
    },
    Code {
        code: "E-YAML-COLON-SPACE",
        title: "冒号后面缺少空格",
        meaning: "YAML 要求字段名后的英文冒号后面跟一个空格，否则整行会被当成一段文字。",
        wrong: "title:关于加装电梯的公示",
        right: "title: 关于加装电梯的公示",
    },
    Code {
        code: "E-YAML-QUOTE-MISMATCH",
        title: "引号不成对：一头英文引号，一头中文引号",
        meaning: "用英文引号 \" 开头的文字必须用英文引号 \" 结尾（单引号 ' 也一样）。中文输入法常把结尾的引号打成中文引号 ” 或 ’，这样引号就没有结束。",
        wrong: "summary: \"关于5号楼加装电梯”",
        right: "summary: \"关于5号楼加装电梯\"",
    },
    Code {
        code: "E-YAML-QUOTE-UNCLOSED",
        title: "引号没有结束",
        meaning: "一段文字以英文引号开头，到这一段结束也没有找到结尾的同一种引号。在文字末尾补上引号，或者去掉开头的引号（不含特殊符号的文字不需要引号）。",
        wrong: "title: \"关于5号楼加装电梯的公示",
        right: "title: \"关于5号楼加装电梯的公示\"",
    },
    Code {
        code: "E-YAML-CURLY-QUOTE",
        title: "中文引号被当作 YAML 的引号",
        meaning: "中文引号 “ ” ‘ ’ 在 YAML 里只是普通文字，不能把含有「: 」等符号的文字括起来。想让中文引号显示在页面上，就在整段外面再加一层英文单引号；否则换成英文引号。",
        wrong: "title: “通知: 明天停水”",
        right: "title: '“通知: 明天停水”'",
    },
    Code {
        code: "E-YAML-ODD-SPACE",
        title: "有一个看起来像空格的特殊字符",
        meaning: "从 Word、WPS 或网页复制来的文字里常带有不换行空格、零宽空格等特殊字符，看起来像空格（或者根本看不见），YAML 却不把它当空格。删掉它，用键盘重新输入普通空格。",
        wrong: "responsible:\n  unit: 物业服务中心   （缩进里是从 Word 复制来的不换行空格）",
        right: "responsible:\n  unit: 物业服务中心   （缩进是用空格键输入的普通空格）",
    },
    Code {
        code: "E-YAML-LIST-MARKER",
        title: "列表项没有用英文减号开头",
        meaning: "YAML 的列表每项以英文减号「-」加一个空格开头。中文输入法打出的「－」「—」，或从 Word 复制来的项目符号「•」「·」都不行。",
        wrong: "measures:\n  － 清理堆物",
        right: "measures:\n  - 清理堆物",
    },
    Code {
        code: "E-YAML-QUOTE-INNER",
        title: "文字里的引号把外面的引号提前结束了",
        meaning: "一段用英文双引号括起来的文字里又有英文双引号，YAML 会认为引号在那里就结束了，后面的文字就多出来了。外面改用英文单引号（里面的单引号写两遍），或者把文字里的引号换成中文引号。",
        wrong: "title: \"关于\"停水\"的通知\"",
        right: "title: '关于\"停水\"的通知'",
    },
    Code {
        code: "E-FRONT-MATTER-DASH",
        title: "分隔行没有写成三个英文减号",
        meaning: "字段区的开头和结尾各是一行 ---：三个英文减号，这一行不写别的。中文输入法下按减号键打出的「——」「－－－」不算，两个或四个减号也不算。",
        wrong: "———\ntitle: 办事指南\n———",
        right: "---\ntitle: 办事指南\n---",
    },
    Code {
        code: "E-FIELD-FULLWIDTH",
        title: "字段名是全角字母",
        meaning: "中文输入法在全角状态下打出的英文字母（ｔｉｔｌｅ）和半角字母（title）看起来相近，却是不同的字符。字段名要用半角字母：切换到英文输入法，或把输入法切换成半角后重新输入。",
        wrong: "ｄｅａｄｌｉｎｅ: 2026-12-31",
        right: "deadline: 2026-12-31",
    },
    Code {
        code: "E-FIELD-CHINESE",
        title: "字段名写成了中文",
        meaning: "字段名（冒号前面的部分）要用规定的英文名，页面上显示的中文名称由网站自动加上。冒号后面的值照常写中文。",
        wrong: "完成时限: 2026-12-31",
        right: "deadline: 2026-12-31",
    },
    // ---------------------------------------------------------------- fields
    Code {
        code: "E-FIELD-MISSING",
        title: "缺少必填字段",
        meaning: "这一类记录必须写的字段没有写（或者写了但是空的）。提示会说明缺的是哪个字段和它的中文含义。用 gongkai new 新建的记录会列出所有字段。",
        wrong: "---\ntitle: 3号楼电梯异响\nid: 2026-017\ndate: 2026-11-01\n---",
        right: "---\ntitle: 3号楼电梯异响\nid: 2026-017\ndate: 2026-11-01\ndeadline: 2026-12-31\n---",
    },
    Code {
        code: "E-FIELD-UNKNOWN",
        title: "没有这个字段",
        meaning: "这一类记录没有这个字段名，多半是拼错了。提示会给出最接近的字段名，或者列出可以用的字段。自己的额外数据可以放在 extra 下面。",
        wrong: "titel: 3号楼电梯异响",
        right: "title: 3号楼电梯异响",
    },
    Code {
        code: "E-FIELD-TYPE",
        title: "字段的值类型不对",
        meaning: "这个字段要求一种特定的值：日期、整数、true/false、列表或键值表，这里写的是别的东西。",
        wrong: "tags: 加装电梯",
        right: "tags: [加装电梯]",
    },
    Code {
        code: "E-FIELD-VALUE",
        title: "字段的值不在允许的范围内",
        meaning: "值的类型对了，但内容不被接受：不在可选的几个值里、数字超出范围、引用的组织单元不存在、结束日期早于开始日期等。提示会列出可以写的值。",
        wrong: "status: done",
        right: "status: resolved",
    },
    Code {
        code: "E-DATE-IMPOSSIBLE",
        title: "日期不存在",
        meaning: "日期写成了日历上没有的一天，例如 11 月 31 日、平年的 2 月 29 日或 13 月。日期可以写 2026-11-05、2026-11-5、2026/11/5、2026.11.5 或 2026年11月5日。",
        wrong: "deadline: 2026-11-31",
        right: "deadline: 2026-11-30",
    },
    Code {
        code: "E-NO-FRONT-MATTER",
        title: "文件开头没有字段区",
        meaning: "每个记录文件都以两行 --- 括起来的字段开头（至少有 title），正文写在第二个 --- 之后。",
        wrong: "# 办事指南\n\n正文……",
        right: "---\ntitle: 办事指南\n---\n\n正文……",
    },
    Code {
        code: "E-FRONT-MATTER-OPEN",
        title: "字段区没有结束的 --- 行",
        meaning: "文件第一行是 ---，但字段写完后没有再写一行 --- 把字段区和正文分开。",
        wrong: "---\ntitle: 办事指南\n\n正文……",
        right: "---\ntitle: 办事指南\n---\n\n正文……",
    },
    // ---------------------------------------------------------------- records
    Code {
        code: "E-ECHO-FORBIDDEN",
        title: "问题还没办结，不能写回音壁",
        meaning: "echo（回音壁的办理结果）只能写在已办结的问题上：status 为 resolved、unresolvable 或 referred。还在办理中的问题用 progress 记录进展。",
        wrong: "status: in_progress\necho:\n  date: 2026-11-20\n  result: 已清理",
        right: "status: resolved\necho:\n  date: 2026-11-20\n  result: 已清理",
    },
    Code {
        code: "E-MEETING-REF",
        title: "找不到问题所写的会议",
        meaning: "问题的 meeting 字段要写 content/meetings/ 里一篇会议记录的文件名（带不带 .md 都可以），或者它的 slug。提示会列出标题最接近的三次会议和该写的名字。",
        wrong: "meeting: 十一月联席会",
        right: "meeting: 2026-11-lianxi",
    },
    Code {
        code: "E-ID-CLASH",
        title: "问题编号重复",
        meaning: "每个问题的 id 在全站必须唯一，它也是问题页面的网址。",
        wrong: "id: 2026-017   （另一个问题也是 2026-017）",
        right: "id: 2026-018",
    },
    Code {
        code: "E-ATTACHMENT",
        title: "找不到附件",
        meaning: "attachments 里列出的文件要放在记录所在的文件夹里（记录写成 名称/index.md 的形式），或放在 static/ 里并写成 /文件名。文件名要和磁盘上的完全一致。",
        wrong: "attachments:\n  - file: 名单.pdf   （文件夹里没有这个文件）",
        right: "attachments:\n  - file: mingdan.pdf\n    title: 名单",
    },
    Code {
        code: "E-PRIVACY",
        title: "公开内容里有个人信息",
        meaning: "身份证号、手机号、银行卡号不能出现在公开的内容里。手机号打码（138****1234），身份证号和银行卡号删除；确需公开时在 privacy_allow 里写明。",
        wrong: "联系人：张三 13812345678",
        right: "联系人：张三 138****5678",
    },
    Code {
        code: "E-URL-CLASH",
        title: "两条记录的网址相同",
        meaning: "两条记录生成了同一个网址（文件名或 slug 相同），后一条会覆盖前一条。改其中一个的文件名，或写不同的 slug。",
        wrong: "notices/tingshui.md 和 notices/tingshui/index.md",
        right: "notices/tingshui-11yue.md 和 notices/tingshui/index.md",
    },
    Code {
        code: "E-URL-RESERVED",
        title: "网址和网站自带的栏目重名",
        meaning: "notices、meetings、problems、search、tags 等是网站自带栏目的网址，普通页面不能用，slug 也不能是 page。",
        wrong: "content/search.md",
        right: "content/chaxun.md",
    },
    Code {
        code: "E-LINK",
        title: "链接或图片指向的文件不存在",
        meaning: "正文里的链接或图片找不到目标。相对路径从记录所在的文件夹算起（../ 是上一级）；以 / 开头的链接指向网站里的页面或 static/ 里的文件。",
        wrong: "[名单](/files/名单.pdf)   （static/files/ 里没有这个文件）",
        right: "[名单](/files/mingdan.pdf)   （文件在 static/files/mingdan.pdf）",
    },
    Code {
        code: "E-PATH-TOO-LONG",
        title: "文件名或文件夹名太长",
        meaning: "生成的网站里每一级文件名最多 255 个字节（一个汉字占 3 个字节，约 85 个汉字），否则很多系统无法写入。把文件名或 slug 改短。",
        wrong: "slug: 关于……（一百个字的标题）",
        right: "slug: dianti-gongshi",
    },
    // ---------------------------------------------------------------- site
    Code {
        code: "E-NO-SITE",
        title: "找不到 site.yaml",
        meaning: "命令要在网站的根目录（放 site.yaml 的目录）里运行，或者用 --root 指定这个目录。新建网站用 gongkai init 目录名。",
        wrong: "gongkai build   （在别的目录里运行）",
        right: "gongkai --root 网站目录 build",
    },
    Code {
        code: "E-SITE-EMPTY",
        title: "site.yaml 是空的",
        meaning: "site.yaml 至少要写 title（网站标题）、community（社区名称）和 base_url（网址）。",
        wrong: "（空文件）",
        right: "title: 幸福里社区党务居务公开\ncommunity: 幸福里社区\nbase_url: https://gongkai.xingfuli.cn/",
    },
    Code {
        code: "E-BASE-URL",
        title: "--base-url 不是完整的网址",
        meaning: "--base-url 要写以 http:// 或 https:// 开头的完整网址。",
        wrong: "gongkai build --base-url gongkai.xingfuli.cn",
        right: "gongkai build --base-url https://gongkai.xingfuli.cn/",
    },
    Code {
        code: "E-ENCODING",
        title: "文件不是 UTF-8 编码",
        meaning: "文本文件要保存为 UTF-8 编码。记事本、WPS 等编辑器在“另存为”里可以选择编码。",
        wrong: "用 GBK（ANSI）编码保存的 .md 文件",
        right: "用 UTF-8 编码另存的同一个文件",
    },
    Code {
        code: "E-READ",
        title: "文件读不出来",
        meaning: "这个文件或文件夹打不开：可能没有权限、正在被别的程序占用，或者已经被删除。",
        wrong: "content/notices/a.md   （没有读取权限）",
        right: "content/notices/a.md   （当前用户可以读取）",
    },
    Code {
        code: "E-TOO-LARGE",
        title: "文件太大",
        meaning: "一个 Markdown 文件超过了 4 MB（约两百万个汉字）。大的表格、图片和文件应作为附件放在记录的文件夹里。",
        wrong: "把整份扫描件的内容粘贴进 .md 文件",
        right: "attachments:\n  - file: saomiaojian.pdf\n    title: 扫描件",
    },
    Code {
        code: "E-MORE",
        title: "一个文件里的问题太多，没有全部列出",
        meaning: "一个文件最多列出 50 个问题，其余的只报一个总数（这一条），免得同一个错误重复成千上万次，把别的提示淹没。其余的里面有错误，所以这次没有生成网站。先改正列出的问题（常常是同一个错误反复出现，例如整段复制来的文字），再运行 gongkai check 查看剩下的。",
        wrong: "deadline: 2026-13-01   （同样的错误在一个文件里写了几百次）",
        right: "deadline: 2026-12-01",
    },
    Code {
        code: "W-MORE",
        title: "一个文件里的警告太多，没有全部列出",
        meaning: "一个文件最多列出 50 个问题，其余的只报一个总数（这一条）。没有列出的都是警告，网站照常生成；改正列出的问题后再运行 gongkai check 查看剩下的。",
        wrong: "![](1.jpg) ![](2.jpg) … ![](80.jpg)   （80 张图片都没有替代文字）",
        right: "![居民议事会现场](1.jpg) ![楼道清理前](2.jpg) …",
    },
    Code {
        code: "E-PAGE-TOO-LARGE",
        title: "一页的内容太多",
        meaning: "一条记录的正文最多有 20 万个段落、链接、强调、列表项之类的元素；再多，生成要花很长时间、占很多内存，居民的手机也打不开。常见于把整本台账或成千上万行的名单直接粘贴进正文。把内容分成几条记录，或者把名单做成表格文件嵌入。",
        wrong: "（正文里粘贴了几十万行的明细）",
        right: "![2026年低保名单](dibao-2026.xlsx)",
    },
    Code {
        code: "E-TABLE-TOO-LARGE",
        title: "一页的表格太大",
        meaning: "一条记录的正文里，Markdown 表格的单元格合计最多 10 万个（例如 1 万户、每户 10 列）。更大的表格生成很慢，在手机上也看不了。去掉用不着的列，或者把表格分到几条记录里。",
        wrong: "| 第1列 | 第2列 | … | 第5000列 |",
        right: "| 户主 | 人数 | 金额 |",
    },
    Code {
        code: "E-LINK-OUTSIDE",
        title: "符号链接指向网站目录以外",
        meaning: "content/ 或 static/ 里的符号链接（快捷方式）指向了网站目录外面，或者指向的位置不存在。把文件复制进网站目录。",
        wrong: "static/files -> /home/user/下载",
        right: "static/files/   （真实的文件夹，文件复制进来）",
    },
    Code {
        code: "E-HOLIDAYS",
        title: "holidays.yaml 的写法不对",
        meaning: "holidays.yaml 按年份分组，每年下面写 holidays（放假的日子）和 workdays（调休上班的日子）。",
        wrong: "holidays: [2027-10-01]",
        right: "2027:\n  holidays: [2027-10-01, 2027-10-02]\n  workdays: [2027-09-26]",
    },
    Code {
        code: "E-THEME",
        title: "找不到主题",
        meaning: "site.yaml 里 theme 写的主题不在 themes/ 目录里，也不是自带的 default。",
        wrong: "theme: hongse",
        right: "theme: default",
    },
    Code {
        code: "E-TEMPLATE",
        title: "主题模板有语法错误",
        meaning: "自己修改的主题模板（themes/名称/templates/ 里的 .html 文件）有 Tera 模板语法错误，例如标签没有结束。",
        wrong: "{% if page.title %}<h1>{{ page.title }}</h1>",
        right: "{% if page.title %}<h1>{{ page.title }}</h1>{% endif %}",
    },
    Code {
        code: "E-TEMPLATE-RENDER",
        title: "主题模板生成页面时出错",
        meaning: "模板语法没有错，但生成某个页面时用到了不存在的变量或过滤器。检查提示里的页面和模板。",
        wrong: "{{ page.titel }}",
        right: "{{ page.title }}",
    },
    Code {
        code: "E-WRITE",
        title: "输出目录写不进去",
        meaning: "生成的网站无法写入输出目录：可能没有权限、磁盘已满，或者输出目录放在了 content/ 里面。原来的输出目录保持不变。",
        wrong: "gongkai build --output content/output",
        right: "gongkai build --output output",
    },
    // ---------------------------------------------------------------- the 公开目录
    Code {
        code: "E-CATALOGUE-PRESET",
        title: "公开目录的预设不存在，或缺少它要的会议类型",
        meaning: "catalogue 的 preset 目前只有 三会一课。它要求 meeting_kinds 里有 党员大会、支委会、党课、主题党日、党小组会、党建联席会议、组织生活会；如果 site.yaml 自己写了 meeting_kinds，要包含这些类型。",
        wrong: "catalogue:\n  preset: 三会两课",
        right: "catalogue:\n  preset: 三会一课",
    },
    Code {
        code: "E-CATALOGUE-UNIT",
        title: "公开事项写了不存在的组织",
        meaning: "公开事项的 org 列出哪些组织各自应当公开，每一项都要是 site.yaml 的 org 树里有的组织编号（id）。",
        wrong: "org: [grid-9]",
        right: "org: [grid-1, grid-2]",
    },
    Code {
        code: "E-CATALOGUE-MATCH",
        title: "公开事项的 match 对不上任何记录",
        meaning: "match 说明哪些记录算作这一项的公开：section 是 notices、meetings、problems 或 services；kind 是这个栏目的类型（会议写 meeting_kinds 里的类型）；category 只用于公示公告，要是至少有一条公示公告用过的类别（防止把“财务”写成“财物”而永远对不上）。",
        wrong: "match: {section: notices, category: 财物}",
        right: "match: {section: notices, category: 财务}",
    },
    Code {
        code: "E-CATALOGUE-ID",
        title: "公开事项的编号重复",
        meaning: "每个公开事项的 id 在 catalogue 里只能出现一次（和预设里的某一项同名，是有意替换那一项，可以）。",
        wrong: "items:\n  - id: caiwu\n    …\n  - id: caiwu",
        right: "items:\n  - id: caiwu\n    …\n  - id: caiwu-jidu",
    },
    Code {
        code: "W-CATALOGUE-MISSING",
        title: "应公开的内容逾期未公开",
        meaning: "按公开目录，这个组织这一期应当公开的记录（如 10 月的支委会记录），到期限（期末加上 within_days 宽限天数）还没有发布。补上记录，日期写在这一期之内或宽限期内；确实没有开会，也应当如实公开说明。",
        wrong: "（第二网格党支部 10 月没有支委会记录）",
        right: "content/meetings/2026-10-grid2-zhiweihui.md\n---\ntitle: 第二网格党支部10月支委会\ndate: 2026-10-20\nkind: 支委会\norg: grid-2\n---",
    },
    // ---------------------------------------------------------------- photos and files
    Code {
        code: "E-IMAGE-HEIC",
        title: "苹果手机的 HEIC 照片不能直接发布",
        meaning: "iPhone 默认把照片存成 HEIC 格式，浏览器大多打不开，也无法可靠地去掉其中的拍摄位置。请先导出为 JPEG：在相册里选中照片，用“共享—存储到文件”时选“最兼容”，或在“设置—相机—格式”里选“兼容性最佳”，以后拍的照片就是 JPEG。",
        wrong: "![居民议事会现场](IMG_2041.HEIC)",
        right: "![居民议事会现场](IMG_2041.jpg)",
    },
    Code {
        code: "E-IMAGE-FORMAT",
        title: "不支持这种图片格式",
        meaning: "网站只发布 JPEG、PNG、WebP、GIF 和安全的 SVG 图片：这些格式能确认去掉了拍摄位置、相机和作者等信息。TIFF、BMP 等格式请另存为 JPEG 或 PNG；扫描的文件请存为 PDF 作为附件。",
        wrong: "![公示栏照片](scan.tiff)",
        right: "![公示栏照片](scan.jpg)",
    },
    Code {
        code: "E-IMAGE-BROKEN",
        title: "图片文件打不开",
        meaning: "文件的扩展名是图片，但内容读不出来：可能只传了一半，或者改了扩展名。用手机相册或画图软件重新导出为 JPEG 或 PNG。",
        wrong: "（把 名单.pdf 改名成 名单.jpg）\n![名单](名单.jpg)",
        right: "attachments:\n  - file: 名单.pdf\n    title: 名单",
    },
    Code {
        code: "E-SVG-UNSAFE",
        title: "SVG 图片里有脚本或外部链接",
        meaning: "SVG 图片可以带脚本、事件（onclick 等）、foreignObject 和外部链接，浏览器打开时会运行或去外网取东西。网站只发布不含这些的 SVG。用绘图软件重新导出（不勾选脚本和链接），或导出为 PNG。",
        wrong: "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\">…</svg>",
        right: "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\"><circle cx=\"32\" cy=\"32\" r=\"30\"/></svg>",
    },
    Code {
        code: "E-RUNNABLE-FILE",
        title: "网页或脚本文件不能作为附件",
        meaning: ".html、.htm、.xhtml、.js、.mjs 文件会在居民的浏览器里运行，不能作为附件或放在记录的文件夹里发布。把内容另存为 PDF 再附上，或者把文字写进记录正文。",
        wrong: "attachments:\n  - file: 通知.html\n    title: 通知",
        right: "attachments:\n  - file: 通知.pdf\n    title: 通知",
    },
    Code {
        code: "W-IMAGE-ALT",
        title: "图片没有替代文字",
        meaning: "方括号里的替代文字是读屏软件念给看不见图片的居民听的，图片加载不出来时也会显示它。写一句图片上是什么。",
        wrong: "![](photo.jpg)",
        right: "![居民议事会现场，二十多位居民围坐讨论](photo.jpg)",
    },
    Code {
        code: "E-SHEET",
        title: "表格文件不能嵌入或读取",
        meaning: "用 ![标题](名单.xlsx) 嵌入的表格（.xlsx、.xls、.ods、.csv）找不到、打不开、指定的工作表不存在或是隐藏的，或者表格太大；或者用普通链接 [..](名单.xlsx) 链到了表格文件——表格文件本身从不发布（它可能带着隐藏的行、列和工作表），只能嵌入成表格。items_from 的表格必须有「名称」列。",
        wrong: "[下载名单](dibao-q4.xlsx)",
        right: "![2026年第四季度低保名单](dibao-q4.xlsx)",
    },
    Code {
        code: "E-SHEET-CELL",
        title: "清单表格里的表头或单元格不对",
        meaning: "items_from 从表格读清单条目：第一行是表头，写条目的字段名（英文 name 或中文 名称 等）；每个单元格按对应字段检查：收费写 无偿/低偿/有偿，项目状态写 计划中/实施中/已完工/已验收，预算写数字（万元），受益人数写整数，所属组织写 site.yaml 里有的组织编号。提示里的 工作表!单元格 指出是哪一格。",
        wrong: "名称 | 收费\n理发 | 免费",
        right: "名称 | 收费\n理发 | 无偿",
    },
    Code {
        code: "E-SHEET-ATTACH",
        title: "表格文件不能作为附件",
        meaning: "Excel、WPS 表格和 CSV 文件里可能有隐藏的行、列和工作表（比如身份证号），作为附件发布就会被下载。把表格嵌入正文：![标题](文件.xlsx)，只发布看得见的部分；要附原件请另存为 PDF。",
        wrong: "attachments:\n  - file: 名单.xlsx\n    title: 名单",
        right: "![名单](名单.xlsx)",
    },
    // ---------------------------------------------------------------- the publication ledger
    Code {
        code: "E-LEDGER-BROKEN",
        title: "发布台账被改动过",
        meaning: "ledger/ 里的发布台账只能由 gongkai publish 追加。每一条都记着上一条的 SHA-256 哈希，连成一条链；手工修改、删除或调换某一条，或者改动 ledger/versions/ 里存档的文本，链就在那里断开。提示指出第一条对不上的记录。用版本库（如 Git）或备份恢复原来的 ledger/ 目录；改动记录要改 content/ 里的文件，再运行 gongkai publish。",
        wrong: "（在 ledger/ledger.jsonl 里把 \"title\":\"5号楼路灯不亮\" 手工改成 \"title\":\"5号楼路灯已修好\"）",
        right: "git checkout -- ledger/\n（改 content/problems/ludeng.md，然后）gongkai publish",
    },
    Code {
        code: "E-LEDGER-WRITE",
        title: "发布台账写不进去",
        meaning: "gongkai publish 无法锁定或写入网站目录下的 ledger/：可能没有写入权限，或者磁盘已满。台账保持原样，网站也没有重新生成。",
        wrong: "（ledger/ 目录只读）gongkai publish",
        right: "（给 ledger/ 写入权限后）gongkai publish",
    },
    Code {
        code: "W-LEDGER-UNRECORDED",
        title: "记录的改动还没有登记",
        meaning: "这个网站用 gongkai publish 登记每条记录的版本。这条记录（或它的附件）在最后一次登记之后又改过，或者是新记录还没有登记。build 照样生成，但页面上的“第N版”和修改记录不包括这次改动。确认改动无误后运行 gongkai publish。",
        wrong: "（改了 content/notices/dibao.md 之后）gongkai build",
        right: "（改了 content/notices/dibao.md 之后）gongkai publish",
    },
    Code {
        code: "W-LEDGER-PII",
        title: "旧版本里有个人号码",
        meaning: "发布台账存档的某个旧版本里有身份证号、手机号或银行卡号（当时也许写在 privacy_allow 里）。修改记录里这个号码已经遮盖显示；台账不能改动，只要确认现在的记录里已经没有这个号码即可。",
        wrong: "privacy_allow: [mobile]\n联系 13812345678",
        right: "联系社区服务中心 021-5555-1200",
    },
    // ---------------------------------------------------------------- warnings
    Code {
        code: "W-UNAPPROVED",
        title: "记录没有审批，不会发布",
        meaning: "site.yaml 里写了 require_approval: true，每条记录要有完整的 approval（审核人、审批人、审批日期）才会发布。",
        wrong: "title: 关于加装电梯的公示\n（没有 approval）",
        right: "approval:\n  reviewed_by: 李四\n  approved_by: 王五\n  approved_on: 2026-11-05",
    },
    Code {
        code: "W-EXPIRY",
        title: "写了 after_expiry 却没有写 expires",
        meaning: "after_expiry 说明到期后怎么处理，要和 expires（到期日期）一起写才生效。",
        wrong: "after_expiry: redact",
        right: "expires: 2026-12-31\nafter_expiry: redact",
    },
    Code {
        code: "W-ROUND",
        title: "写了 round 却没有 series",
        meaning: "round 是同一系列公示（如三榜公示）里的第几轮，要和 series（系列名称）一起写。",
        wrong: "round: 2",
        right: "series: 2026年低保评议\nround: 2",
    },
    Code {
        code: "W-PUBLICITY",
        title: "不是公示却写了公示期",
        meaning: "只有 kind: publicity（公示）才有公示期，其他种类的 publicity 不会显示。",
        wrong: "kind: announcement\npublicity:\n  start: 2026-11-17\n  end: 2026-11-23",
        right: "kind: publicity\npublicity:\n  start: 2026-11-17\n  end: 2026-11-23",
    },
    Code {
        code: "W-NO-CONTACT",
        title: "公示没有写意见反馈的联系方式",
        meaning: "公示期间居民可以提出意见，公示应写明向谁、怎么反映。",
        wrong: "kind: publicity\n（没有 contact）",
        right: "contact:\n  name: 社区党委\n  phone: 0571-8888 6666\n  address: 社区服务中心二楼",
    },
    Code {
        code: "W-PROJECT-FIELD",
        title: "这个字段只用于项目清单",
        meaning: "status、budget、funding、beneficiaries 只用于项目清单（kind: projects），写在别的清单里不会显示。",
        wrong: "kind: services\nitems:\n  - name: 助餐\n    budget: 12",
        right: "kind: projects\nitems:\n  - name: 老年食堂改造\n    budget: 12",
    },
    Code {
        code: "W-MARKDOWN-FULLWIDTH",
        title: "链接或图片用了中文符号",
        meaning: "正文里的链接写成 [文字](地址)，图片写成 ![说明](文件名)，方括号、圆括号和感叹号都要用英文的。中文输入法打出的「（」「）」「！」不会变成链接或图片，会原样显示在页面上。",
        wrong: "请下载[名单]（mingdan.pdf）",
        right: "请下载[名单](mingdan.pdf)",
    },
    Code {
        code: "W-PLACEHOLDER",
        title: "还留着示例文字",
        meaning: "gongkai init 和 gongkai new 写进文件的示例文字（示例社区、待填写等）还没有换成真实内容，直接发布会出现在网站上。",
        wrong: "community: 示例社区",
        right: "community: 幸福里社区",
    },
    Code {
        code: "W-EXAMPLE-DOMAIN",
        title: "网址还是示例域名",
        meaning: "site.yaml 的 base_url 还是 example.com、example.cn 这样的示例域名。网站的链接、订阅和二维码都会用这个网址，发布前改成真实网址。",
        wrong: "base_url: https://example.cn/",
        right: "base_url: https://gongkai.xingfuli.cn/",
    },
];

/// The entry for a code, whatever its case.
pub fn find(code: &str) -> Option<&'static Code> {
    let code = code.trim();
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Codes nearest to an unknown one, best first.
pub fn nearest(code: &str, n: usize) -> Vec<&'static str> {
    let wanted = code.trim().to_ascii_uppercase();
    let mut scored: Vec<(f64, &'static str)> = CODES
        .iter()
        .map(|c| {
            let mut score = strsim::normalized_levenshtein(&wanted, c.code);
            if !wanted.is_empty() && c.code.contains(wanted.as_str()) {
                score += 1.0;
            }
            (score, c.code)
        })
        .filter(|(score, _)| *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// The text `explain` prints.
pub fn render(c: &Code) -> String {
    let indent = |s: &str| {
        s.lines()
            .map(|l| format!("    {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let kind = if c.code.starts_with("W-") {
        "警告"
    } else {
        "错误"
    };
    format!(
        "{code}（{kind}）：{title}\n\n{meaning}\n\n错误的写法：\n{wrong}\n\n正确的写法：\n{right}",
        code = c.code,
        title = c.title,
        meaning = c.meaning,
        wrong = indent(c.wrong),
        right = indent(c.right),
    )
}

/// Text shown as written in Markdown: outside `code spans`, the characters that would start a
/// link, an image, HTML or emphasis are escaped (an explanation may show `![标题](名单.xlsx)`).
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for ch in text.chars() {
        if ch == '`' {
            in_code = !in_code;
        } else if !in_code && "[]<>*_!\\".contains(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// Every code as one page of the manual (`docs/content/errors/codes.md`), made by
/// `gongkai explain --all`, so the manual says exactly what `explain` says.
pub fn manual_page() -> String {
    let fence = |s: &str| format!("```yaml\n{s}\n```");
    let mut out = String::from(
        "---\ntitle: 全部错误和警告\nsummary: gongkai 会报告的每个错误和警告：是什么意思，错误的写法和正确的写法。\n# 个人信息一节的“错误的写法”里有一个示范用的手机号\nprivacy_allow: [mobile]\n---\n\n\
         <!-- 这一页由 gongkai explain --all 生成，和 gongkai explain 代码 的说明一字不差；不要手工修改。 -->\n\n\
         每一条的标题是代码和它的意思。命令行里运行 `gongkai explain 代码` 看到的是同样的说明。\n",
    );
    for c in CODES {
        let kind = if c.code.starts_with("W-") {
            "警告"
        } else {
            "错误"
        };
        out.push_str(&format!(
            "\n## {code}（{kind}）：{title}\n\n{meaning}\n\n错误的写法：\n\n{wrong}\n\n正确的写法：\n\n{right}\n",
            code = c.code,
            title = literal(c.title),
            meaning = literal(c.meaning),
            wrong = fence(c.wrong),
            right = fence(c.right),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Every `"E-…"` / `"W-…"` string literal in the source, found without regular expressions.
    fn codes_in_source() -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src readable").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("explain.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("utf-8 source");
                for (i, _) in text.match_indices("\"E-").chain(text.match_indices("\"W-")) {
                    let rest = &text[i + 1..];
                    let end = rest
                        .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'))
                        .unwrap_or(rest.len());
                    if rest[end..].starts_with('"') && end > 2 {
                        found.insert(rest[..end].to_string());
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_code_in_the_source_is_explained_and_no_other() {
        let used = codes_in_source();
        assert!(
            used.contains("E-YAML-FULLWIDTH-COLON") && used.len() > 30,
            "{used:?}"
        );
        let explained: BTreeSet<String> = CODES.iter().map(|c| c.code.to_string()).collect();
        let missing: Vec<&String> = used.difference(&explained).collect();
        let stale: Vec<&String> = explained.difference(&used).collect();
        assert!(
            missing.is_empty(),
            "codes without an explanation: {missing:?}"
        );
        assert!(
            stale.is_empty(),
            "explanations of codes that no longer exist: {stale:?}"
        );
        assert_eq!(explained.len(), CODES.len(), "a code explained twice");
    }

    #[test]
    fn every_entry_is_complete_and_chinese() {
        for c in CODES {
            for (what, text) in [("title", c.title), ("meaning", c.meaning)] {
                assert!(
                    text.chars()
                        .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                    "{} {what} is not Chinese",
                    c.code
                );
            }
            assert!(
                !c.wrong.trim().is_empty(),
                "{} has no wrong example",
                c.code
            );
            assert!(
                !c.right.trim().is_empty(),
                "{} has no right example",
                c.code
            );
            assert_ne!(c.wrong, c.right, "{}", c.code);
        }
    }

    #[test]
    fn lookup_and_nearest() {
        assert_eq!(find("e-yaml-tab").map(|c| c.code), Some("E-YAML-TAB"));
        assert!(find("E-NOPE").is_none());
        assert_eq!(nearest("E-YAML-FULLWIDTH", 3)[0], "E-YAML-FULLWIDTH-COLON");
        assert!(nearest("zzzzzzzzzzzzzzzzzz", 3).is_empty());
        let text = render(find("E-DATE-IMPOSSIBLE").expect("entry"));
        assert!(
            text.starts_with("E-DATE-IMPOSSIBLE（错误）：日期不存在\n"),
            "{text}"
        );
        assert!(
            text.contains("错误的写法：\n    deadline: 2026-11-31"),
            "{text}"
        );
        assert!(
            text.contains("正确的写法：\n    deadline: 2026-11-30"),
            "{text}"
        );
    }
}
