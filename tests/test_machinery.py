"""Shared machinery: errors, threads, Ctrl-C and progress of long calls."""

import os
import signal
import threading
import time

import pytest

import replicators
from replicators import _core
from replicators.errors import ConfigError, ReplicatorsError, UnknownNameError


def test_error_hierarchy():
    assert issubclass(ConfigError, ReplicatorsError)
    assert issubclass(ConfigError, ValueError)
    assert issubclass(UnknownNameError, ConfigError)


def test_version_is_the_crate_version():
    assert replicators.__version__ == _core.__version__


def test_thread_count_default_is_all_cores():
    assert _core.thread_count() == os.cpu_count()
    assert _core.thread_count(1) == 1


def test_long_call_answers_ctrl_c():
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        _core._busy_wait(30.0)
    assert time.monotonic() - start < 5.0


def test_progress_is_reported_while_running():
    seen = []
    ticks = _core._busy_wait(0.3, progress=seen.append)
    assert sum(seen) == ticks > 0
    assert len(seen) >= 2


def test_progress_callback_error_stops_the_call():
    def boom(n):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        _core._busy_wait(30.0, progress=boom)
