"""moto in server mode, with S3 -> EventBridge events shaped like AWS's.

moto 5.2.5's `_send_event_bridge_message` (moto/s3/notifications.py) sends a fixed event id, a
unix-number `time`, `eTag` instead of `etag`, a constant sequencer and no `deletion-type`; it emits
nothing for delete markers or for deleting one version of several; and one failing rule target
silently stops delivery to every later rule. This launcher replaces that function and wraps
`S3Backend.delete_object` before starting the ordinary moto server, so the local copy's rules see
the events S3 sends on AWS ("Amazon S3 Event Notifications with EventBridge"); the event itself
is built by moto_s3_events.py.

It also serialises DynamoDB writes. moto evaluates a ConditionExpression and applies the write
without a lock while its server is threaded, so two racing conditional writes to one item can both
pass (a lost update DynamoDB never allows). Locks, queues, counters and the fan-out join depend on
that guarantee, so every write operation runs under one process-wide lock; reads stay concurrent.
The tests' private moto servers (test/support/moto.ts) use this same launcher.

Beside these fidelity patches it installs moto_speed (the same answers, less work; the per-request
access log is off unless LOCAL_MOTO_DEBUG is set), moto_streaming (GETs streamed from the stored
value, multipart completion without copies), moto_upload (request bodies and values stored with
fewer copies), moto_state (the drills' crash and restore) and
moto_conditional (S3 conditional writes, atomic per key), moto_archive (archived objects and
restores) and moto_keys (keys with line breaks are routed like any other). LOCAL_MOTO_PROFILE=<file>
turns on moto_profile (cProfile per request, written on SIGUSR2; SIGUSR1 is the drills' crash).

Usage: python local/emulator/moto_launcher.py -H 127.0.0.1 -p PORT
"""
import json
import logging
import os
import sys
import threading
import traceback
from typing import Any

import functools

from moto.dynamodb.models import DynamoDBBackend
from moto.events import models as events_models
from moto.events import responses as events_responses
from moto.s3 import models as s3_models
from moto.s3 import notifications
from moto.s3 import responses as s3_responses
from moto.server import main

import moto_conditional
import moto_profile
import moto_keys
import moto_archive
import moto_speed
import moto_state
import moto_streaming
import moto_upload
from moto_s3_events import aws_event
from moto_s3_events import context as _context


def _send_event_bridge_message(account_id: str, bucket: Any, event_name: str, key: Any) -> None:
    if getattr(_context, "suppress", False):
        return
    # moto applies the tags of a PutObject/CopyObject/CompleteMultipartUpload through its tagging
    # path, which emits "Object Tags Added"; S3 emits only "Object Created" for such a request.
    # moto completes a multipart upload through put_object, which emits a PutObject event first.
    if getattr(_context, "multipart", False) and event_name in ("s3:ObjectCreated:Put", "s3:ObjectTagging:Put"):
        return
    if event_name.startswith("s3:ObjectCreated:"):
        _context.created = key
    elif event_name == "s3:ObjectTagging:Put" and getattr(_context, "created", None) is key:
        _context.created = None
        return
    from moto.events.models import events_backends

    event = aws_event(account_id, bucket, event_name, key)
    backend = events_backends[account_id][bucket.region_name]
    for bus in list(backend.event_buses.values()):
        for rule in list(bus.rules.values()):
            if getattr(rule, "state", "ENABLED") != "ENABLED":
                continue
            # Each rule on its own: one failing target must not starve the rules after it.
            # moto's input transformation needs its own ingestion-time field; only pay for it (and
            # only let it touch the envelope) when a target actually transforms its input.
            transform = any(t.get("Input") or t.get("InputPath") or t.get("InputTransformer") for t in rule.targets)
            payload = {**event, "ingestion-time": event["time"]} if transform else dict(event)
            try:
                rule.send_to_targets(payload, transform_input=transform)
            except Exception:  # noqa: BLE001 - report and continue, as AWS delivers rules independently
                print(f"moto_launcher: rule {rule.name} failed to deliver an S3 event:", file=sys.stderr)
                traceback.print_exc(file=sys.stderr)


_original_delete_object = s3_models.S3Backend.delete_object


def _delete_object(self: Any, bucket_name: str, key_name: str, version_id: str | None = None, bypass: bool = False) -> Any:
    bucket = self.get_bucket(bucket_name)
    versions = list(bucket.keys.getlist(key_name, [])) if key_name in bucket.keys else []
    target = None
    if version_id is not None:
        target = next((k for k in versions if str(k.version_id) == str(version_id)), None)
    elif versions:
        target = versions[-1]
    _context.suppress = True
    try:
        result = _original_delete_object(self, bucket_name, key_name, version_id, bypass)
    finally:
        _context.suppress = False
    success, meta = result
    if not success or target is None:
        return result
    if bucket.is_versioned and version_id is None:
        # A delete marker was created: the object is hidden, every version kept.
        ctx = {"version_id": meta.get("version-id"), "deletion_type": "Delete Marker Created"}
        event_name = "s3:ObjectRemoved:DeleteMarkerCreated"
    else:
        ctx = {"version_id": version_id, "deletion_type": "Permanently Deleted"}
        event_name = "s3:ObjectRemoved:Delete"
    _context.delete = ctx
    try:
        notifications.send_event(self.account_id, event_name, bucket, target)
    finally:
        _context.delete = None
    return result


_original_send_to_sqs_queue = events_models.Rule._send_to_sqs_queue


def _send_to_sqs_queue(self: Any, resource_id: str, event: dict[str, Any], group_id: str | None = None) -> None:
    # moto converts `time` from a unix number and fails on the ISO-8601 string S3 events from this
    # launcher carry (as on AWS); those go to the queue as they are.
    if not isinstance(event.get("time"), str) or group_id:
        _original_send_to_sqs_queue(self, resource_id, event, group_id)
        return
    from moto.sqs import sqs_backends

    sqs_backends[self.account_id][self.region_name].send_message(queue_name=resource_id, message_body=json.dumps(event))


_original_send_to_targets = events_models.Rule.send_to_targets


def _send_to_targets(self: Any, event: Any, transform_input: bool = True) -> None:
    # moto treats a rule without an event pattern as matching every event, so a schedule-only rule
    # would receive every S3 event; on AWS it only fires on its schedule.
    if self.scheduled_expression and not self.event_pattern.get_pattern():
        return
    _original_send_to_targets(self, event, transform_input)


_original_get_bucket_notification = s3_responses.S3Response.get_bucket_notification


def _get_bucket_notification(self: Any) -> Any:
    # moto stores EventBridgeConfiguration but leaves it out of GetBucketNotificationConfiguration.
    config = self.backend.get_bucket_notification_configuration(self.bucket_name)
    if config is None or config.event_bridge is None:
        return _original_get_bucket_notification(self)
    serialized = self.serialized

    def with_event_bridge(result: Any) -> Any:
        if isinstance(result, s3_responses.ActionResult) and isinstance(result.result, dict):
            result = s3_responses.ActionResult({**result.result, "EventBridgeConfiguration": {}})
        return serialized(result)

    self.serialized = with_event_bridge
    try:
        return _original_get_bucket_notification(self)
    finally:
        del self.serialized


_original_complete_multipart_upload = s3_models.S3Backend.complete_multipart_upload


def _complete_multipart_upload(self: Any, *args: Any, **kwargs: Any) -> Any:
    _context.multipart = True
    try:
        return _original_complete_multipart_upload(self, *args, **kwargs)
    finally:
        _context.multipart = False


def _get_bucket_replication(self: Any) -> Any:
    # moto stores each rule's Filter and DeleteMarkerReplication but answers with a fixed empty
    # prefix and "Disabled"; answer with what was stored.
    self.data["Action"] = "GetBucketReplication"
    replication = self.backend.get_bucket_replication(self.bucket_name)
    if not replication:
        raise s3_responses.ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
    stored = replication["Rule"]
    stored = stored if isinstance(stored, list) else [stored]
    rules = []
    for rule in stored:
        out = {
            "ID": rule.get("ID"),
            "Priority": rule.get("Priority"),
            "Status": rule["Status"],
            "DeleteMarkerReplication": rule.get("DeleteMarkerReplication") or {"Status": "Disabled"},
            "Filter": rule.get("Filter") or {"Prefix": rule.get("Prefix") or ""},
            "Destination": rule["Destination"],
        }
        if rule.get("SourceSelectionCriteria"):
            out["SourceSelectionCriteria"] = rule["SourceSelectionCriteria"]
        rules.append(out)
    return self.serialized(
        s3_responses.ActionResult({"ReplicationConfiguration": {"Role": replication["Role"], "Rules": rules}})
    )


def _test_event_pattern(self: Any) -> Any:
    # moto leaves TestEventPattern unimplemented; answer it with the matcher its rules use, so
    # tests and tools can check a pattern's semantics (prefix, suffix, wildcard, anything-but,
    # numeric, exists) over the wire.
    pattern = self._get_param("EventPattern")
    event = json.loads(self._get_param("Event"))
    result = events_models.EventPattern.load(pattern).matches_event(event)
    return json.dumps({"Result": bool(result)}), self.response_headers


notifications._send_event_bridge_message = _send_event_bridge_message
events_responses.EventsHandler.test_event_pattern = _test_event_pattern
s3_responses.S3Response.get_bucket_replication = _get_bucket_replication
s3_models.S3Backend.complete_multipart_upload = _complete_multipart_upload
s3_responses.S3Response.get_bucket_notification = _get_bucket_notification
events_models.Rule.send_to_targets = _send_to_targets
events_models.Rule._send_to_sqs_queue = _send_to_sqs_queue
s3_models.S3Backend.delete_object = _delete_object

_dynamodb_write_lock = threading.RLock()


def _serialised(fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _dynamodb_write_lock:
            return fn(*args, **kwargs)

    return wrapper


for _name in ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item"):
    if hasattr(DynamoDBBackend, _name):
        setattr(DynamoDBBackend, _name, _serialised(getattr(DynamoDBBackend, _name)))


if __name__ == "__main__":
    moto_speed.install()
    moto_state.install(_dynamodb_write_lock)
    moto_streaming.install()
    moto_upload.install()
    moto_conditional.install()
    moto_archive.install()
    moto_keys.install()
    moto_profile.install()
    if not os.environ.get("LOCAL_MOTO_DEBUG"):
        # One access-log line per request, written under a global lock, was a seventh of moto's time.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    main(sys.argv[1:])
