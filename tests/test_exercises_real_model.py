"""The 08_real_model checks accept the right answers and hint at the usual wrong ones."""

import pytest

from helpers import real_model as rm

pytestmark = pytest.mark.skipif(rm.missing_extra() is not None,
                                reason=f"{rm.missing_extra()} missing; {rm.EXTRA_HINT}")


def test_checks():
    from helpers.exercises import real_model as ex

    share = ex.expected_1()
    assert 0 < share < 1 and ex.check_1(share) and not ex.check_1(None)
    assert "antisymmetric" in repr(ex.check_1(1 - share))
    layer, head = ex.expected_2()
    assert ex.check_2((layer, head)) and not ex.check_2("x")
    assert ex.expected_3() < 1e-12 and ex.check_3(0.0)
    assert "b_q" in repr(ex.check_3(0.5))
