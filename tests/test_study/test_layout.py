"""The study package reads as a core plus one folder per study: the core
imports no study, a study imports no other study, no module is large."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / 'gmae_bench' / 'study'
STUDY_FOLDERS = ('fmnist', 'scenes')


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ''
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield 0, a.name


def test_core_imports_no_study_and_studies_not_each_other():
    for path in ROOT.rglob('*.py'):
        folder = path.relative_to(ROOT).parts[0]
        for level, module in _imports(path):
            absolute = module.startswith('gmae_bench.study.')
            name = module.split('.')[2] if absolute else (
                module.split('.')[0] if level == 2 else '')
            if folder == 'core':
                assert name not in STUDY_FOLDERS, (path, module)
            elif folder in STUDY_FOLDERS:
                assert name in ('', 'core', folder), (path, module)


def test_no_module_is_over_about_400_lines():
    for path in ROOT.rglob('*.py'):
        assert len(path.read_text().splitlines()) <= 420, path
