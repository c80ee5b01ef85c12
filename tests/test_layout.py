"""The house rules: apis/ is what a user calls, tools are independent
scripts on the installed package, imports run down the layers, one writer."""
import ast
import re
from pathlib import Path

import gmae_bench.apis as apis

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / 'gmae_bench'
# a package may import only from packages at its level or below
LAYERS = [
    {'utils', 'visualization'},
    {
        'models', 'render', 'engine', 'datasets', 'zero_shot', 'registry',
        'batch_augments'
    },
    {'runtime'},
    {'apis'},
    {'study', 'benchmark'},
]


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            yield node.module or '', node.level
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, 0


def test_apis_holds_only_user_entry_points():
    assert sorted(apis.__all__) == [
        'export_encoder', 'images_to_inputs', 'init_model', 'reconstruct',
        'render_layers'
    ]
    assert {p.stem
            for p in (PKG / 'apis').glob('*.py')
            } == {'__init__', 'export', 'inference'}


def test_tools_import_no_tool_and_edit_no_sys_path():
    for tool in (ROOT / 'tools').glob('*.py'):
        src = tool.read_text()
        assert 'sys.path' not in src, tool.name
        for module, _ in _imports(tool):
            assert not module.startswith('tools'), (tool.name, module)


def _layer(name: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if name in names)


def test_imports_run_down_the_layers():
    for path in PKG.rglob('*.py'):
        rel = path.relative_to(PKG)
        if len(rel.parts) == 1 and rel.stem == '__init__':
            continue
        own = _layer(rel.parts[0].removesuffix('.py'))
        package = list(rel.parts[:-1])  # the module's own package
        for module, level in _imports(path):
            if level == 0 and module.startswith('gmae_bench.'):
                target = module.split('.')[1]
            elif level >= 1:
                # resolve the relative import against the module's package
                base = package[:len(package) - (level - 1)]
                parts = base + (module.split('.') if module else [])
                if not parts or (base and base[0] == rel.parts[0]):
                    continue  # within the same top-level package
                target = parts[0]
            else:
                continue
            if target in ('__init__', ''):
                continue
            assert _layer(target) <= own, f'{rel} imports {module}'


def test_one_file_writer():
    """Outputs go through engine.atomic_io: no direct savefig / json.dump /
    open(..., 'w') in the package or the tools."""
    for path in list(PKG.rglob('*.py')) + list((ROOT / 'tools').glob('*.py')):
        if path.name == 'atomic_io.py' or path.name == 'visualization.py':
            continue
        src = path.read_text()
        assert 'json.dump(' not in src, path.name
        assert not re.search(r'\.savefig\((?!buf)', src), path.name
        # (append-mode streams such as a run's log are not results)
        assert not re.search(r'(?<![.\w])open\([^)]*[\'"]w', src), \
            path.name
