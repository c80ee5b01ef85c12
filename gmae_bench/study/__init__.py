"""The MAE-vs-GMAE studies: classification of Fashion-MNIST items
(docs/results.md; :mod:`.plan`, :mod:`.probes`, :mod:`.evaluate`) and
detection / segmentation / zero-shot layering on Fashion-MNIST scenes
(docs/results_scenes.md; :mod:`.scenes_plan`, :mod:`.scenes_eval`,
:mod:`.scenes`); the runner that trains and resumes (:mod:`.runner`) and
the tables and figures (:mod:`.report`, :mod:`.scenes_report`, :mod:`.page`)."""
from .page import fill_page
from .plan import ABLATIONS, SCALES, Run, Scale, plan
from .runner import Study, StudyError
from .scenes import ScenesStudy

STUDIES = {'fmnist': Study, 'scenes': ScenesStudy}


def write_study_report(work_dir: str, out: str) -> list:
    """Tables and figures of a study work dir (either study); returns the
    paths written."""
    import json
    import os.path as osp

    from . import report, scenes_report
    with open(osp.join(work_dir, 'study.json')) as f:
        name = json.load(f).get('study', 'fmnist')
    module = scenes_report if name == 'scenes' else report
    return module.write_report(work_dir, out)

__all__ = [
    'ABLATIONS', 'SCALES', 'STUDIES', 'Run', 'Scale', 'ScenesStudy', 'Study',
    'StudyError', 'fill_page', 'plan', 'write_study_report'
]
