"""JSON request bodies within bounds: size per view, nesting depth and list length.

Python's json module recurses once per `[` or `{`: 1,500 of them is a RecursionError (a
500), and a body of a million small items costs seconds to parse and then to validate
field by field. Every endpoint takes a few KB, so bodies are capped at MAX_BODY_BYTES
unless a view says otherwise (`max_body_bytes`: the two that carry base64 scans and photos
take settings.DATA_UPLOAD_MAX_MEMORY_SIZE), before anything is parsed; what is parsed is
then walked once, without recursion, for depth and length.
"""

import json
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from consular.api.problems import MalformedBody, PayloadTooLarge

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 1000
# A lone surrogate (`"\ud800"`) is valid JSON but not text: no database or encoder can store it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def body_limit(view) -> int:
    """The view's `max_body_bytes`, else MAX_BODY_BYTES; never above Django's own request limit."""
    limit = getattr(view, "max_body_bytes", MAX_BODY_BYTES)
    return min(limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE or limit)


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with limits: 413 past the size, 400 naming the field past depth or length."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = body_limit(parser_context.get("view"))
        request = parser_context.get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The request body is larger than this endpoint accepts ({limit} bytes).")
        raw = stream.read(limit + 1) if stream is not None else b""
        return load_json(raw, limit=limit, encoding=parser_context.get("encoding", settings.DEFAULT_CHARSET))


def load_json(raw: bytes, *, limit: int = MAX_BODY_BYTES, encoding: str = "utf-8"):
    """A JSON body within the limits: PayloadTooLarge (413), MalformedBody or ParseError (400)."""
    if len(raw) > limit:
        raise PayloadTooLarge(f"The request body is larger than this endpoint accepts ({limit} bytes).")
    try:
        data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
    except RecursionError as deep:
        raise MalformedBody(f"The JSON body is nested more than {MAX_DEPTH} levels deep.", "too_deep") from deep
    except ValueError as error:
        raise ParseError(f"JSON parse error - {error}") from error
    check_shape(data)
    return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def check_shape(data) -> None:
    """Depth, list and object sizes, and text that can be stored: MalformedBody naming the first field past them."""
    stack: list[tuple[object, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                raise MalformedBody("This text contains a lone surrogate code point.", "invalid_text", path)
            continue
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise MalformedBody(f"Nested more than {MAX_DEPTH} levels deep.", "too_deep", path)
        if len(value) > MAX_ITEMS:
            raise MalformedBody(f"More than {MAX_ITEMS} items.", "too_long", path)
        if isinstance(value, dict):
            for key, inner in value.items():
                if LONE_SURROGATE.search(key):
                    raise MalformedBody("This name contains a lone surrogate code point.", "invalid_text", path)
                stack.append((inner, f"{path}.{key}" if path else key, depth + 1))
        else:
            stack.extend((inner, f"{path}[{index}]", depth + 1) for index, inner in enumerate(value))
