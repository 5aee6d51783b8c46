"""The evidence a check stores (pgrid.book.reproduction.check(..., evidence=...)) and reads back."""

import json

import numpy as np
import pytest

from pgrid.book import claims, reproduction
from pgrid.book._mystnb import MIME


def test_evidence_round_trips_through_json():
    ev = {
        "a": np.array([1.0, np.nan, np.inf]),
        "mask": np.arange(300) % 3 == 0,
        "x": 2.5,
        "n": 3,
        "rows": [(np.arange(3.0), 0.1), (np.arange(2.0), 0.2)],
        "names": ["G", "E"],
        "flag": True,
    }
    back = reproduction._from_json(json.loads(json.dumps(reproduction._to_json(ev))))
    np.testing.assert_array_equal(back["a"], ev["a"])
    assert back["mask"].dtype == bool and np.array_equal(back["mask"], ev["mask"])  # packed bits
    assert (
        back["x"] == 2.5 and back["n"] == 3 and back["names"] == ["G", "E"] and back["flag"] is True
    )
    np.testing.assert_array_equal(back["rows"][1][0], np.arange(2.0))


def test_a_callable_condition_is_called_with_the_evidence_and_named(capsys):
    reproduction.check(
        "Fig. 3a", claims.within, "a claim", evidence=dict(measured=1.01, expected=1.0, rtol=0.02)
    )
    assert "Fig. 3a: a claim" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="a claim"):
        reproduction.check(
            "Fig. 3a",
            claims.within,
            "a claim",
            evidence=dict(measured=1.1, expected=1.0, rtol=0.02),
        )
    with pytest.raises(ValueError, match="evidence"):
        reproduction.check("Fig. 3a", claims.within, "a claim")
    with pytest.raises(TypeError, match="evidence"):
        reproduction.check("Fig. 3a", True, "a claim", evidence=dict(x=object()))


def test_evidence_is_read_back_from_a_notebook(tmp_path):
    rec = {
        "item": "Fig. 3",
        "label": "Fig. 3a",
        "claim": "c",
        "status": "reproduced",
        "anchor": "check-fig-3-1",
        "predicate": "pgrid.book.claims.within",
    }
    out = {
        "output_type": "display_data",
        "data": {MIME: rec, "text/plain": "c"},
        "metadata": {
            MIME: {
                "evidence": reproduction._to_json(
                    dict(measured=[1.0, 1.01], expected=1.0, rtol=0.02)
                ),
                "context": {"other": 2.0},
            }
        },
    }
    nb = {
        "cells": [{"cell_type": "code", "outputs": [out], "source": ""}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "chapter.ipynb"
    path.write_text(json.dumps(nb))
    (ev,) = reproduction.evidence(path, predicate="within", item="Fig. 3a")
    assert reproduction.predicate_of(ev) is claims.within and ev["_context"]["other"] == 2.0
    assert claims.within(**reproduction.args_of(ev))
    assert not claims.within(**reproduction.args_of(ev, expected=ev["_context"]["other"]))
    assert reproduction.evidence(path, predicate="agrees") == []
