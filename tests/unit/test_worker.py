"""The server worker's limits (taskai.api.worker), as numbers."""

from __future__ import annotations

import struct

from taskai.api.worker import BODY_CAP, timeval
from taskai.config import Settings
from taskai.services.transfer import MAX_IMPORT_BYTES


def test_the_worker_reads_whole_the_largest_body_an_operation_takes() -> None:
    assert BODY_CAP >= MAX_IMPORT_BYTES
    assert Settings.model_fields["max_body_bytes"].default <= BODY_CAP


def test_a_timeout_is_never_packed_as_zero_which_would_mean_none() -> None:
    assert timeval(2.5) == struct.pack("ll", 2, 500_000)
    assert timeval(1e-9) == struct.pack("ll", 0, 1)
