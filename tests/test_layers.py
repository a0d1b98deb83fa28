"""Dependencies point one way: sources → ingest → model → search → store → web, with cli on top."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lod"
LAYERS = ["sources", "ingest", "model", "search", "store", "web"]
SHARED = {"errors", "uris", "settings", "vocab"}
TOP = {"cli", "pipeline", "__init__"}


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lod"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("lod")}
    return found


def test_imports_point_one_way() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for module in imports(path):
            target = layer_of(module)
            if own in TOP or target in SHARED or target == own:
                continue
            if own in SHARED or target in TOP or LAYERS.index(target) > LAYERS.index(own):
                wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not wrong, "\n".join(sorted(wrong))
