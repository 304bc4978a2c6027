"""Snapshot and restore of moto's state, for the failure drills.

moto keeps its state in memory only, so a killed moto restarts empty, while the S3 and DynamoDB it
stands in for never lose acknowledged data. On SIGUSR1 the launcher writes every provisioned
service's state to MOTO_STATE_FILE and exits at once (a crash, not a drain: requests in flight are
cut off); MOTO_RESTORE_FILE makes a new launcher start from such a file. Ordinary stops (SIGTERM)
write nothing. The reducers below cover what plain pickle cannot store.
"""

import _thread
import collections
import copyreg
import os
import pickle
import signal
import sys
import threading
import traceback
from typing import Any, ContextManager

from cryptography import x509
from cryptography.hazmat.bindings._rust import openssl as rust_openssl
from cryptography.hazmat.bindings._rust import x509 as rust_x509
from cryptography.hazmat.primitives import serialization
from moto.s3 import utils as s3_utils
from moto.ssm import models as ssm_models

# The services the local copy provisions; their backends hold all of its state.
_STATEFUL_SERVICES = ("s3", "dynamodb", "sqs", "sns", "events", "ssm", "kms")

# Backends hold locks (moto's own and the launcher's); a snapshot stores fresh ones in their place.
copyreg.pickle(_thread.LockType, lambda _lock: (threading.Lock, ()))
copyreg.pickle(type(threading.RLock()), lambda _lock: (threading.RLock, ()))


def _rebuild_versioned_store(items: list[tuple[str, list[Any]]]) -> Any:
    store = s3_utils._VersionedKeyStore()
    for key, versions in items:
        store.setlist(key, versions)
    return store


# A bucket's keys map each name to its list of versions, but the store's __setitem__ appends one
# version, so pickle's default (set each item) would nest the lists: store the lists as they are.
copyreg.pickle(
    s3_utils._VersionedKeyStore,
    lambda store: (_rebuild_versioned_store, ([(key, list(store.getlist(key))) for key in dict.keys(store)],)),
)


def _load_private_key(pem: bytes) -> Any:
    return serialization.load_pem_private_key(pem, password=None)


def _private_key_pem(key: Any) -> tuple[Any, tuple[bytes]]:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return _load_private_key, (pem,)


# KMS and SNS hold signing keys and SNS a certificate: OpenSSL objects, stored as PEM.
for _key_type in (rust_openssl.rsa.RSAPrivateKey, rust_openssl.ec.ECPrivateKey):
    copyreg.pickle(_key_type, _private_key_pem)
copyreg.pickle(
    rust_x509.Certificate,
    lambda cert: (x509.load_pem_x509_certificate, (cert.public_bytes(serialization.Encoding.PEM),)),
)


def _rebuild_parameter_dict(account_id: str, region_name: str, attrs: dict[str, Any], items: dict[str, Any]) -> Any:
    params = ssm_models.ParameterDict(account_id, region_name)
    params.__dict__.update(attrs)
    params.update(items)
    return params


# SSM's parameter store is a defaultdict whose constructor takes the account and region, which
# defaultdict's own pickling does not pass.
copyreg.pickle(
    ssm_models.ParameterDict,
    lambda params: (_rebuild_parameter_dict, (params.account_id, params.region_name, dict(params.__dict__), dict(params))),
)


def _nested_tags() -> Any:
    return collections.defaultdict(dict)


def _save_state_and_exit(write_lock: ContextManager[Any]) -> None:
    from moto.backends import get_backend

    path = os.environ.get("MOTO_STATE_FILE")
    code = 0
    try:
        if not path:
            raise RuntimeError("MOTO_STATE_FILE is not set")
        # SSM keeps resource tags in a defaultdict built from a lambda, which pickle cannot name.
        for _account, _region, backend in get_backend("ssm").iter_backends():
            if isinstance(getattr(backend, "_resource_tags", None), collections.defaultdict):
                backend._resource_tags.default_factory = _nested_tags
        # Writers on other threads keep running; a snapshot that races one is retried.
        for attempt in range(5):
            try:
                with write_lock:
                    data = pickle.dumps({name: dict(get_backend(name)) for name in _STATEFUL_SERVICES})
                break
            except RuntimeError:
                if attempt == 4:
                    raise
        tmp = f"{path}.tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - a failed snapshot is reported by the exit code
        traceback.print_exc(file=sys.stderr)
        code = 1
    os._exit(code)


def restore(path: str) -> None:
    from moto.backends import get_backend

    with open(path, "rb") as f:
        state = pickle.load(f)
    for name, accounts in state.items():
        get_backend(name).update(accounts)


def install(write_lock: ContextManager[Any]) -> None:
    """Restores MOTO_RESTORE_FILE if set, and snapshots on SIGUSR1 (holding `write_lock`)."""
    if os.environ.get("MOTO_RESTORE_FILE"):
        restore(os.environ["MOTO_RESTORE_FILE"])
    signal.signal(signal.SIGUSR1, lambda _signum, _frame: _save_state_and_exit(write_lock))
