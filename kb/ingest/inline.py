"""Inline text of any reader: markup that carries no meaning, whitespace, lines joined into a
paragraph (hyphens at a break kept or dropped), and site chrome known by its words."""
from __future__ import annotations

import re

_TAG = re.compile(r"</?(?:i|u|b|em|strong|span|sup|sub|br|font)\b[^>]*>", re.I)
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_EMPH = re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])", re.S)


def clean_inline(text: str) -> str:
    """Remove markup that carries no meaning for a reader of the text."""
    text = _TAG.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _BOLD.sub(r"\1", text)
    text = _EMPH.sub(r"\1", text)
    return text


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


_PREFIXES_KEEP_HYPHEN = {
    "multi", "non", "pre", "inter", "intra", "co", "self", "cross", "well", "long", "short",
    "post", "extra", "anti", "sub", "semi", "re", "ex", "half", "under", "over", "up",
}


# Site chrome by its words, wherever a page (or a page printed to PDF) puts it: navigation,
# breadcrumbs, page tools, feedback widgets, cookie banners, "Last updated", footer links
_CHROME_PHRASES = (r"home|print(?: this page)?|share(?: this page)?(?: on \w+)?|email this page|"
                   r"was this page (?:useful|helpful)\??|yes|no|skip to (?:main )?content|back to top|"
                   r"accept (?:all )?cookies|reject (?:all )?cookies|cookie settings|"
                   r"contact us|accessibility(?: statement)?|privacy(?: notice| policy)?|cookies|"
                   r"terms(?: and conditions)?|sitemap|site map")
CHROME_TEXT = re.compile(
    rf"^(?:(?:{_CHROME_PHRASES})(?:(?:\s*[|·•]\s*|\s+)(?:{_CHROME_PHRASES}))*\??|"
    r"(?:page )?last (?:updated|reviewed|modified)\b.*|(?:we use|this site uses) cookies\b.*|"
    r"you are here:?.*|home\s*[>›»/|].*|(?:©|\(c\)|copyright)\s.*)$", re.I)


def _keeps_hyphen(before: str, line: str) -> bool:
    """Whether a hyphen at a line's end belongs to the word ("life-" / "changing", "17-" /
    "year-old", "multi-" / "Agency") rather than breaking it ("particu-" / "larly"): a prefix
    that keeps its hyphen, or two words that are words on their own while the whole is not."""
    from kb.search.spelling import english_words  # the model's word list, read once

    after = re.match(r"[A-Za-z]+", line)
    after = after.group(0).lower() if after else ""
    if before in _PREFIXES_KEEP_HYPHEN or before.isdigit():
        return True
    words = english_words()
    if (before + after) in words:
        return False
    return len(before) >= 2 and len(after) >= 2 and before in words and after in words


def join_lines(lines: list[str]) -> str:
    """Join the lines of one paragraph, re-joining words hyphenated at a break."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        m = re.search(r"(\w+)-$", out)
        prefix = m.group(1).lower() if m and not out.endswith("--") else None
        if prefix and line[:1].isalpha() and _keeps_hyphen(prefix, line):  # "multi-" / "Agency"
            out = out + line
        elif prefix and line[:1].islower():
            out = out[:-1] + line
        else:
            out = out + " " + line
    return squash(out)
