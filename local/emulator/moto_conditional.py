"""S3 conditional writes in moto as S3 answers them.

moto 5.2.5 checks If-Match / If-None-Match on PutObject, If-None-Match on CompleteMultipartUpload
and If-Match on DeleteObject, but:

  - it checks and then writes without a lock while its server is threaded, so ten racing
    `If-None-Match: *` puts can all pass (S3 lets exactly one win; the others get 412);
  - it ignores If-Match on CompleteMultipartUpload and both headers on CopyObject's destination
    (S3 honours them since 2024/2025);
  - DeleteObject's `If-Match: *` (any ETag, i.e. "only if it exists") fails as a mismatch.

install() runs every object write (PutObject, CopyObject, CompleteMultipartUpload, DeleteObject)
under a lock chosen by its bucket and key, so a condition and the write it guards are one step for
every writer of that key; and it checks the conditions moto skips before handing over. Locks are
striped (a fixed array) so memory stays flat however many keys exist; writes to different keys
mostly proceed in parallel. test/cli/conditional-writes.test.ts pins the behaviour.
"""

import threading
import zlib
from typing import Any, Callable

from moto.s3 import responses as s3_responses
from moto.s3.exceptions import MissingKey, PreconditionFailed

_STRIPES = [threading.Lock() for _ in range(256)]


def _lock_for(bucket: str, key: str) -> threading.Lock:
    return _STRIPES[zlib.crc32(f"{bucket}/{key}".encode()) % len(_STRIPES)]


def _unquoted(etag: str) -> str:
    return etag.replace('"', "")


def _check(self: Any, key_name: str, if_match: str | None, if_none_match: str | None) -> None:
    """Raises S3's answer when the destination's current version fails a condition."""
    if not if_match and not if_none_match:
        return
    current = self.backend.get_object(self.bucket_name, key_name)
    if if_match:
        if current is None:
            raise MissingKey(key=key_name)
        if if_match != "*" and _unquoted(if_match) != _unquoted(current.etag):
            raise PreconditionFailed("If-Match")
    if if_none_match and current is not None:
        if if_none_match == "*" or _unquoted(if_none_match) == _unquoted(current.etag):
            raise PreconditionFailed("If-None-Match")


def _serialised(original: Callable[..., Any], extra_check: bool) -> Callable[..., Any]:
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        key_name = self.parse_key_name()
        with _lock_for(self.bucket_name, key_name):
            if extra_check:
                _check(self, key_name, self.headers.get("If-Match"), self.headers.get("If-None-Match"))
            return original(self, *args, **kwargs)

    return wrapper


_original_delete_object = s3_responses.S3Response.delete_object


def _delete_object(self: Any) -> Any:
    key_name = self.parse_key_name()
    with _lock_for(self.bucket_name, key_name):
        if self.headers.get("If-Match") == "*":
            _check(self, key_name, "*", None)
            # moto would compare "*" with the ETag; the condition held, so delete without it.
            original_headers = self.headers
            self.headers = {k: v for k, v in original_headers.items() if k.lower() != "if-match"}
            try:
                return _original_delete_object(self)
            finally:
                self.headers = original_headers
        return _original_delete_object(self)


_original_key_response_post = s3_responses.S3Response._key_response_post


def _key_response_post(self: Any, request: Any, body: bytes, bucket_name: str, query: dict[str, Any], key_name: str) -> Any:
    completing = bool(query.get("uploadId")) and "uploads" not in query and body != b""
    if not completing:
        return _original_key_response_post(self, request, body, bucket_name, query, key_name)
    with _lock_for(bucket_name, key_name):
        existing = self.backend.get_object(bucket_name, key_name)
        # A repeated completion of the upload that already made the current version succeeds
        # again (S3 is idempotent there), so only a first completion is checked.
        if not (existing is not None and existing.multipart and existing.multipart.id == query["uploadId"][0]):
            _check(self, key_name, request.headers.get("If-Match"), None)
        return _original_key_response_post(self, request, body, bucket_name, query, key_name)


def install() -> None:
    # PutObject's own checks are right once they run under the key's lock.
    s3_responses.S3Response.put_object = _serialised(s3_responses.S3Response.put_object, extra_check=False)
    s3_responses.S3Response.copy_object = _serialised(s3_responses.S3Response.copy_object, extra_check=True)
    s3_responses.S3Response.delete_object = _delete_object
    s3_responses.S3Response._key_response_post = _key_response_post
