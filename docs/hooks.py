"""mkdocs hooks: generate the catalog-driven pages when the site is built.

* ``on_config``: expand the ``Operations`` entry of the navigation into one page per
  catalog operation, grouped by family (``docs_pages.nav_entries``);
* ``on_files``: add the generated pages, API pages and SVG figures (``docs_pages.generated_files``);
* ``on_page_markdown``: render the hand-written pages' LaTeX (``\\( \\)``, ``\\[ \\]``) to MathML and
  fill their ``<!-- convspec:NAME -->`` placeholders;
* ``on_page_content``: swap the formula placeholders for MathML (``docs_math.substitute``).

The generator modules live next to this file (``docs/*.py``, excluded from the site).
Any disagreement between the docs and the code (a worked example the reference does not
reproduce, a figure that contradicts the spec, a missing description) raises and fails the build.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_DOCS = Path(__file__).resolve().parent
if str(_DOCS) not in sys.path:
    sys.path.insert(0, str(_DOCS))

from mkdocs.structure.files import File  # noqa: E402

import docs_math  # noqa: E402
import docs_pages  # noqa: E402

_PLACEHOLDER = re.compile(r"<!--\s*convspec:([\w-]+)\s*-->")
# LaTeX in the hand-written pages: \( inline \) and \[ display \], rendered to MathML at build time.
_INLINE_MATH = re.compile(r"\\\((.+?)\\\)")
_DISPLAY_MATH = re.compile(r"\\\[(.+?)\\\]", re.S)

# The package is laid out flat (spec/ is convspec.spec, see pyproject.toml's package-dir), which
# griffe cannot follow through the editable install. The API pages read the sources through a
# package-shaped tree of symlinks instead: build/docs-src/convspec/<sub> -> ../../../<sub>.
_SOURCE_TREE = _DOCS.parent / "build" / "docs-src" / "convspec"


def _link_sources() -> None:
    _SOURCE_TREE.mkdir(parents=True, exist_ok=True)
    for sub in ("spec", "reference", "accelerated", "conformance"):
        link = _SOURCE_TREE / sub
        if not link.is_symlink():
            link.symlink_to(Path("..", "..", "..", sub))


_link_sources()


def on_config(config):
    nav = config.get("nav") or []
    for position, item in enumerate(nav):
        if isinstance(item, dict) and "Operations" in item:
            nav[position] = {"Operations": docs_pages.nav_entries()}
            break
    else:
        raise ValueError("mkdocs.yml: the nav needs an 'Operations: operations/index.md' entry for the generated pages")
    return config


_GENERATED: set[str] = set()


def on_files(files, config):
    for path, content in docs_pages.generated_files().items():
        files.append(File.generated(config, path, content=content))
        _GENERATED.add(path)
    return files


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri in _GENERATED:  # generated pages carry their formulas as tokens already
        return markdown
    markdown = _DISPLAY_MATH.sub(lambda m: "\n\n" + docs_math.math_token(m.group(1).strip()) + "\n\n", markdown)
    markdown = _INLINE_MATH.sub(lambda m: docs_math.math_token(m.group(1).strip(), display=False), markdown)
    return _PLACEHOLDER.sub(lambda m: docs_pages.snippet(m.group(1)), markdown)


def on_page_content(html, page, config, files):
    return docs_math.substitute(html)
