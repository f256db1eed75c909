"""The spec's docstrings (reStructuredText-flavoured) as Markdown for the generated pages.

Only what convspec's docstrings use: ``literal``, :role:`target`, section headings
underlined with ``---``, ``*`` bullets (nested by indentation), literal blocks after
``::`` and doctest blocks. The RFC 2119 words in bold (**must**, **should**, **may**)
get a class so the page can mark them.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass

_ROLE = re.compile(r":(?:func|mod|class|data|meth|attr|obj):`~?([^`]+)`")
_LITERAL = re.compile(r"``(.+?)``", re.S)  # a literal may run across a line break (inline() on a paragraph)
_RFC = re.compile(r"\*\*(must not|must|should not|should|may|MUST NOT|MUST|SHOULD|MAY)\*\*")
_HEADING_RULE = re.compile(r"^\s*([-=~^])\1{2,}\s*$")


def inline(text: str) -> str:
    """Inline markup: roles and ``literals`` to code spans, RFC words marked."""
    text = _ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    text = text.replace("``\\ ", "``")  # reST's escaped space (``Fraction``\ s reads "Fractions")
    text = _LITERAL.sub(lambda m: "`" + " ".join(m.group(1).replace("`", "'").split()) + "`", text)
    return _RFC.sub(lambda m: f'<strong class="rfc rfc-{m.group(1).split()[0].lower()}">{m.group(1)}</strong>', text)


@dataclass
class Section:
    title: str  # "" for the text before the first heading
    body: str  # reST source of the section, dedented


def sections(doc: str) -> list[Section]:
    """Split a docstring at its underlined headings."""
    lines = inspect.cleandoc(doc).splitlines()
    result = [Section("", "")]
    buffer: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and lines[i].strip() and _HEADING_RULE.match(lines[i + 1]) and len(lines[i + 1].strip()) >= len(lines[i].strip()) - 1:
            result[-1].body = "\n".join(buffer).strip("\n")
            result.append(Section(lines[i].strip(), ""))
            buffer = []
            i += 2
            continue
        buffer.append(lines[i])
        i += 1
    result[-1].body = "\n".join(buffer).strip("\n")
    return result


def blocks(body: str) -> list[str]:
    """Paragraph-level blocks (a bullet list is one block per top-level bullet)."""
    out: list[str] = []
    current: list[str] = []
    for line in body.splitlines():
        starts_bullet = bool(re.match(r"^[*-] ", line))
        if (not line.strip() and current and not _in_literal(current)) or (starts_bullet and current and not _in_literal(current)):
            out.append("\n".join(current))
            current = []
            if not line.strip():
                continue
        if line.strip() or current:
            current.append(line)
    if current:
        out.append("\n".join(current))
    return [b.rstrip() for b in out if b.strip()]


def _in_literal(lines: list[str]) -> bool:
    """True while the block is inside a ``::`` literal block (blank lines belong to it)."""
    for j, line in enumerate(lines):
        if line.rstrip().endswith("::"):
            rest = lines[j + 1 :]
            return not rest or all(not r.strip() or r.startswith((" ", "\t")) for r in rest)
    return False


def to_markdown(body: str) -> str:
    """Convert one section body to Markdown."""
    out: list[str] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith(">>>"):
            code = []
            while i < len(lines) and lines[i].strip():
                code.append(lines[i].strip() if lines[i].strip().startswith((">>>", "...")) else lines[i])
                i += 1
            out += ["", "```pycon", *code, "```", ""]
            continue
        if line.rstrip().endswith("::"):
            intro = line.rstrip()[:-1]
            if intro.strip() == ":":
                intro = ""
            out.append(_line(intro))
            i += 1
            literal = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                literal.append(lines[i])
                i += 1
            out += ["", "```text", *textwrap.dedent("\n".join(literal)).strip("\n").splitlines(), "```", ""]
            continue
        while line.count("``") % 2 and i + 1 < len(lines) and lines[i + 1].strip():
            i += 1  # a ``literal`` broken across lines: join the lines so it stays one code span
            line = line.rstrip() + " " + lines[i].strip()
        out.append(_line(line))
        i += 1
    return "\n".join(out).strip("\n") + "\n"


def _line(line: str) -> str:
    """A bullet keeps its nesting (2 reST spaces -> 4 Markdown spaces); text is re-indented to match."""
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    bullet = re.match(r"^[*-] ", stripped)
    if bullet:
        return " " * (4 * (indent // 2)) + "- " + inline(stripped[2:])
    if indent and stripped:
        return " " * (4 * max(indent // 2, 1)) + inline(stripped)
    return inline(line)


def mentions(text: str, name: str) -> bool:
    """Whether ``name`` appears as a whole identifier (``max_pool`` is not in ``global_max_pool``)."""
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None


def paragraph_starting(doc: str, label: str) -> str:
    """The paragraph of a docstring that starts with ``label`` (e.g. ``Conditions:``), without the label."""
    for block in blocks(inspect.cleandoc(doc or "")):
        if block.lstrip().startswith(label):
            return " ".join(part.strip() for part in block.strip()[len(label):].splitlines()).strip()
    return ""


def google_args(doc: str) -> dict[str, str]:
    """``Args:`` entries of a Google-style docstring; ``a, b: text`` gives both names the text."""
    lines = inspect.cleandoc(doc or "").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Args:")
    except StopIteration:
        return {}
    entries: dict[str, str] = {}
    names: list[str] = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        if not line.startswith(" "):
            break
        entry = re.match(r"^ {4}([\w, *]+?):\s(.*)$", line)
        if entry and not line.startswith("     "):
            names = [n.strip() for n in entry.group(1).split(",")]
            for name in names:
                entries[name] = entry.group(2).strip()
        elif names:
            for name in names:
                entries[name] += " " + line.strip()
    return entries
