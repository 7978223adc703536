#!/usr/bin/env python3
"""Helpers of scripts/bench: the benchmark corpus, the query set, and the search latency runs.

Subcommands:
  corpus SRC N OUT_JSONL OUT_GROONGA   write N records cycled from the laws corpus SRC (.jsonl.gz) as
                                       gongkai import rows and as a Groonga load file
  queries SRC COUNT SEED OUT           COUNT queries: random CJK substrings of 2-6 characters of the
                                       corpus plus common words, one per line
  search GK_URL GR_URL QUERIES ROUNDS  runs every query against both servers in alternating rounds,
                                       checks equal totals, prints p50/p99 of each and their ratios
  rss PID                              a process's resident set size, anonymous and file-backed parts, in MB
"""

import gzip
import http.client
import json
import random
import statistics
import sys
import time
import urllib.parse

COMMON_WORDS = ["信息公开", "食品安全", "消防", "人民政府", "行政处罚", "环境保护", "义务教育", "社会保险",
                "安全生产", "行政复议", "土地", "税收", "交通", "医疗", "城乡规划", "公共卫生"]


def read_laws(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def corpus(src, n, out_rows, out_groonga):
    docs = list(read_laws(src))
    n = int(n)
    with open(out_rows, "w", encoding="utf-8") as rows, open(out_groonga, "w", encoding="utf-8") as gr:
        gr.write("[\n")
        for i in range(n):
            d = docs[i % len(docs)]
            copy = i // len(docs)
            key = d["id"] if copy == 0 else f"{d['id']}-{copy}"
            title = d["title"] if copy == 0 else f"{d['title']}（第{copy}份）"
            row = {"id": key, "title": title, "body": d["body"], "date": d.get("date"),
                   "doc_number": d.get("doc_number")}
            rows.write(json.dumps(row, ensure_ascii=False) + "\n")
            gr.write(("," if i else "") + json.dumps({"_key": key, "title": title, "body": d["body"]},
                                                    ensure_ascii=False) + "\n")
        gr.write("]\n")


def is_cjk(ch):
    return "\u4e00" <= ch <= "\u9fff"


def queries(src, count, seed, out):
    rng = random.Random(int(seed))
    docs = list(read_laws(src))
    found = set()
    picked = list(COMMON_WORDS)
    while len(picked) < int(count):
        body = rng.choice(docs)["body"]
        length = rng.randint(2, 6)
        start = rng.randrange(0, max(1, len(body) - length))
        q = body[start:start + length]
        if len(q) == length and all(is_cjk(c) for c in q) and q not in found:
            found.add(q)
            picked.append(q)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(picked) + "\n")


class Client:
    """One keep-alive HTTP connection; get() returns (milliseconds, parsed JSON)."""

    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def get(self, path):
        t0 = time.perf_counter()
        self.conn.request("GET", path)
        resp = self.conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - t0) * 1000
        if resp.status != 200:
            raise SystemExit(f"{path}: HTTP {resp.status}: {body[:200]!r}")
        return ms, json.loads(body)


def gongkai_total(client, q):
    ms, v = client.get("/api/v1/search?per_page=10&q=" + urllib.parse.quote(q))
    return ms, v["total"]


def groonga_total(client, q):
    # A phrase query over title and body with the bigram index; snippets like a hit page.
    params = {"table": "Docs", "match_columns": "title||body", "query": '"' + q + '"',
              "limit": "10", "output_columns": "_key,title,snippet_html(body)",
              "command_version": "1"}
    ms, v = client.get("/d/select?" + urllib.parse.urlencode(params))
    return ms, v[1][0][0][0]


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def search(gk_url, gr_url, queries_file, rounds):
    qs = [q for q in open(queries_file, encoding="utf-8").read().split("\n") if q]
    gk, gr = Client(gk_url), Client(gr_url)
    gk_ms, gr_ms, mismatches = [], [], []
    for r in range(int(rounds)):
        # Alternate which engine goes first, so neither always meets a warmer machine.
        order = [("gk", gk), ("gr", gr)] if r % 2 == 0 else [("gr", gr), ("gk", gk)]
        for q in qs:
            totals = {}
            for name, client in order:
                if name == "gk":
                    ms, totals[name] = gongkai_total(client, q)
                    gk_ms.append(ms)
                else:
                    ms, totals[name] = groonga_total(client, q)
                    gr_ms.append(ms)
            if r == 0 and totals["gk"] != totals["gr"]:
                mismatches.append((q, totals["gk"], totals["gr"]))
    gk50, gk99 = percentile(gk_ms, 50), percentile(gk_ms, 99)
    gr50, gr99 = percentile(gr_ms, 50), percentile(gr_ms, 99)
    print(f"search: {len(qs)} queries x {rounds} rounds, per_page 10")
    print(f"  gongkai  p50 {gk50:.2f} ms  p99 {gk99:.2f} ms")
    print(f"  groonga  p50 {gr50:.2f} ms  p99 {gr99:.2f} ms")
    print(f"  ratio gongkai/groonga: p50 {gk50 / gr50:.2f}  p99 {gk99 / gr99:.2f}")
    print(f"  totals equal on {len(qs) - len(mismatches)} of {len(qs)} queries")
    for q, a, b in mismatches[:20]:
        print(f"    differs: {q!r}: gongkai {a}, groonga {b}")
    return 1 if mismatches else 0


def rss(pid):
    """Prints the resident set size, its anonymous part (heap, stacks) and its file-backed part
    (mapped files: the binary and the search index, which the kernel may drop and read again)."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                fields[key] = int(value.split()[0]) // 1024
    if "VmRSS" not in fields:
        return 1
    print(fields["VmRSS"], fields.get("RssAnon", 0), fields.get("RssFile", 0) + fields.get("RssShmem", 0))
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "corpus":
        corpus(*args)
    elif cmd == "queries":
        queries(*args)
    elif cmd == "search":
        return search(*args)
    elif cmd == "rss":
        return rss(*args)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
