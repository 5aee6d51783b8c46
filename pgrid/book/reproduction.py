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

import json
import re
from pathlib import Path
from typing import Iterable, Optional

from ._display import escape as _esc, show
from ._mystnb import MIME  # one definition, shared with the myst-nb renderer plugin

__all__ = ["check", "collect", "FALSIFIERS", "status_table", "status_html", "paper_item", "PAPER_ITEMS", "BEYOND_ITEMS", "NOT_YET",
           "MIME",
           "STATUSES", "ITEM_STATUS"]


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
ITEM_STATUS = {"error": "paper error, corrected", "ambiguous": "ambiguous in the paper",
               "difference": "reproduced with a documented difference", "reproduced": "reproduced",
               "new": "established (beyond the paper)"}
_PRECEDENCE = ("error", "ambiguous", "difference", "reproduced", "new")
_MARK = {"reproduced": "✔", "error": "✘→✔", "ambiguous": "?", "difference": "≠", "new": "✚"}
_SHORT = {"error": "paper error", "ambiguous": "ambiguous", "difference": "difference"}
_NOTE = {"error": "paper error, corrected", "ambiguous": "ambiguous in the paper",
         "difference": "documented difference from the paper"}

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


def check(item: str, condition, claim: str, *, status: str = "reproduced", falsifier: Optional[str] = None) -> None:
    """Assert ``condition`` for paper item ``item`` and record the check.

    Parameters
    ----------
    item : str
        A key of :data:`PAPER_ITEMS` ("Fig. 3", "Eq. S41", ...); a panel may follow a
        figure number ("Fig. 3a" counts for "Fig. 3").  Or a key of :data:`BEYOND_ITEMS`
        (a result beyond the paper, with ``status="new"``).
    condition : bool
        What was measured holds (numpy booleans are accepted).
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
    """
    base = paper_item(item)
    if status not in STATUSES:
        raise ValueError(f"`status` must be one of {STATUSES}, got {status!r}.")
    if (status == "new") != (base in BEYOND_ITEMS):
        raise ValueError(f"{item!r}: status 'new' is for the items of BEYOND_ITEMS (results beyond the paper), "
                         "and those take no other status.")
    if not bool(condition):
        raise AssertionError(f"{item}: {claim}")
    n = _counter[base] = _counter.get(base, 0) + 1
    anchor = f"check-{_slug(base)}-{n}"
    mark = _MARK[status]
    record = {"item": base, "label": item, "claim": claim, "status": status, "anchor": anchor}
    if falsifier is not None:
        if not re.fullmatch(r"test_\w+", falsifier):
            raise ValueError(f"`falsifier` must name a test function (test_...), got {falsifier!r}.")
        record["falsifier"] = falsifier
    note = _NOTE.get(status)
    text = f"{mark} {item}: {claim}" + (f"  [{note}]" if note else "")
    html = (f'<p class="pgrid-check pgrid-check-{status}" id="{anchor}">{mark} <strong>{_esc(item)}</strong>: '
            f'{_esc(claim)}{f" <em>({note})</em>" if note else ""}</p>')
    show({"text/plain": text, "text/html": html, MIME: record})


def paper_item(item: str) -> str:
    """The :data:`PAPER_ITEMS` (or :data:`BEYOND_ITEMS`) key of ``item`` ("Fig. 3a" -> "Fig. 3"); raises for
    unknown items."""
    if item in PAPER_ITEMS or item in BEYOND_ITEMS:
        return item
    m = re.fullmatch(r"(Fig\. S?\d+)[a-z]?", item)
    if m and m.group(1) in PAPER_ITEMS:
        return m.group(1)
    raise ValueError(f"unknown paper item {item!r}; use one of: {', '.join(PAPER_ITEMS)} (or, beyond the paper: "
                     f"{', '.join(BEYOND_ITEMS)}).")


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
    colour = {"reproduced": "#009E73", "established (beyond the paper)": "#009E73", "paper error, corrected": "#0072B2",
              "ambiguous in the paper": "#CC79A7", "reproduced with a documented difference": "#E69F00"}
    out = ['<table class="pgrid-status"><thead><tr><th>Paper item</th><th>What</th><th>Status</th>'
           '<th>Checks (links to the chapter)</th><th>Regenerate (figure, data)</th></tr></thead><tbody>']
    for item, what, status, recs in rows:
        col = colour.get(status, "#D55E00")
        links = "<br>".join(
            f'<a href="{r["chapter"]}.html#{r["anchor"]}">{_esc(r["chapter"])}: {_esc(r["label"])}</a>'
            f'{f" ({r_note})" if (r_note := _SHORT.get(r["status"])) else ""}' for r in recs) or "&mdash;"
        cmd = figure_command(item)
        out.append(f'<tr><td><strong>{_esc(item)}</strong></td><td>{_esc(what)}</td>'
                   f'<td style="color:{col}">{_esc(status)}</td><td>{links}</td>'
                   f'<td>{f"<code>{_esc(cmd)}</code>" if cmd else ""}</td></tr>')
    out.append("</tbody></table>")
    return "\n".join(out)
