"""The core every study shares: the store of runs and kept files
(:mod:`.store`), run locks (:mod:`.locks`), scheduling and progress
(:mod:`.scheduler`), training through the tools (:mod:`.tools`), the study
base class (:mod:`.study`), the statistics rule (:mod:`.stats`) and the
report writer's pieces (:mod:`.tables`, :mod:`.page`)."""
from .page import check_page, fill_page
from .stats import RULE, Difference, compare
from .store import RunStore, StudyError
from .study import Study

__all__ = [
    'RULE', 'Difference', 'RunStore', 'Study', 'StudyError', 'check_page',
    'compare', 'fill_page'
]
