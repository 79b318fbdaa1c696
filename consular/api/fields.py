"""Request-body fields that take JSON's own types and nothing the schema does not say.

DRF's fields are lenient on purpose: a CharField takes `5`, an IntegerField `"5"` or `5.0`,
a BooleanField `"yes"`, a ChoiceField of 5 and 10 takes `"5"`. The schema says `string`,
`integer`, `boolean`, so a client reading it must be able to rely on the server refusing
anything else, and a request the schema allows must never be refused as malformed (400).
Text is therefore taken as sent (no silent trimming), and what the server refuses in text
(NUL, which PostgreSQL cannot store; a required field of only whitespace) is a `pattern`
the schema publishes.
"""

import base64
import binascii

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# Everything str.isspace() calls whitespace, which is what "only whitespace" means to the actions.
WHITESPACE = "".join(chr(code) for code in range(0x110000) if chr(code).isspace())
# `+`, not `*`: drf-spectacular publishes a blank-allowing field as oneOf(this pattern, maxLength 0), and
# "" must match only one of the two.
ANY_TEXT = r"^[^\x00]+\Z"
SOME_TEXT = rf"^[^\x00]*[^\x00{WHITESPACE}][^\x00]*\Z"
# What an HTTP header, a query string or a path may carry without reaching the database: no control characters.
PLAIN_TEXT = r"^[^\x00-\x1f\x7f-\x9f]*\Z"


class Text(serializers.CharField):
    """A JSON string, kept as sent; no NUL; when blank is not allowed, more than whitespace.

    `pattern` (a regex ending in \\Z) narrows it further; the schema publishes it.
    """

    def __init__(self, *, pattern: str | None = None, **kwargs) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        if pattern is not None:
            # First, so it is the one drf-spectacular publishes (blank, if allowed, never reaches validators).
            self.validators.insert(0, RegexValidator(pattern))
        if self.allow_blank:
            self.validators.append(RegexValidator(ANY_TEXT, message=_("Null characters are not allowed.")))
        else:
            self.validators.append(
                RegexValidator(SOME_TEXT, message=_("Give more than whitespace, without null characters."))
            )

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class Integer(serializers.IntegerField):
    """A JSON integer: not a string of digits, not 5.0, not true."""

    def to_internal_value(self, data) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Boolean(serializers.BooleanField):
    """A JSON true or false: not "yes", not 1."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class Choice(serializers.ChoiceField):
    """One of the listed values, of the listed values' JSON type: 10, not "10"."""

    def to_internal_value(self, data):
        kinds = {type(value) for value in self.choices}
        if data != "" and type(data) not in kinds:
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


# RFC 4648 base64, at least one byte, no line breaks: exactly what base64.b64decode(validate=True) takes.
BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)\Z"


@extend_schema_field(OpenApiTypes.BYTE)
class Base64File(Text):
    """A file sent inside the JSON body, base64-encoded (RFC 4648: no data: prefix, no line breaks); becomes bytes.

    The schema publishes the BASE64 pattern; the server decodes strictly, which refuses exactly what it refuses.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(pattern=BASE64, **kwargs)

    def run_validators(self, value: bytes) -> None:
        # The pattern describes the text; the decode below is its check (a regex over 15 MB is slow).
        return None

    def to_internal_value(self, data) -> bytes:
        text = super().to_internal_value(data)
        try:
            decoded = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as error:
            raise serializers.ValidationError(_("This is not valid base64."), code="invalid") from error
        if not decoded:
            raise serializers.ValidationError(_("The file is empty."), code="empty")
        return decoded


class QueryParameters(serializers.Serializer):
    """Query parameters as the schema publishes them: one sent empty is a value to check, not an absent one.

    DRF reads `?changed_since=` as "not given" (an HTML form's empty field); the schema says a date-time.
    """

    def to_internal_value(self, data):
        blank = {
            name: [_("This parameter may not be empty; leave it out instead.")]
            for name, field in self.fields.items()
            if name in data and data.get(name) == "" and not getattr(field, "allow_blank", False)
        }
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)
