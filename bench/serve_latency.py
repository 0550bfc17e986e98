#!/usr/bin/env python3
"""How long a one-record edit takes to reach the browser under `gongkai serve`.

    python3 bench/serve_latency.py [--records 100,10000] [--edits 20] [--work DIR]

For each size it writes a synthetic site, starts `gongkai serve` on a free loopback port, and
then, edit by edit, appends a unique sentence to one record and polls that record's page until
the HTTP response carries it. It prints the median, and the fastest and slowest edit, of the time
from the file write to that response. Standard library only; all traffic stays on 127.0.0.1.
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        return conn.getresponse().read().decode("utf-8", "replace")
    finally:
        conn.close()


def measure(gongkai, site, edits, timeout):
    meetings = sorted(os.listdir(os.path.join(site, "content", "meetings")))
    record = os.path.join(site, "content", "meetings", meetings[len(meetings) // 2])
    url_path = "/meetings/" + os.path.splitext(os.path.basename(record))[0] + "/"
    server = subprocess.Popen(
        [gongkai, "--root", site, "serve", "--port", "0", "--now", "2026-11-21"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        port = None
        for line in server.stdout:
            m = re.match(r"网站预览：http://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            sys.exit("gongkai serve did not start")
        # Keeps reading the server's output so that it never blocks on a full pipe.
        import threading

        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        with open(record, encoding="utf-8") as f:
            original = f.read()
        times = []
        for i in range(edits):
            # Letters, not a long number: a 16-digit run could pass the bank-card check.
            tag = "".join(chr(ord("a") + int(d)) for d in str(time.time_ns()))
            marker = f"第{i}次修改后的说明，标记{tag}。"
            time.sleep(0.3)  # lets the previous rebuild settle, as between two saves by a person
            start = time.perf_counter()
            with open(record, "w", encoding="utf-8") as f:
                f.write(original + "\n" + marker + "\n")
            while marker not in fetch(port, url_path):
                if time.perf_counter() - start > timeout:
                    sys.exit(f"edit {i} not served after {timeout} s")
                time.sleep(0.002)
            times.append(time.perf_counter() - start)
        with open(record, "w", encoding="utf-8") as f:
            f.write(original)
        return times
    finally:
        server.kill()
        server.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--records", default="100,10000")
    p.add_argument("--edits", type=int, default=20)
    p.add_argument("--timeout", type=float, default=120.0, help="seconds one edit may take")
    p.add_argument("--work")
    p.add_argument("--no-build", action="store_true", help="use target/release as it is")
    args = p.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "gongkai", "--example", "synth"], cwd=ROOT, check=True)
    work = args.work or tempfile.mkdtemp(prefix="gongkai-serve-")
    os.makedirs(work, exist_ok=True)
    gongkai = os.path.join(work, "gongkai")
    shutil.copy2(os.path.join(ROOT, "target", "release", "gongkai"), gongkai)
    synth = os.path.join(ROOT, "target", "release", "examples", "synth")
    print(f"{'records':>8} {'edits':>6} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for n in [int(x) for x in args.records.split(",")]:
        site = os.path.join(work, f"site-{n}")
        subprocess.run([synth, "--records", str(n), "--out", site], check=True, stdout=subprocess.DEVNULL)
        t = measure(gongkai, site, args.edits, args.timeout)
        ms = [x * 1000 for x in t]
        print(f"{n:>8} {len(ms):>6} {statistics.median(ms):>10.0f} {min(ms):>8.0f} {max(ms):>8.0f}", flush=True)
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
