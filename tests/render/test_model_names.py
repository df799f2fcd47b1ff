"""A resource may take a name the generated modules import (`Table`, `Row`, `Connection`):
its SQLAlchemy class then gets a name of its own, and the rest of the code keeps the spec's."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from backsmith import parse_spec
from backsmith.generate import new
from backsmith.spec.checks import MODEL_MODULE_NAMES, model_class
from backsmith.spec.resolved import ResourceInfo, resolve

SPECS = Path(__file__).parents[1] / "assets" / "specs"


def _only_resource(name: str) -> ResourceInfo:
    spec = f"name: shop\nauth: {{kind: none}}\nresources:\n  {name}:\n    fields: {{label: str}}\n"
    return resolve(parse_spec(spec)).resources[0]


@pytest.mark.parametrize(
    ("name", "model", "path_id"),
    [
        ("Book", "Book", "BookId"),
        ("Table", "TableModel", "TableId"),
        ("Connection", "ConnectionModel", "ConnectionId"),
        ("Row", "RowModel", "RowIdPath"),
        ("O", "OModel", "OId"),
        ("I", "IModel", "IId"),
    ],
)
def test_a_resource_named_like_an_import_gets_a_model_class_of_its_own(
    name: str, model: str, path_id: str
) -> None:
    resource = _only_resource(name)

    assert (resource.name, resource.model, resource.path_id) == (name, model, path_id)


def _imported_classes(module: Path, package: str) -> set[str]:
    """The PascalCase names (a resource could take) a module imports from anywhere but
    a resource's own modules."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module is not None:
            own = node.module.startswith(f"{package}.") and node.module.endswith(
                (".models", ".schemas")
            )
            if not own:
                found.update(alias.asname or alias.name for alias in node.names)
    return {name for name in found if name[:1].isupper() and "_" not in name}


@pytest.mark.parametrize("spec", ["oddities.yaml", "bookshop.yaml", "edges.yaml"])
def test_every_class_the_model_modules_import_is_known_to_the_checks(
    spec: str, tmp_path: Path
) -> None:
    """MODEL_MODULE_NAMES is the list a resource name is renamed for: a template that
    starts importing another class into models.py or repository.py must add it there,
    or a resource of that name would collide with the import."""
    root = new(SPECS / spec, tmp_path / "project")
    package = next(path for path in (root / "src").iterdir() if path.is_dir())

    imported: set[str] = set()
    for module in [*package.glob("*/models.py"), *package.glob("*/repository.py")]:
        imported |= _imported_classes(module, package.name)

    assert imported, "no imports found: the test no longer reads the right modules"
    assert imported <= MODEL_MODULE_NAMES, sorted(imported - MODEL_MODULE_NAMES)


def test_a_renamed_model_class_is_never_itself_an_imported_name() -> None:
    renamed = {name: model_class(name) for name in MODEL_MODULE_NAMES}

    assert not set(renamed.values()) & MODEL_MODULE_NAMES
    assert renamed["Base"] == "BaseRecord"


@pytest.mark.parametrize(
    ("name", "module", "path"),
    [
        ("Book", "books", "/books"),
        ("Error", "errors_api", "/errors"),
        ("Limit", "limits_api", "/limits"),
        ("Test", "tests_api", "/tests"),
    ],
)
def test_a_resource_whose_plural_names_a_module_gets_a_package_of_its_own(
    name: str, module: str, path: str
) -> None:
    """`errors.py` is the project's, `limits` a dependency, `tests` the test package: the
    resource's package takes another name, its table and path keep the plural."""
    resource = _only_resource(name)

    assert (resource.module, resource.path, resource.table) == (module, path, resource.plural)
