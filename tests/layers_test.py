#!/usr/bin/env python3
"""The layer table of docs/architecture.md, enforced on every `#include "..."` under src/.

The table is the single source of truth: this test parses it from the document (the Markdown
table under "### The layer table"), finds the library that owns each file under src/ (a row's
sources: a folder such as `devices/`, or file patterns such as `cwmp/soap.*`, which win over a
folder), and fails, naming file and line, on every include of a header whose library the
including file's row does not allow. Test code (`*_test.cpp`, `*_fuzzer.cpp`, `*_fixture.h`,
`test_*.h`, unless a row names the file itself) may also include its row's "its tests may also
include". It also checks that the table is layered (a row may include only rows above it) and
that its rows are exactly the libraries that src/*/CMakeLists.txt declares.

    python3 tests/layers_test.py            # from anywhere; ctest runs it as `layers`
    KANRI_SOURCE_DIR=/path/to/kanri python3 tests/layers_test.py
"""

from __future__ import annotations

import fnmatch
import os
import re
import tempfile
import unittest
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("KANRI_SOURCE_DIR") or Path(__file__).resolve().parent.parent)
DOC = "docs/architecture.md"
TABLE_HEADING = "### The layer table"
TEST_CODE_PATTERNS = ("*_test.cpp", "*_fuzzer.cpp", "*_fixture.h", "test_*.h")
CXX_SUFFIXES = {".h", ".hpp", ".ipp", ".cpp", ".cc"}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
CODE = re.compile(r"`([^`]+)`")


class TableError(Exception):
    """The layer table itself is missing or inconsistent."""


@dataclass
class Row:
    library: str
    sources: list[str]
    may_include: set[str]
    tests_may_include: set[str]
    line: int
    index: int = 0


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def by_name(self) -> dict[str, Row]:
        return {r.library: r for r in self.rows}


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def parse_table(doc_text: str, doc_name: str = DOC) -> Table:
    lines = doc_text.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == TABLE_HEADING)
    except StopIteration:
        raise TableError(f"{doc_name}: no heading '{TABLE_HEADING}'") from None
    i = start + 1
    while i < len(lines) and not lines[i].lstrip().startswith("|"):
        if lines[i].startswith("#"):
            raise TableError(f"{doc_name}:{start + 1}: no table under '{TABLE_HEADING}'")
        i += 1
    if i + 1 >= len(lines):
        raise TableError(f"{doc_name}:{start + 1}: no table under '{TABLE_HEADING}'")
    header = [h.lower() for h in _cells(lines[i])]

    def column(prefix: str) -> int:
        for n, h in enumerate(header):
            if h.startswith(prefix):
                return n
        raise TableError(f"{doc_name}:{i + 1}: the layer table has no column '{prefix}…'")

    c_lib, c_src, c_may, c_tests = column("library"), column("sources"), column("may include"), column(
        "its tests may also include")
    table = Table()
    i += 2  # the header and the |---| line
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        cells = _cells(lines[i])
        if len(cells) != len(header):
            raise TableError(f"{doc_name}:{i + 1}: {len(cells)} cells, the header has {len(header)}")
        names = CODE.findall(cells[c_lib])
        if len(names) != 1:
            raise TableError(f"{doc_name}:{i + 1}: the library cell must name one `library`")
        table.rows.append(
            Row(library=names[0], sources=CODE.findall(cells[c_src]), may_include=set(CODE.findall(cells[c_may])),
                tests_may_include=set(CODE.findall(cells[c_tests])), line=i + 1, index=len(table.rows)))
        i += 1
    if not table.rows:
        raise TableError(f"{doc_name}:{start + 1}: the layer table has no rows")
    return table


def table_problems(table: Table, doc_name: str = DOC) -> list[str]:
    """A row may include only rows above it (so there are no cycles), and names only rows."""
    problems = []
    rows = table.by_name()
    if len(rows) != len(table.rows):
        problems.append(f"{doc_name}: a library has two rows")
    for row in table.rows:
        if not row.sources:
            problems.append(f"{doc_name}:{row.line}: {row.library} names no sources")
        for dep in sorted(row.may_include | row.tests_may_include):
            if dep not in rows:
                problems.append(f"{doc_name}:{row.line}: {row.library} names {dep}, which has no row")
            elif dep == row.library:
                problems.append(f"{doc_name}:{row.line}: {row.library} names itself")
        for dep in sorted(row.may_include):
            if dep in rows and rows[dep].index > row.index:
                problems.append(f"{doc_name}:{row.line}: {row.library} may include {dep}, "
                                f"which is below it in the table (rows go from the bottom up)")
    return problems


def owner(table: Table, rel: str) -> tuple[Row | None, bool]:
    """The row owning src/<rel>, and whether the row names the file itself (not by folder)."""
    best: list[tuple[int, Row]] = []
    for row in table.rows:
        for pattern in row.sources:
            if pattern.endswith("/"):
                score = 1 if rel.startswith(pattern) else 0
            else:
                score = 2 if fnmatch.fnmatchcase(rel, pattern) else 0
            if score:
                best.append((score, row))
    if not best:
        return None, False
    top = max(s for s, _ in best)
    rows = {r.library: r for s, r in best if s == top}
    if len(rows) > 1:
        raise TableError(f"src/{rel} is owned by several rows: {', '.join(sorted(rows))}")
    return next(iter(rows.values())), top == 2


def is_test_code(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, p) for p in TEST_CODE_PATTERNS)


def violations(root: Path, table: Table) -> list[str]:
    src = root / "src"
    found = []
    for path in sorted(p for p in src.rglob("*") if p.is_file() and p.suffix in CXX_SUFFIXES):
        rel = path.relative_to(src).as_posix()
        row, named = owner(table, rel)
        if row is None:
            found.append(f"src/{rel}: no row of the layer table owns this file")
            continue
        test_code = is_test_code(rel) and not named
        allowed = {row.library} | row.may_include | (row.tests_may_include if test_code else set())
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            included = m.group(1)
            if (src / included).is_file():
                target = included
            elif (path.parent / included).is_file():
                target = (path.parent / included).resolve().relative_to(src.resolve()).as_posix()
            else:
                found.append(f"src/{rel}:{number}: #include \"{included}\" is no file under src/")
                continue
            target_row, _ = owner(table, target)
            if target_row is None:
                found.append(f"src/{rel}:{number}: #include \"{included}\": no row of the layer table owns it")
            elif target_row.library not in allowed:
                who = f"the tests of {row.library}" if test_code else row.library
                found.append(f"src/{rel}:{number}: #include \"{included}\": {who} may not include "
                             f"{target_row.library} ({DOC}, the layer table, line {row.line})")
    return found


def cmake_libraries(root: Path) -> set[str]:
    libs = set()
    for cmake in (root / "src").glob("*/CMakeLists.txt"):
        text = cmake.read_text(encoding="utf-8")
        libs |= {"kanri_" + n for n in re.findall(r"^\s*kanri_module\(\s*(\w+)", text, re.M)}
        # An INTERFACE library has no sources of its own (kanri_api bundles kanri_api_core and
        # the console's files): nothing of it to check.
        libs |= set(re.findall(r"^\s*add_library\(\s*(kanri_\w+)\b(?!\s+INTERFACE)", text, re.M))
    return libs


def load(root: Path) -> Table:
    return parse_table((root / DOC).read_text(encoding="utf-8"))


class LayersOfThisTree(unittest.TestCase):
    def test_the_table_is_layered(self):
        problems = table_problems(load(SOURCE_DIR))
        if problems:
            self.fail("the layer table is not layered:\n" + "\n".join(problems))

    def test_the_table_has_a_row_per_library_of_the_build(self):
        in_table = {r.library for r in load(SOURCE_DIR).rows}
        in_build = cmake_libraries(SOURCE_DIR)
        self.assertEqual(sorted(in_build - in_table), [], f"libraries of src/*/CMakeLists.txt missing from {DOC}")
        self.assertEqual(sorted(in_table - in_build), [], f"rows of {DOC} that src/*/CMakeLists.txt does not declare")

    def test_every_include_is_allowed(self):
        found = violations(SOURCE_DIR, load(SOURCE_DIR))
        if found:
            self.fail(f"{len(found)} include(s) that the layer table does not allow:\n" + "\n".join(found))


MINI_DOC = """# x

### The layer table

| library | sources in `src/` | owns | may include | its tests may also include |
| --- | --- | --- | --- | --- |
| `low` | `low/` | a | — | `helper` |
| `helper` | `low/helper.*` | b | `low` | — |
| `high` | `high/` | c | `low` | — |
"""


class TheChecker(unittest.TestCase):
    """The checker itself, on a tree made up here: it can fail, and says where."""

    def tree(self, files: dict[str, str], doc: str = MINI_DOC) -> Path:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        root = Path(tmp.name)
        for rel, text in {DOC: doc, **files}.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        return root

    def test_an_include_of_a_higher_library_is_named_with_file_and_line(self):
        root = self.tree({"src/low/a.h": "#pragma once\n#include \"high/b.h\"\n", "src/high/b.h": "#pragma once\n"})
        found = violations(root, load(root))
        self.assertEqual(len(found), 1, found)
        self.assertTrue(found[0].startswith('src/low/a.h:2: #include "high/b.h": low may not include high'), found)

    def test_allowed_includes_pass(self):
        root = self.tree({"src/low/a.h": "#pragma once\n", "src/high/b.cpp": '#include "low/a.h"\n#include "b.h"\n',
                          "src/high/b.h": ""})
        self.assertEqual(violations(root, load(root)), [])

    def test_a_file_pattern_wins_over_a_folder_and_tests_get_their_extras(self):
        root = self.tree({
            "src/low/helper.h": '#include "low/a.h"\n',
            "src/low/a.h": "",
            "src/low/a.cpp": '#include "low/helper.h"\n',
            "src/low/a_test.cpp": '#include "low/helper.h"\n',
        })
        found = violations(root, load(root))
        self.assertEqual(found, ['src/low/a.cpp:1: #include "low/helper.h": low may not include helper '
                                 f'({DOC}, the layer table, line 7)'])

    def test_a_row_that_includes_a_row_below_it_is_refused(self):
        doc = MINI_DOC.replace("| `low` | `low/` | a | — |", "| `low` | `low/` | a | `high` |")
        problems = table_problems(parse_table(doc))
        self.assertTrue(any("low may include high, which is below it" in p for p in problems), problems)

    def test_an_unknown_include_or_an_unowned_file_is_reported(self):
        root = self.tree({"src/high/b.cpp": '#include "nowhere/x.h"\n', "src/other/c.h": ""})
        found = violations(root, load(root))
        self.assertIn('src/high/b.cpp:1: #include "nowhere/x.h" is no file under src/', found)
        self.assertIn("src/other/c.h: no row of the layer table owns this file", found)


if __name__ == "__main__":
    unittest.main(verbosity=2)
