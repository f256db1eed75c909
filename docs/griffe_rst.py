"""A griffe extension for the API pages: the reST bits of convspec's docstrings as Markdown.

convspec's docstrings use ``:func:`name``` roles, ``Heading`` / ``-------`` section
titles and ``::`` literal blocks. mkdocstrings reads Markdown, so the roles become code
spans, section titles bold paragraphs, and ``::`` a colon (the indented block after it
is already a Markdown code block).
"""

from __future__ import annotations

import re

import griffe

_ROLE = re.compile(r":(?:func|mod|class|data|meth|attr|obj):`~?([^`]+)`")
_HEADING = re.compile(r"^(\S[^\n]*)\n[-=~^]{3,}[ \t]*$", re.M)


def _fence_doctests(text: str) -> str:
    """Doctest blocks (``>>>`` lines and their output, up to a blank line) as ``pycon`` code blocks.

    Left as text, an output like ``[0, 1, 3]`` after a line ending in ``]`` reads as a
    Markdown reference link.
    """
    out, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        if lines[i].lstrip().startswith(">>>"):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].strip())
                i += 1
            out += [indent + "```pycon", *(indent + b for b in block), indent + "```"]
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def convert(text: str) -> str:
    text = _ROLE.sub(lambda m: f"`{m.group(1)}`", text)
    text = text.replace("``\\ ", "``")  # reST's escaped space (``Fraction``\ s reads "Fractions")
    text = _HEADING.sub(lambda m: f"**{m.group(1).strip()}**\n", text)
    text = _fence_doctests(text)
    return re.sub(r"::[ \t]*$", ":", text, flags=re.M)


class RestToMarkdown(griffe.Extension):
    def on_instance(self, *, obj, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = convert(obj.docstring.value)
