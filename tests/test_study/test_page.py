"""Results pages take their tables from the report (fill_page)."""
import pytest

from gmae_bench.study import fill_page
from gmae_bench.study.core.page import report_tables

TABLES = """# Scenes study

## tasks

| encoder | box AP |
|---|---|
| GMAE | 24.60 ± 0.28 (n=2) |

note under the table

## costs

| run | train s |
|---|---|
| det / gmae | 1514 (n=1) |
"""

PAGE = """# Results

text before
<!-- report:tasks -->
| encoder | box AP |
|---|---|
| GMAE | 1.00 (n=1) |
<!-- /report:tasks -->

middle, kept as written

<!-- report:costs -->
<!-- /report:costs -->
end
"""


def test_sections_hold_only_their_table_lines():
    tables = report_tables(TABLES)
    assert sorted(tables) == ['costs', 'tasks']
    assert 'note under' not in tables['tasks']
    assert tables['costs'].splitlines()[-1] == '| det / gmae | 1514 (n=1) |'


def test_blocks_get_the_report_tables_and_the_rest_stays(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text(PAGE)
    assert fill_page(str(page), TABLES) == ['tasks', 'costs']
    text = page.read_text()
    assert '24.60 ± 0.28 (n=2)' in text and '1.00 (n=1)' not in text
    assert '| det / gmae | 1514 (n=1) |\n<!-- /report:costs -->' in text
    assert text.startswith('# Results\n\ntext before\n')
    assert 'middle, kept as written' in text and text.endswith('end\n')
    # a second fill changes nothing
    assert fill_page(str(page), TABLES) == ['tasks', 'costs']
    assert page.read_text() == text


def test_a_block_without_a_table_is_named_and_nothing_written(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text(PAGE.replace('report:costs', 'report:labels'))
    before = page.read_text()
    with pytest.raises(ValueError, match='report:labels names no table.*'
                       'costs, tasks'):
        fill_page(str(page), TABLES)
    assert page.read_text() == before


def test_an_unclosed_block_is_named(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text(PAGE.replace('<!-- /report:costs -->\n', ''))
    before = page.read_text()
    with pytest.raises(ValueError, match='report:costs --> has no closing'):
        fill_page(str(page), TABLES)
    assert page.read_text() == before
