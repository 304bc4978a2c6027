"""The S3 -> EventBridge event as AWS shapes it (moto_launcher.py sends it to the rules).

What moto 5.2.5 gets wrong and this builds right: a UUID id, an ISO time, `etag`, the version id,
a sequencer that grows for successive events, requester, source IP, `reason`, and `deletion-type`.
`context` is the per-request state the launcher's patches share (a delete's version and type,
suppression, the multipart and created-object flags).
"""

import datetime
import itertools
import threading
import uuid
from typing import Any

from moto.s3 import notifications

_sequence = itertools.count(int(datetime.datetime.now().timestamp() * 1000) << 16)
_sequence_lock = threading.Lock()
context = threading.local()

# s3:<category>:<operation> -> the API operation AWS reports as `reason`.
_REASONS = {
    "s3:ObjectCreated:Put": "PutObject",
    "s3:ObjectCreated:Post": "PostObject",
    "s3:ObjectCreated:Copy": "CopyObject",
    "s3:ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
    "s3:ObjectRemoved:Delete": "DeleteObject",
    "s3:ObjectRemoved:DeleteMarkerCreated": "DeleteObject",
    "s3:ObjectTagging:Put": "PutObjectTagging",
    "s3:ObjectTagging:Delete": "DeleteObjectTagging",
    "s3:ObjectAcl:Put": "PutObjectAcl",
    "s3:ObjectRestore:Post": "RestoreObject",
}


def _sequencer() -> str:
    # S3 sequencers are hex strings that grow for successive events on one key; a global counter
    # keeps that ordering for every key.
    with _sequence_lock:
        return format(next(_sequence), "X").rjust(18, "0")


def _now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def aws_event(account_id: str, bucket: Any, event_name: str, key: Any) -> dict[str, Any]:
    detail_type = notifications._detail_type(event_name)
    obj: dict[str, Any] = {"key": key.name}
    deleting = detail_type == "Object Deleted"
    override = getattr(context, "delete", None)
    if not deleting:
        obj["size"] = key.size
        obj["etag"] = key.etag.replace('"', "")
    version_id = override["version_id"] if deleting and override else getattr(key, "version_id", None)
    if version_id and version_id != "null":
        obj["version-id"] = str(version_id)
    obj["sequencer"] = _sequencer()
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket.name},
        "object": obj,
        "request-id": uuid.uuid4().hex[:16].upper(),
        "requester": account_id,
        "source-ip-address": "127.0.0.1",
        "reason": _REASONS.get(event_name, event_name.split(":")[1]),
    }
    if deleting:
        detail["deletion-type"] = override["deletion_type"] if override else "Permanently Deleted"
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": "aws.s3",
        "account": account_id,
        "time": _now_iso(),
        "region": bucket.region_name,
        "resources": [bucket.arn],
        "detail": detail,
    }
