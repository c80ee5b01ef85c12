"""Both results pages agree with their kept report, and the kept report is
what the kept runs give: regenerated here from the kept files alone."""
from pathlib import Path

import pytest

from gmae_bench.study import check_page, write_study_report

ROOT = Path(__file__).resolve().parents[2]
PAGES = [('docs/results.md', 'docs/results'),
         ('docs/results_scenes.md', 'docs/results_scenes')]


@pytest.mark.parametrize('page, folder', PAGES)
def test_page_blocks_equal_the_kept_report(page, folder):
    tables = (ROOT / folder / 'tables.md').read_text()
    assert check_page(str(ROOT / page), tables) == [], (
        f'{page} disagrees with {folder}/tables.md: run scripts/study.sh '
        f'... --report-only --keep --page {page}')


@pytest.mark.parametrize('page, folder', PAGES)
def test_kept_report_is_regenerated_from_the_kept_runs(page, folder,
                                                       tmp_path):
    write_study_report(str(ROOT / folder / 'runs'), str(tmp_path))
    for name in ('tables.md', 'results.json'):
        fresh = (tmp_path / name).read_text()
        kept = (ROOT / folder / name).read_text()
        assert fresh == kept, f'{folder}/{name} is not what the kept runs give'


def test_check_page_names_a_disagreeing_block(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text('<!-- report:main -->\n| a |\n<!-- /report:main -->\n'
                    '<!-- report:gone -->\n<!-- /report:gone -->\n')
    assert check_page(str(page), '## main\n\n| a |\n') == ['gone']
    assert check_page(str(page), '## main\n\n| b |\n') == ['main', 'gone']
