"""Typography by rule: the spaces, apostrophes, quotation marks and signs a language writes.

Every document of a kit passes through `html` once, at the end of its rendering
(`toolkit.kit.render.Edition.render`): study text and template text alike, so no field and no
template string can be forgotten. `text` applies the same rules to a plain string.

French (any `fr*` language): a no-break space (U+00A0) before `:`, a narrow no-break space
(U+202F) before `; ! ?` and inside « »; straight double quotes become « »; typographic
apostrophes (’); a hyphen before a number becomes a minus sign (−).
English (any other language): no space before `: ; ! ?`, curly apostrophes and quotation
marks (“ ”), the same minus sign.

The rules are pure functions and idempotent: text already set right stays as it is, so a
string that went through a filter and then through the document pass is not changed twice.
Only text is touched: tags, attributes, comments, `<style>`, `<script>`, `<code>`, `<pre>`,
`<kbd>`, `<samp>`, elements with the class `id` or `code`, and URLs inside text stay as written.
Entities are read and written back escaped once (`&`, `<`, `>`), never escaped twice.
"""

from __future__ import annotations

import re
from html import escape, unescape

NBSP = "\u00a0"  # no-break space: before « : » in French
NNBSP = "\u202f"  # narrow no-break space: before « ; ! ? », inside « »
APOSTROPHE = "\u2019"
MINUS = "\u2212"
_SPACES = " \u00a0\u202f\u2009"

# A URL or an e-mail address in running text: never changed (its colon, its ? and its ').
_PROTECTED = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s<>«»\"]*[^\s<>«»\".,;:!?)]|[\w.+-]+@[\w-]+\.[\w.-]+",
                        re.IGNORECASE)

_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)|(?<=\w)'(?=[\s.,;:!?)]|$)")
_MINUS_BEFORE_NUMBER = re.compile(r"(?:(?<=^)|(?<=[\s(\[/]))[-\u2212](?=\d)")

# French
_FR_COLON = re.compile(r"(?<=[^\s\u00a0\u202f\u2009])[ \u00a0\u202f\u2009]*:(?=[\s\u00a0\u202f]|$|[)»\]])")
_FR_COLON_AFTER_SPACE = re.compile(r"[ \u202f\u2009]:(?=[\s\u00a0\u202f]|$)")
_FR_HIGH = re.compile(r"(?<=[^\s\u00a0\u202f\u2009;!?])[ \u00a0\u202f\u2009]*([;!?]+)(?=[\s\u00a0\u202f]|$|[)»\]’\"])")
_FR_OPEN = re.compile(r"«[ \u00a0\u202f\u2009]*")
_FR_CLOSE = re.compile(r"[ \u00a0\u202f\u2009]*»")
_STRAIGHT_PAIR = re.compile(r'(?<![\w])"([^"\n]+?)"(?![\w])')

# English
_EN_SPACE_BEFORE = re.compile(r"(?<=[^\s\u00a0\u202f\u2009])[ \u00a0\u202f\u2009]+([:;!?])(?=\s|$)")


def is_french(language: str) -> bool:
    return language.lower().startswith("fr")


def text(value: str, language: str) -> str:
    """`value` with the typography of `language`; URLs and e-mail addresses left as they are."""
    if not value:
        return value
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\ue000{len(kept) - 1}\ue001"  # private-use marks: no rule applies inside

    value = _rules(_PROTECTED.sub(keep, value), language)
    return _KEPT.sub(lambda match: kept[int(match.group(1))], value) if kept else value


_KEPT = re.compile("\ue000(\\d+)\ue001")


def _rules(value: str, language: str) -> str:
    if not value:
        return value
    value = _APOSTROPHE.sub(APOSTROPHE, value)
    value = _MINUS_BEFORE_NUMBER.sub(MINUS, value)
    if is_french(language):
        value = _STRAIGHT_PAIR.sub(r"«\1»", value)
        value = _FR_OPEN.sub("«" + NNBSP, value)
        value = _FR_CLOSE.sub(NNBSP + "»", value)
        value = _FR_COLON.sub(NBSP + ":", value)
        value = _FR_COLON_AFTER_SPACE.sub(NBSP + ":", value)
        value = _FR_HIGH.sub(NNBSP + r"\1", value)
    else:
        value = _STRAIGHT_PAIR.sub("\u201c\\1\u201d", value)
        value = _EN_SPACE_BEFORE.sub(r"\1", value)
    return value


def quoted(value: str, language: str) -> str:
    """`value` between the language's quotation marks (« » in French, “ ” otherwise), never twice."""
    inner = value.strip()
    for opening, closing in (("«", "»"), ("\u201c", "\u201d"), ('"', '"')):
        if len(inner) > 1 and inner.startswith(opening) and inner.endswith(closing):
            inner = inner[1:-1].strip(_SPACES)
            break
    if is_french(language):
        return f"«{NNBSP}{inner}{NNBSP}»"
    return f"\u201c{inner}\u201d"


def colon(label: str, language: str) -> str:
    """`label:` as the language writes it: a no-break space before the colon in French."""
    label = label.rstrip(_SPACES)
    return f"{label}{NBSP}:" if is_french(language) else f"{label}:"


# --- HTML ------------------------------------------------------------------------------------

_TOKEN = re.compile(r"""<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?.*?\?>|</?[a-zA-Z](?:"[^"]*"|'[^']*'|[^'">])*>""",
                    re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*?)(/?)>", re.DOTALL)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
RAW = {"style", "script", "code", "pre", "kbd", "samp", "textarea"}  # their text is never changed
VERBATIM_CLASSES = {"id", "code", "url"}  # elements showing an id, a code or an address
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Text on either side of these does not run on (a `?` after them does not belong to a word before them).
_BLOCKS = {"p", "div", "li", "td", "th", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section",
           "article", "header", "footer", "ul", "ol", "dl", "dt", "dd", "figure", "figcaption", "blockquote",
           "body", "head", "title", "caption", "aside", "nav", "main", "svg", "text", "tspan"}


def html(document: str, language: str) -> str:
    """The text of an HTML document (or fragment) set with `text`; its markup left as it is."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements that are raw or verbatim, with whether they are
    previous = ""  # the last character of text written, across inline tags (for "<em>mot</em> ?")
    position = 0
    for match in _TOKEN.finditer(document):
        chunk = document[position:match.start()]
        if chunk:
            piece, previous = _text_node(chunk, language, bool(stack), previous)
            out.append(piece)
        token = match.group(0)
        out.append(token)
        position = match.end()
        tag = _TAG.fullmatch(token)
        if tag is None:
            continue
        closing, name, attributes, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3), tag.group(4)
        if name in _BLOCKS:
            previous = ""
        if closing:
            if stack and stack[-1][0] == name:
                stack.pop()
            continue
        if self_closing or name in VOID:
            continue
        if name in RAW or _verbatim(attributes):
            stack.append((name, True))
        elif stack:
            stack.append((name, True))  # anything inside a verbatim element is verbatim too
    chunk = document[position:]
    if chunk:
        out.append(_text_node(chunk, language, bool(stack), previous)[0])
    return "".join(out)


def _verbatim(attributes: str) -> bool:
    found = _CLASS.search(attributes)
    if found is None:
        return False
    classes = next(group for group in found.groups() if group is not None)
    return bool(VERBATIM_CLASSES & set(classes.split()))


def _text_node(chunk: str, language: str, verbatim: bool, previous: str) -> tuple[str, str]:
    """One run of text between tags, set (unless verbatim) and escaped once; and its last character."""
    plain = unescape(chunk)
    if not verbatim:
        # Text just before the run (in another element: "<em>mot</em> ?") decides the space
        # before a leading "?" or ":"; a letter stands for it, that no rule changes, taken off again.
        plain = text("x" + plain, language)[1:] if previous and not previous.isspace() else text(plain, language)
    last = plain[-1] if plain else previous
    if verbatim:
        return chunk, last  # as written, entities included
    return escape(plain, quote=False), last
