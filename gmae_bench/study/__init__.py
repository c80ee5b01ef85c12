"""The MAE-vs-GMAE study on Fashion-MNIST (docs/results.md): what runs at
each scale (:mod:`.plan`), how an encoder is evaluated (:mod:`.probes`,
:mod:`.evaluate`), the runner that trains and resumes (:mod:`.runner`) and
the tables and figures (:mod:`.report`)."""
from .plan import ABLATIONS, SCALES, Run, Scale, plan
from .runner import Study, StudyError

__all__ = [
    'ABLATIONS', 'SCALES', 'Run', 'Scale', 'Study', 'StudyError', 'plan'
]
