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


# Warnings raised inside the pinned third-party stack that a user cannot
# act on; each is silenced where it is raised (module), with why.
# (category, message regex, module regex, why)
KNOWN_WARNINGS = [
    (DeprecationWarning, "__array__ implementation doesn't accept a copy",
     r'mmpretrain\.datasets\.mnist',
     "mmpretrain 1.2.0's (Fashion-)MNIST reader calls numpy 2's deprecated "
     '__array__ path once per image; the data it reads is unchanged'),
    (UserWarning, 'The given NumPy array is not writable',
     r'mmpretrain\.datasets\.mnist', 'the same reader hands torch a '
     'read-only buffer, which it copies before any write'),
    (DeprecationWarning, "__array__ implementation doesn't accept a copy",
     r'pycocotools\.mask', 'pycocotools 2.0.11 decodes masks through the '
     'same deprecated numpy path; the masks are unchanged'),
    (UserWarning, 'pkg_resources is deprecated as an API', '',
     'mmengine / mmcv import pkg_resources; setuptools is pinned below 81 '
     'on purpose (docs: the install notes)'),
    (UserWarning, r'``build_loss`` would be deprecated soon',
     r'mmseg\.models\.builder', "mmseg 1.2.2's own heads call build_loss"),
    (UserWarning, r'Default ``avg_non_ignore`` is False',
     r'mmseg\.models\.losses\.cross_entropy_loss',
     "mmseg's MAE recipe keeps the default (no 255 labels in the scenes)"),
]


def silence_known_warnings() -> None:
    """Filter :data:`KNOWN_WARNINGS` (``import gmae_bench`` does it)."""
    import warnings
    for category, message, module, _ in KNOWN_WARNINGS:
        warnings.filterwarnings(
            'ignore', message=message, category=category, module=module)
