"""moto server whose DynamoDB writes are serialised, as DynamoDB serialises writes to one item.

moto 5.2.5 evaluates a ConditionExpression and applies the write without a lock, and its server is
threaded, so two concurrent conditional updates of one item can both pass their condition (a lost
update that real DynamoDB never produces). The pipeline tests deliver events concurrently on
purpose, so they need the real guarantee. One process-wide lock around the write operations gives
it; reads are untouched.

Usage: python test/handlers/moto_atomic.py -H 127.0.0.1 -p PORT
"""

import functools
import sys
import threading

from moto.dynamodb.models import DynamoDBBackend
from moto.server import main

_write_lock = threading.RLock()


def _serialised(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _write_lock:
            return fn(*args, **kwargs)

    return wrapper


for _name in ("put_item", "update_item", "delete_item", "transact_write_items"):
    setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
