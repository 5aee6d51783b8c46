"""How the code is laid out, checked: small signatures, the library apart from the book tooling."""

import ast
import pathlib

import pgrid

ROOT = pathlib.Path(pgrid.__file__).parent


def test_no_function_takes_more_than_12_parameters():
    """The kernels take layout values, not loose arrays (issue: two swapped arrays = silent wrong physics)."""
    too_many = []
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                count = (
                    len(a.posonlyargs)
                    + len(a.args)
                    + len(a.kwonlyargs)
                    + bool(a.vararg)
                    + bool(a.kwarg)
                )
                if count > 12:
                    too_many.append(f"{path.name}:{node.name} ({count})")
    assert not too_many, too_many


def test_library_does_not_import_the_book_tooling():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        # the command line (`pgrid figure`) dispatches to the book tooling; nothing else may import it
        if "book" in path.relative_to(ROOT).parts or path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and "book" in node.module.split(".")
            ):
                offenders.append(path.name)
            if isinstance(node, ast.Import) and any(
                "book" in a.name.split(".") for a in node.names
            ):
                offenders.append(path.name)
    assert not offenders, offenders


def test_data_dir_is_configurable(tmp_path, monkeypatch):
    from pgrid.book import precompute

    monkeypatch.setenv("PGRID_DATA_DIR", str(tmp_path))
    assert precompute.data_dir() == tmp_path
    assert precompute.data_dir(writing=True) == tmp_path
    monkeypatch.delenv("PGRID_DATA_DIR")
    assert precompute.data_dir() == ROOT.parent / "data"  # a source checkout
    assert precompute.data_dir(writing=True) == ROOT.parent / "data"


def test_one_layout_builder():
    """A batch's kernel layout: per-point arrays lead with the point axis; one builder for every solver."""
    from pgrid._layout import layout

    nets = [pgrid.chain(4, gain=2.0, loss=x, gamma=1e-2) for x in (1.0, 3.0)]
    lay = layout(nets)
    assert lay.det.shape == (2, 4) and lay.gr.shape == (2, 2) and list(lay.act) == [0, 3]
    assert list(lay.lr[:, 1]) == [1.0, 3.0] and lay.bond_i.shape == (3,)


def test_every_public_name_is_on_the_api_page():
    """bond_index and draw_network were missing from the API page."""
    api = (ROOT.parent / "book" / "api.md").read_text(encoding="utf8")
    names = [
        n for n in pgrid.__all__ if n not in ("__version__", "analytic", "quantum", "xarray_io")
    ]
    missing = [n for n in names if f"pgrid.{n}" not in api and f"pgrid.{n.lower()}" not in api]
    missing += [
        n
        for n in (
            "pgrid.Network",
            "bond_index",
            "pgrid.plotting.draw_network",
            "pgrid.xarray_io",
            "pgrid.quantum",
            "pgrid.analytic",
        )
        if n not in api
    ]
    assert not missing, missing
