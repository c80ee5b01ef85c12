"""Fill a results page's report blocks from a study report's tables.md.

A page marks each table it shows with

    <!-- report:NAME -->
    ...
    <!-- /report:NAME -->

and ``fill_page`` replaces what lies between the markers with the table of
the ``## NAME`` section of tables.md (``tools/compare.py --page``), so the
page's numbers are the report's, never retyped.
"""
import re
from typing import Dict, List

from ...engine.atomic_io import write_text_atomic

_BLOCK = re.compile(r'(<!-- report:([\w-]+) -->\n)(.*?)(<!-- /report:\2 -->)',
                    re.S)
_OPEN = re.compile(r'<!-- report:([\w-]+) -->')


def report_tables(tables_md: str) -> Dict[str, str]:
    """The Markdown table of each ``## NAME`` section of tables.md (its
    ``|`` lines only; the notes under a table stay out)."""
    tables: Dict[str, str] = {}
    for section in re.split(r'^## ', tables_md, flags=re.M)[1:]:
        name, _, body = section.partition('\n')
        lines = [ln for ln in body.splitlines() if ln.startswith('|')]
        if lines:
            tables[name.strip()] = '\n'.join(lines) + '\n'
    return tables


def fill_page(page: str, tables_md: str) -> List[str]:
    """Replace the report blocks of the file ``page`` with the tables of
    ``tables_md`` (the text of a tables.md); returns the names filled.

    Nothing is written when a block is unclosed or names a table the report
    does not have (the error names the block and the tables there are)."""
    with open(page, encoding='utf-8') as f:
        text = f.read()
    tables = report_tables(tables_md)
    opened = _OPEN.findall(text)
    closed = [m.group(2) for m in _BLOCK.finditer(text)]
    unclosed = [n for n in opened if n not in closed]
    if unclosed:
        raise ValueError(
            f'{page}: block <!-- report:{unclosed[0]} --> has no closing '
            f'<!-- /report:{unclosed[0]} -->; add it and run again')
    missing = [n for n in closed if n not in tables]
    if missing:
        raise ValueError(
            f'{page}: block report:{missing[0]} names no table of the report '
            f'(it has: {", ".join(sorted(tables)) or "none"}); rename the '
            'block or finish the runs that make that table')
    new = _BLOCK.sub(lambda m: m.group(1) + tables[m.group(2)] + m.group(4),
                     text)
    if new != text:
        write_text_atomic(new, page)
    return closed


def check_page(page: str, tables_md: str) -> List[str]:
    """The report blocks of ``page`` whose table differs from the one in
    ``tables_md`` (the kept report's text), or that the report lacks;
    [] when the page agrees with its report."""
    with open(page, encoding='utf-8') as f:
        text = f.read()
    tables = report_tables(tables_md)
    return [
        m.group(2) for m in _BLOCK.finditer(text)
        if tables.get(m.group(2)) != m.group(3)
    ]
