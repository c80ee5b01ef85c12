"""The MAE-vs-GMAE studies: a core shared by every study
(:mod:`.core`: plan scheduling, locks, the store of results and kept
files, the statistics rule, the report writer) and one folder per study
(:mod:`.fmnist`: docs/results.md; :mod:`.scenes`: docs/results_scenes.md)
saying what runs, how each is trained and evaluated and what its report
shows. A new study is one new folder registered in :data:`STUDIES`."""
import json
import os.path as osp
from typing import List

from . import fmnist, scenes
from .core import RULE, Study, StudyError, check_page, fill_page

# --study name -> (study class, report writer)
STUDIES = {
    'fmnist': fmnist.FmnistStudy,
    'scenes': scenes.ScenesStudy,
}
_REPORTS = {'fmnist': fmnist.write_report, 'scenes': scenes.write_report}


def study_name(work_dir: str) -> str:
    """The study a work dir holds (its ``study.json``)."""
    with open(osp.join(work_dir, 'study.json')) as f:
        return json.load(f).get('study', 'fmnist')


def write_study_report(work_dir: str, out: str) -> List[str]:
    """Tables and figures of a study work dir (either study); returns the
    paths written."""
    return _REPORTS[study_name(work_dir)](work_dir, out)


__all__ = [
    'RULE', 'STUDIES', 'Study', 'StudyError', 'check_page', 'fill_page',
    'study_name', 'write_study_report'
]
