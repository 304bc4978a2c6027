"""A completed multipart object's value read from its parts' files, not from a copy of them.

CompleteMultipartUpload copied every part into a new spool file: a second write of the whole object
(~1.2 CPU-s per GiB on this machine's ext4, as much again in writeback, and twice the disk space
until moto deleted the upload). SegmentedSpool is the object's value as file descriptors dup'ed
from the parts' spool files (a part still in memory, under the 5 MiB spool limit, is copied): it
reads the very bytes the parts hold, and stays readable when moto disposes of the upload right
after completing it, which closes the parts' files (their descriptors here keep the unlinked files
alive). It serves what FakeKey asks of its value buffer (seek/read for the value getter, the ETag
and pickling for moto_state; close on dispose); moto_streaming's GETs pread its ranges.
"""

import os
from typing import Any, Iterator


def pread_chunks(fd: int, offset: int, length: int, chunk: int) -> Iterator[bytes]:
    """The bytes [offset, offset + length) of a file descriptor, at most `chunk` per pread; stops early at its end."""
    end = offset + length
    while offset < end:
        data = os.pread(fd, min(chunk, end - offset), offset)
        if not data:
            return
        offset += len(data)
        yield data


class SegmentedSpool:
    """Read-only file over segments, each a file descriptor or bytes, with its size."""

    def __init__(self, parts: list[Any]) -> None:
        self.segments: list[tuple[int | bytes, int]] = []
        for part in parts:
            spool = part._value_buffer
            if spool._rolled:
                spool.flush()
                self.segments.append((os.dup(spool.fileno()), part.contentsize))
            else:
                spool.seek(0)
                self.segments.append((spool.read(part.contentsize), part.contentsize))
        self.size = sum(size for _, size in self.segments)
        self._pos = 0
        self.closed = False

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, n: int | None = -1) -> bytes:
        stop = self.size if n is None or n < 0 else min(self.size, self._pos + n)
        out = []
        for source, offset, length in self.ranges(self._pos, stop):
            if isinstance(source, bytes):
                out.append(source[offset : offset + length])
            else:
                out.extend(pread_chunks(source, offset, length, length))
        self._pos = max(self._pos, stop)
        return b"".join(out)

    def ranges(self, start: int, stop: int) -> list[tuple[int | bytes, int, int]]:
        """(segment, offset in it, length) covering [start, stop)."""
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        out = []
        at = 0
        for source, size in self.segments:
            lo, hi = max(start, at), min(stop, at + size)
            if lo < hi:
                out.append((source, lo - at, hi - lo))
            at += size
        return out

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for source, _ in self.segments:
            if isinstance(source, int):
                os.close(source)
        self.segments = []
