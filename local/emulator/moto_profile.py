"""cProfile of moto's request handling, for finding where the emulator spends its time.

With LOCAL_MOTO_PROFILE=<file> every request (parsing, the handler and writing the response body) runs
under cProfile and SIGUSR2 writes the statistics accumulated so far to <file> (pstats format; read
with `python -m pstats <file>`). py-spy would sample every thread without this, but is not installed
here; the profiler's own overhead inflates the figures, so compare functions, not totals.
"""

import cProfile
import os
import pstats
import signal
import threading
import time
from typing import Any

from werkzeug.serving import WSGIRequestHandler

_lock = threading.Lock()
_stats: list[pstats.Stats] = []


def install() -> None:
    path = os.environ.get("LOCAL_MOTO_PROFILE")
    if not path:
        return
    original = WSGIRequestHandler.run_wsgi

    def run_wsgi(self: Any) -> None:
        # This thread's CPU time: a read blocked on the client is not cost.
        profile = cProfile.Profile(time.thread_time)
        profile.enable()
        try:
            original(self)
        finally:
            profile.disable()
            with _lock:
                if _stats:
                    _stats[0].add(profile)
                else:
                    _stats.append(pstats.Stats(profile))

    def dump(_signum: int, _frame: Any) -> None:
        with _lock:
            if _stats:
                _stats[0].dump_stats(path)

    WSGIRequestHandler.run_wsgi = run_wsgi  # type: ignore[method-assign]
    signal.signal(signal.SIGUSR2, dump)
