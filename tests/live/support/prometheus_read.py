#!/usr/bin/python3
"""Reads Prometheus text exposition with python3-prometheus-client's own parser and prints
its samples as JSON, for the C++ tests.

  prometheus_read.py scrape URL        one GET, its samples
  prometheus_read.py watch FILE SEC    reads FILE over and over for SEC seconds; every version
                                       (inode) must parse and end with the last family
"""
import json
import os
import sys
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

LAST_FAMILY = "ftnettrace_lost_events"


def samples(text):
    out = []
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out.append({"family": family.name, "type": family.type, "name": sample.name,
                        "labels": sample.labels, "value": sample.value})
    return out


def scrape(url):
    with urllib.request.urlopen(url, timeout=5) as answer:
        print(json.dumps({"status": answer.status,
                          "content_type": answer.headers.get("Content-Type", ""),
                          "samples": samples(answer.read().decode())}))


def watch(path, seconds):
    # Each rewrite is a new file renamed over the path: a version is an inode (and its change
    # time: a freed inode number comes back).
    seen, broken, last = set(), [], ""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with open(path) as f:
                st = os.fstat(f.fileno())
                inode = (st.st_ino, st.st_ctime_ns)
                if inode in seen:
                    continue
                text = f.read()
        except FileNotFoundError:
            continue
        seen.add(inode)
        last = text
        try:
            names = [s["family"] for s in samples(text)]
            if not text.endswith("\n") or LAST_FAMILY not in names:
                broken.append(text[-200:])
        except Exception as error:  # the parser's ValueError and friends
            broken.append(repr(error) + ": " + text[-200:])
    print(json.dumps({"versions": len(seen), "broken": broken,
                      "last": samples(last) if last and not broken else []}))


if __name__ == "__main__":
    if sys.argv[1] == "scrape":
        scrape(sys.argv[2])
    else:
        watch(sys.argv[2], float(sys.argv[3]))
