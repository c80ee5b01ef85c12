"""Keep the pinned OpenMMLab stack importable beside newer libraries."""
import importlib.metadata


def skip_mmpretrain_multimodal() -> bool:
    """Leave mmpretrain's multimodal models as its own placeholders when
    transformers >= 5 is installed; returns True when it did.

    mmpretrain 1.2.0 imports its BLIP code whenever transformers >= 4.28 is
    present, and that code subclasses names transformers 5 no longer
    exports: every import of ``mmpretrain.models`` (and so of
    ``mmdet.models``) then fails with ``TypeError: NoneType takes no
    arguments``. GPU images often ship transformers 5; nothing here uses
    those multimodal models, so mmpretrain registers them as it does when
    transformers is absent. Must run before ``mmpretrain.models`` is
    imported (``import gmae_bench`` does it).
    """
    try:
        major = importlib.metadata.version('transformers').split('.')[0]
    except importlib.metadata.PackageNotFoundError:
        return False
    if not major.isdigit() or int(major) < 5:
        return False
    from mmpretrain.utils import dependency
    dependency.WITH_MULTIMODAL = False
    return True
