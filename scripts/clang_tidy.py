#!/usr/bin/env python3
"""clang-tidy (.clang-tidy's checks) on every source of src/, tests/ and bench/ of a compilation
database, on every core, remembering which files were clean. Run by scripts/lint.sh:

    scripts/clang_tidy.py --build build/lint [--jobs N]

A file is checked again only when what clang-tidy would see changes: the cache key is the
SHA-256 of clang-tidy's version, .clang-tidy, the file's compile flags and its preprocessed text
(every header it includes, without line markers, so that another checkout of the same code hits
the same entries). Entries live in $KANRI_TIDY_CACHE (default ~/.cache/kanri-clang-tidy).

Each finding is printed once (a header's appears once per file that includes it), as
`path:line:col: message [check]`; the exit status is 1 when there is one that KNOWN does not list.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

TIDY = "clang-tidy-14"
# The build's gcc-only warning options are unknown to clang.
TIDY_ARGS = ["--quiet", "--extra-arg=-Wno-unknown-warning-option"]
CHECKED_FOLDERS = ("src", "tests", "bench")

# Findings in the folders that issue 11's rework is rewriting (src/cwmp, src/devices, src/http,
# src/app): reported, but they do not fail the lint until the rework fixes them and removes them
# here. Keyed by file and check, not line, so that edits above them do not matter.
KNOWN: dict[tuple[str, str], str] = {}

FINDING = re.compile(r"^(/[^:]+):(\d+):(\d+): (?:warning|error): (.*) \[([^\]]+)\]$")


def compile_args(entry: dict) -> list[str]:
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ("-o", "-c"):
            skip = True
        else:
            out.append(a)
    return out


def cache_key(entry: dict, path: str, root: str, config: bytes, version: bytes) -> str:
    args = compile_args(entry)
    pre = subprocess.run(args + ["-E", "-P", path], cwd=entry["directory"], capture_output=True)
    h = hashlib.sha256()
    for part in (version, config, " ".join(a.replace(root, "<root>") for a in args).encode(), pre.stdout):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    if pre.returncode != 0:  # never cached as clean: clang-tidy will say what is wrong
        h.update(str(time.time()).encode())
    return h.hexdigest()


def findings_of(output: str, root: str) -> list[list]:
    found = []
    for line in output.splitlines():
        m = FINDING.match(line)
        if not m:
            continue
        path, row, col, message, checks = m.groups()
        check = next((c for c in checks.split(",") if not c.startswith("-")), checks)
        found.append([os.path.relpath(path, root), int(row), int(col), message, check])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/lint", help="a configured build directory")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cache", default=os.environ.get("KANRI_TIDY_CACHE")
                        or os.path.join(os.path.expanduser("~"), ".cache", "kanri-clang-tidy"))
    opts = parser.parse_args()
    started = time.monotonic()
    root = os.getcwd()
    cache = Path(opts.cache)
    cache.mkdir(parents=True, exist_ok=True)
    config = Path(".clang-tidy").read_bytes()
    version = subprocess.run([TIDY, "--version"], capture_output=True).stdout

    entries = {}
    for e in json.load(open(os.path.join(opts.build, "compile_commands.json"))):
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        rel = os.path.relpath(path, root)
        if rel.split(os.sep)[0] in CHECKED_FOLDERS:
            entries[path] = e

    def check(path: str) -> tuple[str, bool, int, list[list]]:
        key = cache_key(entries[path], path, root, config, version)
        entry = cache / key[:2] / key
        if entry.is_file():
            return path, True, 0, json.loads(entry.read_text())
        result = subprocess.run([TIDY, "-p", opts.build, *TIDY_ARGS, path], capture_output=True, text=True)
        found = findings_of(result.stdout + result.stderr, root)
        if result.returncode != 0 and not found:
            found = [[os.path.relpath(path, root), 0, 0, "clang-tidy failed: " + result.stderr.strip()[-2000:],
                      "clang-tidy"]]
        if all((f[0], f[4]) in KNOWN for f in found):  # clean, or only known findings: remember
            entry.parent.mkdir(exist_ok=True)
            tmp = entry.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(found))
            tmp.replace(entry)
        return path, False, result.returncode, found

    unique: dict[tuple, list] = {}
    hits = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        for _, hit, _, found in pool.map(check, sorted(entries)):
            hits += hit
            for f in found:
                unique.setdefault((f[0], f[1], f[2], f[4]), f)

    new = [f for f in unique.values() if (f[0], f[4]) not in KNOWN]
    known = [f for f in unique.values() if (f[0], f[4]) in KNOWN]
    for f in sorted(known):
        print(f"{f[0]}:{f[1]}:{f[2]}: known, left to the rework: {f[3]} [{f[4]}] ({KNOWN[(f[0], f[4])]})")
    for f in sorted(new):
        print(f"{f[0]}:{f[1]}:{f[2]}: {f[3]} [{f[4]}]")
    elapsed = time.monotonic() - started
    print(f"lint: clang-tidy: {len(entries)} files ({len(entries) - hits} checked, {hits} unchanged since a clean "
          f"check), {len(new)} findings, {len(known)} known; {elapsed:.0f} s on {opts.jobs} cores")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
