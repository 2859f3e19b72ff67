"""HTML pages from partnership websites: headings, lists, tables; chrome dropped."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from kb.ingest.inline import CHROME_TEXT as _CHROME_TEXT, squash
from kb.ingest.metadata import site_in_title
from kb.ingest.structure import HEADING, ITEM, PARAGRAPH, TABLE_ROW, Block, DocumentStructure
from kb.ingest.readers.text_reader import decode
from kb.ingest.readers.format import ReaderFormat

_DROP = ["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg", "iframe", "button"]
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "table", "ul", "ol", "div", "section",
               "article", "main", "blockquote", "dl", "dt", "dd", "figure", "figcaption", "pre"}


def _li_text(li: Tag) -> str:
    parts = []
    for node in li.descendants:
        if isinstance(node, NavigableString):
            inner_list = node.find_parent(["ul", "ol"])
            if inner_list is not None and li in inner_list.parents:
                continue
            parts.append(str(node))
    return squash(" ".join(parts))


def _walk(node: Tag, blocks: list[Block]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            text = squash(str(child))
            if text and node.name in ("div", "section", "article", "main", "body", "blockquote"):
                blocks.append(Block(PARAGRAPH, text))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = squash(child.get_text(" "))
            if text:
                blocks.append(Block(HEADING, text, level=int(name[1])))
        elif name == "p" or name in ("dt", "dd", "figcaption", "pre"):
            text = squash(child.get_text(" "))
            if text:
                blocks.append(Block(PARAGRAPH, text))
        elif name == "li":
            text = _li_text(child)
            if text:
                blocks.append(Block(ITEM, text))
            for sub in child.find_all(["ul", "ol"], recursive=False):
                _walk(sub, blocks)
        elif name == "table":
            header: list[str] | None = None
            for r, tr in enumerate(child.find_all("tr")):
                cells = [squash(c.get_text(" ")) for c in tr.find_all(["th", "td"])]
                if not any(cells):
                    continue
                if header is None:
                    header = cells
                    blocks.append(Block(TABLE_ROW, " | ".join(c for c in cells if c), cells=cells))
                else:
                    blocks.append(Block(TABLE_ROW, " | ".join(c for c in cells if c), cells=cells, header=header))
        elif name in _BLOCK_TAGS or name in ("body", "span", "a", "strong", "em", "b", "i", "u"):
            if name in ("span", "a", "strong", "em", "b", "i", "u"):
                text = squash(child.get_text(" "))
                if text and node.name in ("div", "section", "article", "main", "body"):
                    blocks.append(Block(PARAGRAPH, text))
            else:
                _walk(child, blocks)


# site chrome, wherever a page puts it: by the class or id of its element, and by its words
_CHROME_ATTR = re.compile(r"breadcrumb|share|social|feedback|cookie|print|skip|rating|helpful|back-to-top|"
                          r"site-search|pagination|page-tools|last-updated|updated-date", re.I)
_UPDATED = re.compile(r"\b(?:last updated|page last updated|last reviewed|updated|published)\s*:?\s*(.{4,40}?\d{4})", re.I)
_DATE_META = ("dcterms.modified", "dc.date.modified", "article:modified_time", "last-modified", "dcterms.date",
              "dc.date", "article:published_time", "date")


def _is_chrome(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    attrs = " ".join([tag.get("id") or ""] + list(tag.get("class") or []) + [tag.get("aria-label") or ""])
    return bool(attrs.strip()) and bool(_CHROME_ATTR.search(attrs)) and tag.name not in ("main", "article", "body")


def _hints(soup: BeautifulSoup) -> dict:
    """What the page says of itself: the site's name and the page's date."""
    hints: dict = {}
    site = soup.find("meta", attrs={"property": "og:site_name"})
    if site and site.get("content"):
        hints["publisher"] = squash(site["content"])
    elif soup.title and (site := site_in_title(squash(soup.title.get_text()))[1]):
        hints["publisher"] = site
    for key in _DATE_META:
        tag = soup.find("meta", attrs={"name": key}) or soup.find("meta", attrs={"property": key})
        if tag and tag.get("content"):
            hints["date"] = tag["content"][:10]
            break
    if "date" not in hints:
        text = soup.get_text(" ")
        m = _UPDATED.search(text)
        time_tag = soup.find("time")
        if m:
            hints["date"] = squash(m.group(1))
        elif time_tag is not None:
            hints["date"] = (time_tag.get("datetime") or time_tag.get_text())[:10].strip()
    return hints


def read(data: bytes, name: str) -> DocumentStructure:
    soup = BeautifulSoup(decode(data, name), "html.parser")
    hints = _hints(soup)
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo", "search"]}):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if _is_chrome(t)]:
        if not tag.decomposed:
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[Block] = []
    _walk(root, blocks)
    blocks = [b for b in blocks if b.kind == HEADING or not _CHROME_TEXT.match(b.text.strip())]
    page_title = squash(soup.title.get_text()) if soup.title else None
    h1 = next((b.text for b in blocks if b.kind == HEADING), None)
    return DocumentStructure(title=h1 or page_title, blocks=blocks, hints=hints)


FORMAT = ReaderFormat("web pages (.html)", (".html", ".htm"), ("text/html", "application/xhtml+xml"), read)
