"""Markdown to safe HTML: CommonMark with raw HTML off, then an allowlist sanitiser.

Two layers on purpose: markdown-it never emits author HTML, and nh3 removes anything that
is not plain document structure even if a future change turns HTML on. No author script runs.
"""
from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set(), "ol": {"start"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


@lru_cache(maxsize=1024)
def render(text: str) -> Markup:
    """Safe HTML for ``text`` (cached: lesson texts of an offered version never change)."""
    html = _parser().render(text or "")
    # Authors write with ## headings; a stray # would compete with the page's own <h1>.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"https", "http", "mailto"}, link_rel="noopener noreferrer nofollow")
    return Markup(clean)
