"""Chapter 00's self-checks: right answers pass, known-wrong ones get a specific hint."""

import pytest
from mxnet import nd
from verdicts import run, stub

from d2l_utils.checks import ch00


def test_lookup_order_follows_find_datasets_documented_order():
    import d2l_utils as d2l

    doc = d2l.find_dataset.__doc__
    positions = [doc.index(f"'{kind}'") for kind in ch00.LOOKUP_ORDER]
    assert positions == sorted(positions)


@pytest.mark.parametrize("check, args, verdict", [
    (ch00.check_lookup_order, (list(ch00.LOOKUP_ORDER),), "check_lookup_order: correct"),
    (ch00.check_cube_gradient, (lambda x: 3 * x ** 2,), "check_cube_gradient: correct"),
    (ch00.check_cube_gradient, (lambda x: 3 * x * x,), "check_cube_gradient: correct"),
    (ch00.check_matmul_growth, ("c",), "check_matmul_growth: correct"),
    (ch00.check_matmul_growth, (" C ",), "check_matmul_growth: correct"),
    (ch00.check_async_timing, ("b",), "check_async_timing: correct"),
])
def test_right_answers_pass(capsys, check, args, verdict):
    assert run(capsys, check, *args) == (True, verdict)


@pytest.mark.parametrize("check, args, message", [
    (ch00.check_lookup_order, (None,), "check_lookup_order: not yet: set order to a list"),
    (ch00.check_lookup_order, (["system", "cache", "D2L_DATA_DIR", "argument", "download"],),
     "wrong: place 1 is 'system', but the course tries 'argument' there"),
    (ch00.check_lookup_order, (["argument", "D2L_DATA_DIR", "cache", "system"],),
     "wrong: list each place once; missing: ['download']"),
    (ch00.check_lookup_order, (["argument", "home", "cache", "system", "download"],),
     "wrong: ['home'] are not places the course looks in"),
    (ch00.check_lookup_order, ("argument",), "wrong: order must be a list of str"),
    (ch00.check_cube_gradient, (stub,), "check_cube_gradient: not yet: make cube_gradient(x)"),
    (ch00.check_cube_gradient, (lambda x: 3 * x,), "wrong: for x = [0., 1., 2., 3.] you give "
                                                   "[0., 3., 6., 9.], autograd gives "
                                                   "[ 0.,  3., 12., 27.]"),
    (ch00.check_cube_gradient, (lambda x: (3 * x ** 2).sum(),), "wrong: wrong shape (1,), "
                                                               "expected (4, 1)"),
    (ch00.check_cube_gradient, (lambda x: (3 * x ** 2).asnumpy(),), "wrong: returned a "
                                                                    "numpy.ndarray"),
    (ch00.check_matmul_growth, (None,), "check_matmul_growth: not yet: set answer to one of "
                                        "'a', 'b', 'c'"),
    (ch00.check_matmul_growth, ("b",), "wrong: (b) n*n is the number of entries of the result"),
    (ch00.check_matmul_growth, ("d",), "wrong: 'd' is not one of the choices 'a', 'b', 'c'"),
    (ch00.check_matmul_growth, (3,), "wrong: 3 is not one of the choices"),
    (ch00.check_async_timing, ("a",), "wrong: (a) nothing waits for the product any more"),
    (ch00.check_async_timing, (None,), "check_async_timing: not yet: set answer to one of "
                                       "'a', 'b', 'c'"),
])
def test_wrong_answers_get_a_specific_hint(capsys, check, args, message):
    ok, line = run(capsys, check, *args)
    assert not ok
    assert message in line


def test_cube_gradient_check_does_not_change_its_input(capsys):
    x = nd.arange(4)
    ch00.check_cube_gradient(lambda x: 3 * x ** 2)
    assert x.grad is None
