"""What the commands share: the --lang, --layout and --count options, and the JSON encoder."""

from __future__ import annotations

import json

import click

LAYOUT = click.Choice(["hwc", "chw"])


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value:
        from quizgen.i18n import set_language

        set_language(value)
    return value


LANG = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    callback=_set_lang,
    is_eager=True,
    expose_value=False,
    help="Language of the output: en or zh (简体中文) [default: $QUIZGEN_LANG, else en].",
)
COUNT = click.Choice(["macs", "flops", "flops+bias"])


def joined_spec(words: tuple[str, ...]) -> str:
    """SPEC as given on the command line, quoted or not."""
    return " ".join(words)


_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def dump(obj: object) -> str:
    """``obj`` as one line of JSON, non-ASCII kept."""
    return _ENCODER.encode(obj)
