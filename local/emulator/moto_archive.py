"""Archived objects (GLACIER, DEEP_ARCHIVE) in moto as S3 answers for them.

moto 5.2.5 refuses GET and CopyObject of an archived object that is not restored (403
InvalidObjectState / ObjectNotInActiveTierError) as S3 does, but:

  - SelectObjectContent reads the archived bytes anyway (S3: 403 InvalidObjectState);
  - GetObjectTagging of an archived object fails with InvalidObjectState (S3 answers it: tags are
    metadata, not the archived bytes);
  - a second RestoreObject while the first is still running restarts it with 200 (S3: 409
    RestoreAlreadyInProgress);
  - a restore's progress counts from the object's creation, not from the restore request, so with
    a timed restore an old object would come back at once.

install() closes these four gaps. Restores still complete at once by default (moto's state
manager, model "s3::keyrestore"); LOCAL_RESTORE_SECONDS=N makes each take N seconds, and the
state manager's "manual" progression keeps one "ongoing" for as long as a test needs.
"""

import datetime
import os
from typing import Any

from moto.moto_api import state_manager
from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses
from moto.s3.exceptions import InvalidObjectState, S3ClientError
from moto.s3.utils import ARCHIVE_STORAGE_CLASSES

_RESTORE_MODEL = "s3::keyrestore"


class RestoreAlreadyInProgress(S3ClientError):
    code = "RestoreAlreadyInProgress"

    def __init__(self) -> None:
        super().__init__("Object restore is already in progress")

    def response(self) -> tuple[int, dict[str, str], str]:
        # S3's status for it is 409; moto's serialiser knows no shape for the code and would send 400.
        body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{self.code}</Code><Message>{self.message}</Message></Error>'
        return 409, {"Content-Type": "application/xml"}, body


def _readable(key: Any) -> bool:
    if key.storage_class not in ARCHIVE_STORAGE_CLASSES:
        return True
    return 'ongoing-request="false"' in key.response_dict.get("x-amz-restore", "")


def install() -> None:
    seconds = os.environ.get("LOCAL_RESTORE_SECONDS")
    if seconds:
        state_manager.set_transition(_RESTORE_MODEL, {"progression": "time", "seconds": int(seconds)})

    original_select = s3_models.S3Backend.select_object_content
    original_restore_object = s3_models.S3Backend.restore_object
    original_restore = s3_models.FakeKey.restore

    def select_object_content(self: Any, bucket_name: str, key_name: str, *args: Any, **kwargs: Any) -> Any:
        key = self.get_object(bucket_name, key_name)
        if key is not None and not _readable(key):
            raise InvalidObjectState(storage_class=key.storage_class)
        return original_select(self, bucket_name, key_name, *args, **kwargs)

    def restore_object(self: Any, bucket_name: str, key_name: str, *args: Any, **kwargs: Any) -> Any:
        key = self.get_object(bucket_name, key_name)
        if key is not None and key.storage_class in ARCHIVE_STORAGE_CLASSES and key.expiry_date is not None and key.status == "IN_PROGRESS":
            raise RestoreAlreadyInProgress()
        return original_restore_object(self, bucket_name, key_name, *args, **kwargs)

    def restore(self: Any, days: int) -> None:
        # A first restore starts now; extending a finished one keeps it readable (as S3 does).
        if self.expiry_date is None:
            self._status = "IN_PROGRESS"
            self._tick = 0
            self._time_progressed = datetime.datetime.now()
        original_restore(self, days)

    original_get_object_tagging = s3_responses.S3Response.get_object_tagging
    original_get_key = s3_responses.S3Response._get_key

    def get_object_tagging(self: Any) -> Any:
        # moto's handler reads the key through _get_key(), which refuses archived objects.
        self._get_key = lambda validate_storage_class=True: original_get_key(self, validate_storage_class=False)
        try:
            return original_get_object_tagging(self)
        finally:
            del self._get_key

    original_key_post = s3_responses.S3Response._key_response_post

    def key_response_post(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return original_key_post(self, *args, **kwargs)
        except RestoreAlreadyInProgress as err:
            return err.response()

    s3_responses.S3Response._key_response_post = key_response_post
    s3_responses.S3Response.get_object_tagging = get_object_tagging
    s3_models.S3Backend.select_object_content = select_object_content
    s3_models.S3Backend.restore_object = restore_object
    s3_models.FakeKey.restore = restore
