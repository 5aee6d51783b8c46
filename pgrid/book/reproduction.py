r"""Recorded checks: the book's chapters validate the paper with :func:`check`, and the
"Reproduction status" page is generated from what they recorded.

``check(item, condition, claim)`` asserts ``condition`` (an ``AssertionError`` naming the
paper item and the claim when it fails) and, when it holds, displays one line in the
notebook, ``✔ Fig. 3a: <claim>``, carrying a machine-readable record (MIME type
``application/vnd.pgrid.check+json``) and an HTML anchor the status page links to.
:func:`collect` reads those records back from executed notebooks; :data:`PAPER_ITEMS`
is the inventory of the paper's numbered figures and closed-form results, and
:func:`status_table` joins the two.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Iterable, Optional

import numpy as np

from ._display import escape as _esc
from ._display import show
from ._mystnb import MIME  # one definition, shared with the myst-nb renderer plugin

__all__ = [
    "check",
    "collect",
    "FALSIFIERS",
    "status_table",
    "status_html",
    "paper_item",
    "PAPER_ITEMS",
    "BEYOND_ITEMS",
    "NOT_YET",
    "MIME",
    "STATUSES",
    "ITEM_STATUS",
]


#: allowed ``status`` values of a check:
#:
#: - ``"reproduced"``: the claim holds as the paper states it;
#: - ``"error"``: the paper is wrong here, and the check shows the right result (a corrected
#:   formula, a derived value) holding where the printed one fails;
#: - ``"ambiguous"``: the paper leaves something out (a geometry, a protocol, a symbol) on
#:   which the result depends; the chapter shows the alternatives and how we chose;
#: - ``"difference"``: reproduced, but a measured number differs from the paper's for a
#:   reason the chapter documents (should be rare: rule out our own choices first).
#: - ``"new"``: a result beyond the paper (an item of :data:`BEYOND_ITEMS`), established by
#:   the condition.
STATUSES = ("reproduced", "error", "ambiguous", "difference", "new")

#: Item status on the page, by the strongest check status of the item.
ITEM_STATUS = {
    "error": "paper error, corrected",
    "ambiguous": "ambiguous in the paper",
    "difference": "reproduced with a documented difference",
    "reproduced": "reproduced",
    "new": "established (beyond the paper)",
}
_PRECEDENCE = ("error", "ambiguous", "difference", "reproduced", "new")
_MARK = {"reproduced": "✔", "error": "✘→✔", "ambiguous": "?", "difference": "≠", "new": "✚"}
_SHORT = {"error": "paper error", "ambiguous": "ambiguous", "difference": "difference"}
_NOTE = {
    "error": "paper error, corrected",
    "ambiguous": "ambiguous in the paper",
    "difference": "documented difference from the paper",
}

#: The paper's numbered figures and closed-form results: id -> what it is.
PAPER_ITEMS = {
    "Fig. 1": "sketch of the chain with gain and loss",
    "Fig. 2": "noise-free current map, cuts, occupation profiles (N = 10)",
    "Fig. 3": "current fluctuations, distributions, relaxation time, order parameter (thermal regime)",
    "Fig. 4": "current fluctuations and negativity in the quantum noise limit (N = 2)",
    "Fig. 5": "2-D power grid with one generator and two engines: transistor-like switching",
    "Fig. S1": "coherent-state average of the saturation function",
    "Fig. S2": "semiclassical (SDE) against full quantum current statistics, n0 = 15",
    "Fig. S3": "linear chain: damped, amplified and stalled regions",
    "Fig. S4": "steady-state amplitudes |A|, |B| against Gamma_e",
    "Fig. S5": "disorder: occupation profiles and currents",
    "Fig. S6": "nu = 3: current against Gamma_e and single-mode occupation profiles",
    "Fig. S7": "nu = 1: phase diagram, cuts and limit cycles",
    "Fig. S8": "nu = 1 and nu = 3 with thermal noise",
    "Fig. S9": "different saturation numbers for gain and loss (noise free)",
    "Fig. S10": "different saturation numbers for gain and loss (thermal noise)",
    "Eq. 6": "standing-wave occupation profile",
    "Eq. S14": "coherent-state average of the saturation function (closed form)",
    "Eq. S24": "N = 2 amplitudes, symmetric phase",
    "Eq. S25": "N = 2 current, symmetric phase",
    "Eq. S28": "odd-N amplitudes, end-damped chain",
    "Eq. S29": "odd-N current, end-damped chain",
    "Eq. S30-S31": "broken-phase amplitude equations (exact solution)",
    "Eq. S32": "broken-phase amplitudes with effective damping kappa",
    "Eq. S33": "broken-phase current",
    "Eq. S36": "transition point, N = 2",
    "Eq. S40": "amplitudes of the uniformly damped chain, symmetric phase",
    "Eq. S41": "current of the uniformly damped chain, symmetric phase",
    "Eq. S42": "energy balance",
    "Eq. S43": "existence condition of the symmetric state",
    "Eq. S44": "transition point, N sites",
    "Eq. S45": "equilibrium current fluctuations (operator and P-function)",
    "Eq. S47": "N = 2 occupation with thermal noise",
    "Eq. S48": "N = 2 current with thermal noise",
    "Eq. S51": "N = 2 occupation variance",
    "Eq. S52": "N = 2 current variance, symmetric phase",
    "Eq. S53": "N = 2 current variance, broken phase",
    "Eq. S54": "N = 2 current variance deep in the broken phase",
    "Stalled region": "Gamma_i < g, Gamma_i <= Gamma_e < g^2/Gamma_i (text of Fig. 2 and S3)",
}

#: Results beyond the paper (chapter "Beyond the paper"): id -> what it is.  Their checks carry
#: ``status="new"``; the status page lists them in a section of their own.
BEYOND_ITEMS = {
    "Three quantum sites": "chain of three quantum oscillators: current fluctuations and the negativity of "
    "every pair (exact at n0 = 1, 2; SDE at n0 = 5-30)",
    "Flux loops": "triangle and ring of four threaded by a synthetic flux (noise free): current maps with "
    "stable and oscillating (limit-cycle) regions, flux-controlled symmetry breaking, a flux switch",
    "Flux loops with noise": "current fluctuations against the flux: SDE and linear-noise theory",
    "Quantum triangle": "the triangle with a flux at n0 = 1 (exact quantum steady states)",
}

#: Why an item has no check yet (shown on the status page instead of a link).
NOT_YET = {}

_counter = {}


def _slug(item: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", item.lower()).strip("-")


#: The module whose test functions are the falsifiers named by :func:`check`.
FALSIFIERS = "tests/test_falsifiers.py"


def check(
    item: str,
    condition,
    claim: str,
    *,
    status: str = "reproduced",
    falsifier: Optional[str] = None,
    evidence: Optional[dict] = None,
    context: Optional[dict] = None,
) -> None:
    """Assert ``condition`` for paper item ``item`` and record the check.

    Parameters
    ----------
    item : str
        A key of :data:`PAPER_ITEMS` ("Fig. 3", "Eq. S41", ...); a panel may follow a
        figure number ("Fig. 3a" counts for "Fig. 3").  Or a key of :data:`BEYOND_ITEMS`
        (a result beyond the paper, with ``status="new"``).
    condition : bool or callable
        What was measured holds (numpy booleans are accepted).  A callable (a predicate of
        ``pgrid.book.claims``) is called with ``**evidence``; its name is recorded.
    claim : str
        The claim in words, with the tolerance (shown in the chapter and on the status page).
    status : {"reproduced", "error", "ambiguous", "difference", "new"}
        See :data:`STATUSES`; "new" for the items of :data:`BEYOND_ITEMS` only.  "error": the paper is wrong and ``condition`` asserts the
        corrected result (and, where useful, that the printed one fails); "ambiguous": the
        result depends on something the paper does not state, and the chapter shows the
        alternatives; "difference": a measured number differs from the paper's for a
        documented reason.
    falsifier : str, optional
        Name of the test function in ``FALSIFIERS`` that feeds this check's predicate a plausible
        alternative (the other geometry, the printed formula, the other protocol, a mutated
        parameter) and asserts that it then fails: the evidence that the check could have failed.
        The status page counts the checks that have one; a test makes sure every name exists.
    evidence : dict, optional
        The measured numbers the predicate was given (names -> numbers or small arrays).  They are
        stored with the check (in the output's metadata, which nbval does not compare, so they
        never make a chapter machine-dependent) and read back by :func:`evidence`: a falsifier
        test feeds the same predicate this evidence with one thing changed, and a test re-evaluates
        every recorded predicate on its stored evidence.
    context : dict, optional
        Parameters a falsifier needs to compute the alternative (Gamma_i, gamma, N_th, ...), stored
        with the evidence but not passed to the predicate.
    """
    base = paper_item(item)
    if status not in STATUSES:
        raise ValueError(f"`status` must be one of {STATUSES}, got {status!r}.")
    if (status == "new") != (base in BEYOND_ITEMS):
        raise ValueError(
            f"{item!r}: status 'new' is for the items of BEYOND_ITEMS (results beyond the paper), "
            "and those take no other status."
        )
    predicate = None
    if callable(condition):
        if evidence is None:
            raise ValueError(
                "a callable `condition` is called with `evidence`: pass evidence={...}."
            )
        predicate = f"{condition.__module__}.{condition.__qualname__}"
        condition = condition(**evidence)
    if not bool(condition):
        raise AssertionError(f"{item}: {claim}")
    n = _counter[base] = _counter.get(base, 0) + 1
    anchor = f"check-{_slug(base)}-{n}"
    mark = _MARK[status]
    record = {"item": base, "label": item, "claim": claim, "status": status, "anchor": anchor}
    if falsifier is not None:
        if not re.fullmatch(r"test_\w+", falsifier):
            raise ValueError(
                f"`falsifier` must name a test function (test_...), got {falsifier!r}."
            )
        record["falsifier"] = falsifier
    if predicate is not None:
        record["predicate"] = predicate
    note = _NOTE.get(status)
    text = f"{mark} {item}: {claim}" + (f"  [{note}]" if note else "")
    html = (
        f'<p class="pgrid-check pgrid-check-{status}" id="{anchor}">{mark} <strong>{_esc(item)}</strong>: '
        f"{_esc(claim)}{f' <em>({note})</em>' if note else ''}</p>"
    )
    show(
        {"text/plain": text, "text/html": html, MIME: record},
        None
        if evidence is None
        else {MIME: {"evidence": _to_json(evidence), "context": _to_json(context or {})}},
    )


def _to_json(value):
    """``value`` (numbers, numpy arrays, dicts, lists) as JSON: arrays as lists, NaN as ``None``."""
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    if (
        isinstance(value, np.ndarray) and value.dtype == bool and value.size > 256
    ):  # maps: packed bits
        return {
            "__packbits__": base64.b64encode(np.packbits(value.ravel())).decode("ascii"),
            "shape": list(value.shape),
        }
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _to_json(value.tolist())
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"evidence must hold numbers, arrays, strings, lists or dicts, got {type(value).__name__}."
    )


def _from_json(value):
    """Inverse of :func:`_to_json`: rectangular lists of numbers become numpy arrays (``None`` -> NaN)."""
    if isinstance(value, dict) and "__packbits__" in value:
        shape = tuple(value["shape"])
        bits = np.unpackbits(np.frombuffer(base64.b64decode(value["__packbits__"]), np.uint8))
        return bits[: int(np.prod(shape))].reshape(shape).astype(bool)
    if isinstance(value, dict):
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        kind = _numeric_kind(value)
        if kind == "bool":
            return np.asarray(value, bool)
        if kind == "float":
            try:
                return np.asarray(
                    _map_nested(value, lambda x: np.nan if x is None else float(x)), float
                )
            except ValueError:  # ragged
                pass
        return [_from_json(v) for v in value]
    if value is None:
        return np.nan
    if value in ("inf", "-inf"):
        return float(value)
    return value


def _numeric_kind(value):
    """ "bool" or "float" for a (nested) list of only booleans or only numbers, else None."""
    if not value:
        return "float"
    if all(isinstance(x, list) for x in value):
        kinds = {_numeric_kind(x) for x in value}
        return kinds.pop() if len(kinds) == 1 else None
    if all(isinstance(x, bool) for x in value):
        return "bool"
    if all(
        x is None
        or x in ("inf", "-inf")
        or (isinstance(x, (int, float)) and not isinstance(x, bool))
        for x in value
    ):
        return "float"
    return None


def _map_nested(value, f):
    return [_map_nested(v, f) for v in value] if isinstance(value, list) else f(value)


def predicate_of(ev: dict):
    """The predicate function recorded with the evidence ``ev`` (from :func:`evidence`)."""
    import importlib

    module, _, name = ev["_record"]["predicate"].rpartition(".")
    return getattr(importlib.import_module(module), name)


def args_of(ev: dict, **changes) -> dict:
    """The predicate's arguments stored in ``ev``, with ``changes`` applied."""
    return {**{k: v for k, v in ev.items() if not k.startswith("_")}, **changes}


def evidence(
    chapter: str | Path, predicate: Optional[str] = None, item: Optional[str] = None
) -> list:
    """The evidence stored with the checks of the executed notebook ``chapter`` (a path, or the
    name of a chapter in ``book/``): a list of dicts of numpy arrays and numbers, one per check
    that recorded evidence, optionally only those whose predicate's name ends with ``predicate``
    and whose paper item (or label) is ``item``.  Each dict carries the check's record under
    ``"_record"`` and its ``context`` under ``"_context"``; :func:`predicate_of` gives the predicate."""
    path = Path(chapter)
    if not path.suffix:
        path = Path(__file__).resolve().parents[2] / "book" / f"{chapter}.ipynb"
    nb = json.loads(path.read_text(encoding="utf8"))
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            rec = o.get("data", {}).get(MIME)
            stored = o.get("metadata", {}).get(MIME, {}).get("evidence")
            if rec is None or stored is None:
                continue
            if predicate is not None and not rec.get("predicate", "").endswith(predicate):
                continue
            if item is not None and item not in (rec["item"], rec["label"]):
                continue
            ev = {k: _from_json(v) for k, v in stored.items()}
            ev["_record"] = rec
            ev["_context"] = _from_json(o["metadata"][MIME].get("context", {}))
            out.append(ev)
    return out


def paper_item(item: str) -> str:
    """The :data:`PAPER_ITEMS` (or :data:`BEYOND_ITEMS`) key of ``item`` ("Fig. 3a" -> "Fig. 3"); raises for
    unknown items."""
    if item in PAPER_ITEMS or item in BEYOND_ITEMS:
        return item
    m = re.fullmatch(r"(Fig\. S?\d+)[a-z]?", item)
    if m and m.group(1) in PAPER_ITEMS:
        return m.group(1)
    raise ValueError(
        f"unknown paper item {item!r}; use one of: {', '.join(PAPER_ITEMS)} (or, beyond the paper: "
        f"{', '.join(BEYOND_ITEMS)})."
    )


def collect(notebooks: Iterable[str | Path]) -> list:
    """Check records of executed notebooks: dicts with ``item``, ``claim``, ``status``,
    ``anchor`` and ``chapter`` (the notebook's file stem)."""
    out = []
    for path in notebooks:
        path = Path(path)
        nb = json.loads(path.read_text(encoding="utf8"))
        for cell in nb.get("cells", []):
            for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                rec = o.get("data", {}).get(MIME)
                if rec is not None:
                    out.append(dict(rec, chapter=path.stem))
    return out


def status_table(records: list, items: Optional[dict] = None) -> list:
    """One row per paper item: ``(item, description, status, checks)``.

    ``status`` is one of :data:`ITEM_STATUS`'s values, chosen by the strongest status among
    the item's checks (error, then ambiguous, then difference, then reproduced), or "not
    reproduced: <why>"; ``checks`` lists the records of that item.
    """
    items = PAPER_ITEMS if items is None else items
    rows = []
    for item, what in items.items():
        recs = [r for r in records if r["item"] == item]
        if not recs:
            status = "not reproduced: " + NOT_YET.get(item, "no check recorded")
        else:
            kinds = {r["status"] for r in recs}
            status = ITEM_STATUS[next(k for k in _PRECEDENCE if k in kinds)]
        rows.append((item, what, status, recs))
    return rows


def figure_command(item: str) -> Optional[str]:
    """The shell command that regenerates paper figure ``item`` ("Fig. 2" -> ``pgrid figure fig2 -o DIR``),
    ``None`` for an item that is not a figure."""
    from .figures import PAPER_FIGURES, command

    m = re.fullmatch(r"Fig\. (S?\d+)", item)
    name = f"fig{m.group(1)}" if m else None
    return command(name) if name in PAPER_FIGURES else None


def status_html(rows: list) -> str:
    """The status table as HTML: item, what it is, status, links to the checks, and for a figure the
    command that regenerates it (with its data)."""
    colour = {
        "reproduced": "#009E73",
        "established (beyond the paper)": "#009E73",
        "paper error, corrected": "#0072B2",
        "ambiguous in the paper": "#CC79A7",
        "reproduced with a documented difference": "#E69F00",
    }
    out = [
        '<table class="pgrid-status"><thead><tr><th>Paper item</th><th>What</th><th>Status</th>'
        "<th>Checks (links to the chapter)</th><th>Regenerate (figure, data)</th></tr></thead><tbody>"
    ]
    for item, what, status, recs in rows:
        col = colour.get(status, "#D55E00")
        links = (
            "<br>".join(
                f'<a href="{r["chapter"]}.html#{r["anchor"]}">{_esc(r["chapter"])}: {_esc(r["label"])}</a>'
                f"{f' ({r_note})' if (r_note := _SHORT.get(r['status'])) else ''}"
                for r in recs
            )
            or "&mdash;"
        )
        cmd = figure_command(item)
        out.append(
            f"<tr><td><strong>{_esc(item)}</strong></td><td>{_esc(what)}</td>"
            f'<td style="color:{col}">{_esc(status)}</td><td>{links}</td>'
            f"<td>{f'<code>{_esc(cmd)}</code>' if cmd else ''}</td></tr>"
        )
    out.append("</tbody></table>")
    return "\n".join(out)
