"""The 08_real_model checks accept the right answers and name the usual wrong ones."""

import numpy as np
import pytest

from helpers import real_model as rm

pytestmark = pytest.mark.skipif(rm.missing_extra() is not None,
                                reason=f"{rm.missing_extra()} missing; {rm.EXTRA_HINT}")


def test_checks():
    from helpers.exercises import real_model as ex

    share = ex.expected_1()
    assert 0 < share < 1 and ex.check_1(share) and not ex.check_1(None)
    assert ex.check_1(round(share, 3))
    assert "'the antisymmetric share'" in repr(ex.check_1(1 - share))
    assert "'a norm ratio'" in repr(ex.check_1(np.sqrt(share)))
    layer, head = ex.expected_2()
    assert ex.check_2((layer, head)) and not ex.check_2("x")
    if layer != head:
        assert "'swapped pair'" in ex.check_2((head, layer)).message
    if ex._strongest(6) != (layer, head):
        assert "'the next-token head'" in ex.check_2(ex._strongest(6)).message
    assert ex.expected_3() < 1e-12 and ex.check_3(0.0)
    assert "'zeroing b_Q'" in repr(ex.check_3(0.5))
    assert "hint 1 of 3" in ex.check_3(1e-7).message
