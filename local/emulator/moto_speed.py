"""Patches that make moto fast enough for bursts: the same answers, less work.

Found with py-spy on the 500-upload drill. SendMessage built every queue attribute, including the
three ApproximateNumberOf* counts (each a scan of every message), only to read
ContentBasedDeduplication, so a burst into a growing invoke queue went quadratic; every visibility
check went through datetime arithmetic; and every request listed moto's package directory and tried
each service's URL patterns under the dispatcher's global lock. test/local/moto-launcher.test.ts
pins the SQS answers.
"""

import threading
import time
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.sqs import models as sqs_models

_context = threading.local()

_original_queue_attributes = sqs_models.Queue.attributes
_original_send_message = sqs_models.SQSBackend.send_message
_original_get_queue_attributes = sqs_models.SQSBackend.get_queue_attributes


def _queue_attributes(self: Any) -> dict[str, Any]:
    if getattr(_context, "sqs_sending", False):
        # The send path reads only ContentBasedDeduplication (and only on FIFO queues); skip the
        # ApproximateNumberOf* counts, each a scan of every message in the queue.
        return {"ContentBasedDeduplication": str(bool(self.content_based_deduplication)).lower()} if self.fifo_queue else {}
    memo = getattr(_context, "sqs_attributes", None)
    if memo is None:
        return _original_queue_attributes.fget(self)
    # GetQueueAttributes rebuilds the whole set once per requested name; once per request is enough.
    if id(self) not in memo:
        memo[id(self)] = _original_queue_attributes.fget(self)
    return memo[id(self)]


def _send_message(self: Any, *args: Any, **kwargs: Any) -> Any:
    _context.sqs_sending = True
    try:
        return _original_send_message(self, *args, **kwargs)
    finally:
        _context.sqs_sending = False


def _get_queue_attributes(self: Any, *args: Any, **kwargs: Any) -> Any:
    _context.sqs_attributes = {}
    try:
        return _original_get_queue_attributes(self, *args, **kwargs)
    finally:
        _context.sqs_attributes = None


_original_get_backend_for_host = DomainDispatcherApplication.get_backend_for_host
_backend_for_host: dict[str, Any] = {}


def _get_backend_for_host(self: Any, host: str | None) -> Any:
    # The answer depends on the host string alone (a directory listing and fixed URL patterns).
    if host is None:
        return None
    if host not in _backend_for_host:
        _backend_for_host[host] = _original_get_backend_for_host(self, host)
    return _backend_for_host[host]


def install() -> None:
    sqs_models.Queue.attributes = property(_queue_attributes)
    sqs_models.SQSBackend.send_message = _send_message
    sqs_models.SQSBackend.get_queue_attributes = _get_queue_attributes
    DomainDispatcherApplication.get_backend_for_host = _get_backend_for_host
    # moto's clock goes through datetime objects (utcnow, epoch subtraction) for every visibility and
    # delay check of every message; the same instant from time.time() costs a fraction of that.
    sqs_models.unix_time_millis = lambda: time.time() * 1000.0
