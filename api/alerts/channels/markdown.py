"""The markdown body the three robots share (each supports a small subset: headings, bold, quotes, links, lists)."""

from __future__ import annotations

from api.alerts.channels.message import AlertMessage, Counted, crossed, fit_bytes, headline, labels, part_line


def one_line(text: str) -> str:
    """Names come from users and platforms: a newline in one must not start a heading or a quote of its own."""
    return " ".join(text.split())


def _rows(rows: tuple[Counted, ...]) -> list[str]:
    return [f"- {one_line(row.shown)}: {row.count}" for row in rows]


def heading(message: AlertMessage) -> str:
    return f"### {one_line(headline(message))}"


def markdown_lines(message: AlertMessage, *, title: str | None, quote: str = "> ", link: bool = True) -> list[str]:
    """Title (None: none, the card has its own), what crossed the threshold, scope and time, the rules of a digest,
    the top lists, the board link. `quote` prefixes the facts (Feishu's lark_md has no quotes)."""
    words = labels(message)
    lines = [title] if title is not None else []
    lines.append(f"{quote}{crossed(message)}")
    if message.scope:
        lines.append(f"{quote}{words['scope']}: {one_line(message.scope)}")
    lines.append(f"{quote}{words['time']}: {message.local_time()}")
    if message.parts:
        lines += ["", f"**{words['rules']}**", *(f"- {one_line(part_line(p))}" for p in message.parts)]
    if message.top_error_types:
        lines += ["", f"**{words['types']}**", *_rows(message.top_error_types)]
    if message.top_shops:
        lines += ["", f"**{words['shops']}**", *_rows(message.top_shops)]
    if link:
        lines += ["", f"[{words['open']}]({message.board_url})"]
    return lines


def link_line(message: AlertMessage) -> str:
    return f"[{labels(message)['open']}]({message.board_url})"


def fit_with_tail(body: list[str], tail: list[str], limit: int, marker: str) -> str:
    """The body cut to fit `limit` bytes together with the tail (board link, mentions), which is never cut."""
    tail_text = "\n".join(["", "", *tail]) if tail else ""
    return fit_bytes("\n".join(body), limit - len(tail_text.encode()), marker) + tail_text
