"""The Fashion-MNIST study: classification of single items (probes,
fine-tuning, reconstruction, zero-shot figure-ground and edges)."""
from .plan import ABLATIONS, SCALES, Run, Scale, plan
from .report import write_report
from .study import FmnistStudy

__all__ = ['ABLATIONS', 'SCALES', 'FmnistStudy', 'Run', 'Scale', 'plan',
           'write_report']
