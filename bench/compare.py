#!/usr/bin/env python3
"""gongkai against Hugo on the same synthetic records: median wall time, peak RSS and ratios.

    python3 bench/compare.py [--records 1000,10000,50000] [--runs 5] [--work DIR]

For each size it writes a site with `examples/synth`, then builds it with gongkai and the same
Markdown files as plain Hugo pages (a minimal Hugo theme with list, single, taxonomy and home
pages, paginated like gongkai), alternating the two tools run by run so that a busy machine
slows both alike. Peak RSS is read from `/usr/bin/time -f %M` (Debian: apt-get install time
hugo). Standard library only.

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
    args = p.parse_args()
    for tool in ("hugo", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install hugo time")
    if not args.no_build:
        run(["cargo", "build", "--release", "--quiet", "--bin", "gongkai", "--example", "synth"], cwd=ROOT)
    work = args.work or tempfile.mkdtemp(prefix="gongkai-bench-")
    os.makedirs(work, exist_ok=True)
    # A copy, so that a rebuild of target/ during the runs cannot change what is measured.
    gongkai = os.path.join(work, "gongkai")
    shutil.copy2(os.path.join(ROOT, "target", "release", "gongkai"), gongkai)
    synth = os.path.join(ROOT, "target", "release", "examples", "synth")
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"{os.cpu_count()} cores; hugo {hugo_version}; {args.runs} alternating runs per size; medians\n")
    header = f"{'records':>8} {'gongkai s':>10} {'hugo s':>8} {'time ratio':>10} {'gongkai MiB':>12} {'hugo MiB':>9} {'RSS ratio':>9}"
    print(header)
    print("-" * len(header))
    outputs = []
    for n in [int(x) for x in args.records.split(",")]:
        site = os.path.join(work, f"site-{n}")
        hsite = os.path.join(work, f"hugo-{n}")
        # A reused --work keeps its sites: remaking them would delete 2 × N files just before
        # the runs (see the module's docstring).
        if not os.path.exists(hsite):
            run([synth, "--records", str(n), "--out", site])
            hugo_site(site, hsite)
        g, h = [], []
        for i in range(args.runs):
            g_out = fresh(os.path.join(work, f"out-gongkai-{n}-{i}"))
            h_out = fresh(os.path.join(work, f"out-hugo-{n}-{i}"))
            g_cmd = [gongkai, "--root", site, "build", "--now", NOW, "--output", g_out]
            h_cmd = ["hugo", "--quiet", "--source", hsite, "--destination", h_out]
            # Alternate which tool goes first, so neither always gets the warmer page cache.
            order = [(g_cmd, g), (h_cmd, h)]
            for cmd, acc in order if i % 2 == 0 else reversed(order):
                acc.append(timed(cmd))
            outputs += [g_out, h_out]
        gw, gm = statistics.median(x[0] for x in g), statistics.median(x[1] for x in g)
        hw, hm = statistics.median(x[0] for x in h), statistics.median(x[1] for x in h)
        print(f"{n:>8} {gw:>10.2f} {hw:>8.2f} {gw / hw:>10.2f} {gm / 1024:>12.0f} {hm / 1024:>9.0f} {gm / hm:>9.2f}", flush=True)
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
