"""The quick, seeded subset of the store's fault injection (the long run: see store_faults.py).

Every WAL damage of the second pass and an intact control, and signals at every window of a
command, each judged by the contract in tests/hostile/store_faults.py.
"""

from __future__ import annotations

import pytest

from . import store_faults

pytestmark = pytest.mark.skipif(not store_faults.Path("/proc/self/fd").exists(),
                                reason="needs /proc")


@pytest.mark.parametrize("case", store_faults.wal_cases(12, seed=23), ids=lambda c: c.kind)
def test_wal_damage_is_reported_and_a_sound_log_is_not(case, tmp_path):
    assert store_faults.run_wal_case(case, tmp_path) == []


@pytest.mark.parametrize("case", store_faults.signal_cases(10, seed=23),
                         ids=lambda c: f"{c.command}-{c.window}-{c.signum}")
def test_a_signal_in_any_window_tells_the_truth(case, tmp_path):
    assert store_faults.run_signal_case(case, tmp_path, rows=3000) == []
