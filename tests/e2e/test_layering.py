"""Dependencies point one way: container -> analyzers -> numpy/scipy/pyarrow; GE only in its adapter.

The analyzers are pure: no module under ``analyzers/`` imports the container, reads the environment,
touches the file system or changes logging beyond its own logger. The scanner walks each module's
whole syntax tree (function bodies, classes, conditionals, ``importlib``/``__import__`` calls), and
``test_the_scanner_catches`` proves that every rule fires, at the top level and nested.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

ANALYZERS = ROOT / "analyzers"
GE_ADAPTER = ANALYZERS / "quality" / "expectations.py"

IO_LIBRARIES = {"boto3", "botocore", "s3fs", "fsspec", "requests", "urllib3", "glob", "shutil", "tempfile", "fileinput"}
IO_MODULES = {"pyarrow.fs", "pyarrow.dataset", "logging.config", "logging.handlers"}
ENVIRONMENT = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
# Methods that only ever touch files (Path, pandas, pyarrow, numpy, os); matched by name on any object.
FILE_METHODS = {
    "open", "fdopen", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "touch", "mkdir",
    "makedirs", "rmdir", "unlink", "listdir", "scandir", "walk", "glob", "iglob", "rglob",
    "read_table", "write_table", "read_csv", "read_json", "read_parquet", "read_feather", "read_excel",
    "read_pickle", "read_fwf", "read_orc", "read_hdf", "read_sql", "to_csv", "to_parquet", "to_json",
    "to_pickle", "to_feather", "to_excel", "to_hdf", "loadtxt", "savetxt", "genfromtxt", "fromfile", "tofile",
}  # fmt: skip
# Names too common to match alone: file access only under these modules.
FILE_FUNCTIONS = {
    "numpy.load", "numpy.save", "numpy.savez", "numpy.savez_compressed", "numpy.memmap",
    "pickle.load", "pickle.dump", "json.load", "json.dump", "os.remove", "os.rename", "os.replace",
    "os.stat", "os.path.exists", "os.path.isfile", "os.path.isdir", "os.path.getsize",
}  # fmt: skip
LOGGING_CALLS = {"logging.basicConfig", "logging.disable", "logging.captureWarnings", "logging.setLoggerClass"}
LOGGER_CHANGES = {"setLevel", "addHandler", "removeHandler", "addFilter", "removeFilter"}
LOGGER_FIELDS = {"level", "propagate", "disabled", "handlers", "filters"}
DYNAMIC_IMPORTS = {"importlib.import_module", "importlib.__import__", "__import__", "builtins.__import__"}


@dataclass(frozen=True)
class Violation:
    line: int
    rule: str  # container | environment | files | logging | io-library | great_expectations
    what: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.rule}: {self.what}"


def _absolute(node: ast.ImportFrom, module: str) -> str:
    """The module an ``ImportFrom`` names, relative imports resolved against ``module``'s package."""
    if not node.level:
        return node.module or ""
    package = module.split(".")[: -node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def _aliases(tree: ast.AST, module: str) -> dict[str, str]:
    """Every name an import anywhere in the module binds, to what it stands for (``np`` -> ``numpy``)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """``pq.read_table`` -> ``pyarrow.parquet.read_table``; ``getattr(os, "environ")`` -> ``os.environ``."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else f"?.{node.attr}"
    if _is_getattr(node):
        assert isinstance(node, ast.Call)
        base = _dotted(node.args[0], aliases)
        return f"{base or '?'}.{node.args[1].value}"  # type: ignore[attr-defined]
    if isinstance(node, ast.Call):
        inner = _dotted(node.func, aliases)
        return f"{inner}()" if inner else None
    return None


def _is_getattr(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    )


def _own_loggers(tree: ast.AST, aliases: dict[str, str]) -> set[str]:
    """Names bound to ``logging.getLogger(__name__)``: the module's own logger, which it may configure."""
    own = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_own_logger(node.value, aliases):
            own.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return own


def _is_own_logger(node: ast.AST, aliases: dict[str, str]) -> bool:
    return (
        isinstance(node, ast.Call)
        and _dotted(node.func, aliases) == "logging.getLogger"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "__name__"
    )


def _imported(name: str, found: list[Violation], line: int, module: str, path: str | None) -> None:
    root = name.split(".")[0]
    if root == "container":
        found.append(Violation(line, "container", f"imports {name}"))
    if root in IO_LIBRARIES or any(name == m or name.startswith(m + ".") for m in IO_MODULES):
        found.append(Violation(line, "io-library", f"imports {name}"))
    if root == "great_expectations" and path != str(GE_ADAPTER):
        found.append(Violation(line, "great_expectations", f"imports {name} outside its adapter"))
    if root == "os" and _last(name) in ENVIRONMENT:
        found.append(Violation(line, "environment", f"imports {name}"))


def scan(source: str, module: str = "analyzers.sample", path: str | None = None) -> list[Violation]:
    """Every layering violation in one module's source, anywhere in its syntax tree."""
    tree = ast.parse(source)
    aliases = _aliases(tree, module)
    own = _own_loggers(tree, aliases)
    found: list[Violation] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                _imported(alias.name, found, line, module, path)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module)
            for alias in node.names:
                _imported(f"{base}.{alias.name}" if base else alias.name, found, line, module, path)
        elif isinstance(node, ast.Attribute | ast.Call) and (isinstance(node, ast.Attribute) or _is_getattr(node)):
            name = _dotted(node, aliases) or ""
            if _last(name) in ENVIRONMENT:
                found.append(Violation(line, "environment", name))
        elif isinstance(node, ast.Name) and aliases.get(node.id, "").startswith("os.") and _last(aliases[node.id]) in ENVIRONMENT:
            found.append(Violation(line, "environment", aliases[node.id]))
        if isinstance(node, ast.Call):
            _call(node, aliases, own, found, line, module, path)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Attribute) and target.attr in LOGGER_FIELDS and not _own(target.value, aliases, own):
                    found.append(Violation(line, "logging", f"sets {_dotted(target, aliases)}"))
    return sorted(set(found), key=lambda v: (v.line, v.rule, v.what))


def _own(node: ast.AST, aliases: dict[str, str], own: set[str]) -> bool:
    return (isinstance(node, ast.Name) and node.id in own) or _is_own_logger(node, aliases)


def _call(
    node: ast.Call, aliases: dict[str, str], own: set[str], found: list[Violation], line: int, module: str, path: str | None
) -> None:
    name = _dotted(node.func, aliases) or ""
    last = _last(name)
    if name in DYNAMIC_IMPORTS:
        target = node.args[0] if node.args else None
        if isinstance(target, ast.Constant) and isinstance(target.value, str):
            _imported(target.value, found, line, module, path)
        else:
            found.append(Violation(line, "container", f"{name} of a computed name (cannot be checked)"))
    if last in FILE_METHODS or name in FILE_FUNCTIONS:
        found.append(Violation(line, "files", f"calls {name}"))
    if name in LOGGING_CALLS or name.startswith(("logging.config.", "logging.root.")):
        found.append(Violation(line, "logging", f"calls {name}"))
    if isinstance(node.func, ast.Attribute) and last in LOGGER_CHANGES and not _own(node.func.value, aliases, own):
        found.append(Violation(line, "logging", f"calls {name} on a logger that is not the module's own"))


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _module_name(path: Path) -> str:
    """``analyzers.drift.linf``; a package's ``__init__`` keeps its last part, so ``from . import x``
    resolves to the package itself."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


ANALYZER_MODULES = sorted(ANALYZERS.rglob("*.py"))


def test_there_are_analyzers_to_scan():
    assert len(ANALYZER_MODULES) > 20 and GE_ADAPTER in ANALYZER_MODULES


@pytest.mark.parametrize("path", ANALYZER_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_analyzers_are_pure(path):
    found = scan(path.read_text(), _module_name(path), str(path))
    assert not found, f"{path.relative_to(ROOT)}:\n" + "\n".join(map(str, found))


# One line each; every one must be caught at the top level, in a function, and deeper in a method.
VIOLATIONS = [
    ("container", "import container"),
    ("container", "import container.contract as contract"),
    ("container", "from container.errors import ConfigError"),
    ("container", "from container import contract"),
    ("container", "from ... import container"),
    ("container", "from ...container import contract"),
    ("container", "import importlib; importlib.import_module('container.contract')"),
    ("container", "from importlib import import_module; import_module('container')"),
    ("container", "__import__('container.run')"),
    ("container", "import importlib; importlib.import_module(name)"),
    ("environment", "import os; os.environ['X'] = '1'"),
    ("environment", "import os; os.environ.setdefault('GX_ANALYTICS_ENABLED', 'false')"),
    ("environment", "import os; value = os.environ.get('X')"),
    ("environment", "import os; value = os.getenv('X')"),
    ("environment", "import os; os.putenv('X', '1')"),
    ("environment", "import os as system; system.environ['X'] = '1'"),
    ("environment", "from os import environ"),
    ("environment", "from os import getenv as g"),
    ("environment", "import os; env = getattr(os, 'environ')"),
    ("files", "text = open('x.csv').read()"),
    ("files", "with open(path, 'w') as f: f.write('x')"),
    ("files", "from pathlib import Path; Path('x').read_text()"),
    ("files", "path.read_bytes()"),
    ("files", "path.write_text('x')"),
    ("files", "path.write_bytes(b'x')"),
    ("files", "handle = path.open()"),
    ("files", "import io; io.open('x')"),
    ("files", "import gzip; gzip.open('x.gz')"),
    ("files", "import os; os.listdir('.')"),
    ("files", "import os; list(os.scandir('.'))"),
    ("files", "import os; list(os.walk('.'))"),
    ("files", "import glob; glob.glob('*.csv')"),
    ("files", "from glob import glob as find; find('*')"),
    ("files", "list(Path('.').rglob('*.json'))"),
    ("files", "import pyarrow.parquet as pq; pq.read_table('x.parquet')"),
    ("files", "from pyarrow.parquet import read_table; read_table('x')"),
    ("files", "import pandas as pd; pd.read_csv('x.csv')"),
    ("files", "import pandas as pd; pd.read_json('x.json')"),
    ("files", "import pandas as pd; pd.read_parquet('x.parquet')"),
    ("files", "frame.to_csv('out.csv')"),
    ("files", "import numpy as np; np.load('x.npy')"),
    ("files", "import json; json.load(handle)"),
    ("files", "import os; os.remove('x')"),
    ("logging", "import logging; logging.basicConfig(level=logging.INFO)"),
    ("logging", "import logging; logging.disable(logging.INFO)"),
    ("logging", "from logging import disable; disable(50)"),
    ("logging", "import logging; logging.getLogger().setLevel(logging.DEBUG)"),
    ("logging", "import logging; logging.getLogger('great_expectations').setLevel(50)"),
    ("logging", "import logging; logging.getLogger(name).setLevel(logging.CRITICAL)"),
    ("logging", "import logging; logging.root.setLevel(10)"),
    ("logging", "import logging; other = logging.getLogger('x'); other.addHandler(handler)"),
    ("logging", "import logging; logging.getLogger('pandas').propagate = False"),
    ("logging", "import logging.config; logging.config.dictConfig({})"),
    ("io-library", "import boto3"),
    ("io-library", "from botocore.config import Config"),
    ("io-library", "import shutil"),
    ("great_expectations", "import great_expectations as gx"),
]

CLEAN = [
    "import math\nimport numpy as np\nfrom analyzers.kll import KllSketch\nx = np.cumsum(np.ones(3))",
    "import json\ndoc = json.loads('{}')\ntext = json.dumps(doc)",
    "from . import kll\nfrom ..types import InferredType",
    "name = 'a.b'.replace('.', '_')\nitems = [1, 2]\nitems.remove(1)",
    "import logging\nlogging.getLogger(__name__).warning('x')",
    "import logging\nlog = logging.getLogger(__name__)\nlog.setLevel(logging.INFO)\nlog.info('x')",
    "settings = {'environment': 1}\nvalue = settings.get('environment')\nopen_count = 0\nopened = True",
    "import pandas as pd\nframe = pd.DataFrame({'a': [1]})\nseries = pd.to_numeric(frame['a'])",
    "from pathlib import PurePosixPath\nname = PurePosixPath('a/b').name",
    "import pyarrow as pa\nimport pyarrow.compute as pc\ntable = pa.table({'a': [1]})\nn = pc.sum(table['a'])",
    "import importlib.util\nspec = importlib.util.find_spec('numpy')",
]


def _nested(line: str) -> list[str]:
    body = "\n".join(line.split("; "))
    return [
        body,
        "def f(path, frame, handle, name, handler):\n" + textwrap.indent(body, "    "),
        "class C:\n    def m(self):\n        if True:\n            try:\n"
        + textwrap.indent(body, " " * 16)
        + "\n            except Exception:\n                pass",
    ]


@pytest.mark.parametrize(("rule", "line"), VIOLATIONS, ids=[line for _, line in VIOLATIONS])
def test_the_scanner_catches(rule, line):
    for source in _nested(line):
        found = scan(source, "analyzers.quality.sample", str(ANALYZERS / "quality" / "sample.py"))
        assert rule in {v.rule for v in found}, f"not caught:\n{source}"


@pytest.mark.parametrize("source", CLEAN)
def test_the_scanner_passes_clean_code(source):
    for nested in _nested(source.replace("\n", "; ")):
        assert scan(nested, "analyzers.quality.sample") == [], nested


def test_the_ge_adapter_alone_may_import_great_expectations():
    source = "def _ge():\n    import great_expectations as gx\n    return gx"
    assert scan(source, "analyzers.quality.expectations", str(GE_ADAPTER)) == []
    assert [v.rule for v in scan(source, "analyzers.quality.other", str(ANALYZERS / "quality" / "other.py"))] == [
        "great_expectations"
    ]


def test_only_the_contract_knows_opt_ml():
    for path in list((ROOT / "container").rglob("*.py")) + list((ROOT / "analyzers").rglob("*.py")):
        if path.name != "contract.py":
            assert "/opt/ml" not in path.read_text(), path


def test_great_expectations_is_not_imported_without_a_suite(sample, baseline, tmp_path):
    code = "import os, sys\nfrom container.__main__ import main\nmain(os.environ)\nprint('GE' if 'great_expectations' in sys.modules else 'no GE')"
    env = {
        "PATH": os.environ["PATH"],
        "SAGEMAKER_BASE_DIR": str(tmp_path),
        "dataset_source": str(sample / "capture"),
        "output_path": str(tmp_path / "out"),
        "baseline_statistics": str(baseline / "statistics.json"),
        "baseline_constraints": str(baseline / "constraints.json"),
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120).stdout
    assert out.strip().endswith("no GE")
