"""Object keys with line breaks reach their handler, as every legal S3 key does on AWS.

S3 accepts any UTF-8 key up to 1,024 bytes, control characters included. moto's server routes
requests through werkzeug rules built from regular expressions such as
`(?P<key_name>.+)`, and `.` matches no line break: a key containing `\\n` (sent as `%0A`) matched no
rule, so every request for it — PUT, GET, HEAD, DELETE — got 404 from the router before S3 code
ran. install() makes moto's regex converter match across line breaks (a scoped `(?s:…)` group, so
the rest of the rule is unchanged).
"""

from typing import Any

from moto.moto_server import utilities


def install() -> None:
    original_init = utilities.RegexConverter.__init__

    def init(self: Any, url_map: Any, *items: Any) -> None:
        original_init(self, url_map, *items)
        self.regex = f"(?s:{self.regex})"

    utilities.RegexConverter.__init__ = init  # type: ignore[method-assign]
