"""nn.py at its edges (issue 11): each reported case, with the right value or the exact error."""
import numpy as np
import pytest

import gradcheck
from nn import *


# --- 7. gradcheck on float32 values ----------------------------------------------------------------

def test_gradcheck_checks_float32_values_in_float64_and_puts_them_back(monkeypatch, capsys):
    rng = np.random.default_rng(7)
    g = Graph()
    a = g.var(rng.normal(size=(3, 4)).astype(np.float32))
    b = g.var(rng.normal(size=4).astype(np.float32))
    g.sum(g.logistic(g.add(a, b)))
    before = a.value.copy()
    results = gradcheck.check(g)
    assert [node for node, _ in results] == [a, b] or [node for node, _ in results] == [b, a]
    assert max(error for _, error in results) < 1e-8  # in float32 it was 0.03
    assert a.value.dtype == np.float32 and (a.value == before).all()
    assert a.grad.dtype == np.float32 and a.grad.shape == (3, 4)  # backward's, at the values
    assert 'in float64' in gradcheck.check.__doc__ and 'float32' in gradcheck.__doc__
    monkeypatch.setattr('sys.argv', ['gradcheck.py'])
    assert gradcheck.main() == 0
    assert capsys.readouterr().out.startswith('checked in float64 (values of other dtypes are cast')
