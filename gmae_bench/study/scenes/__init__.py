"""The scenes study: Mask R-CNN, UperNet and zero-shot layering on
composite scenes of Fashion-MNIST items."""
from .plan import SCALES, SceneRun, ScenesScale, plan
from .report import write_report
from .study import ScenesStudy

__all__ = ['SCALES', 'SceneRun', 'ScenesScale', 'ScenesStudy', 'plan',
           'write_report']
