"""The documentation site, built for real and read in a real browser (headless Chromium).

Built once per session with ``mkdocs build --strict`` (the build itself checks the
docs against the code: every worked example is run through the reference, every
figure is cross-checked with the spec), served on 127.0.0.1 from a thread, and every
page is opened with playwright. Per page: no console error, no request leaving
localhost, every formula rendered as MathML with a real size (at least one on each
operation page), every figure loaded, every same-origin link answering 200, and no
page wider than the window at 1280 px or at 390 px (formulas, tables and code scroll
inside their own box; an operation page's formulas fit a 1280 px window unscrolled). Every worked
example's copy button copies a program the build ran (``operations/programs.json``). The
search box must find an operation by name, and rank it first for a framework's
name of it ("MaxPool2d", "Conv2d") or its plain name ("transposed convolution"). Every image and figure lies
within its box at both widths, and no raw TeX is left in the text. Screenshots of a sample of pages at both widths
are saved under ``build/screenshots/``. One browser, one page per width, reused for every visit.

Needs the system Chromium (``/usr/bin/chromium``, the Debian package); playwright's
own browser download is never used. Without it the module is skipped.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

if not CHROMIUM.exists():
    if os.environ.get("CI"):  # CI installs it (make test -> browser): a missing browser there is a failure
        raise RuntimeError(f"CI is set but {CHROMIUM} is missing: the docs browser test cannot run")
    pytest.skip(f"the docs browser test needs the system Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
pytest.importorskip("mkdocs")


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The built site. With pytest-xdist the workers share one build (a file lock in the common temp dir)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    site = shared / "docs-site"
    done = shared / "docs-site.ok"
    with open(shared / "docs-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            mkdocs = Path(sys.executable).with_name("mkdocs")
            command = [str(mkdocs) if mkdocs.exists() else sys.executable, *([] if mkdocs.exists() else ["-m", "mkdocs"]),
                       "build", "--strict", "--clean", "-f", str(ROOT / "mkdocs.yml"), "-d", str(site)]
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                                    env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
            assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
            done.write_text("ok")
    return site


@pytest.fixture(scope="session")
def server(site_dir):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    class QuietServer(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # the browser may drop a connection mid-file (a page left before its fonts arrived): not a failure,
            # and socketserver's traceback for it only cluttered the test run's output
            if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
                super().handle_error(request, client_address)

    httpd = QuietServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site_dir)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _pages(site_dir: Path) -> list[str]:
    """Every page of the built site, as a path relative to the site root ('' for the home page)."""
    pages = []
    for index in sorted(site_dir.rglob("index.html")):
        relative = index.parent.relative_to(site_dir).as_posix()
        if relative.startswith(("assets", "search")):
            continue
        pages.append("" if relative == "." else relative + "/")
    return pages


# Layout: how far the page body is wider than the window (a formula, a wide table or a code block may
# scroll inside its own box, never the page), and which display formulas need their box scrolled.
_LAYOUT_JS = """() => {
  const overflow = document.scrollingElement.scrollWidth - window.innerWidth;
  const scrolling = [...document.querySelectorAll('article .cs-display')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => `${box.textContent.replace(/\\s+/g, '').slice(0, 50)} (+${box.scrollWidth - box.clientWidth} px)`);
  // every image and figure lies within its box: the nearest ancestor that scrolls sideways, else the article
  const article = document.querySelector('article');
  const figures = [...document.querySelectorAll('article img, article svg')].filter(e => !e.parentElement.closest('svg'));
  const outside = figures.filter(e => {
      let box = e.parentElement;
      while (box !== article && !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
      const r = e.getBoundingClientRect(), b = box.getBoundingClientRect();
      // in a box that scrolls sideways the figure may reach past its right edge (it scrolls), never its left
      return r.width > 0 && (r.left < b.left - 1 || (box === article && r.right > b.right + 1));
    }).map(e => `${e.tagName.toLowerCase()} ${e.getAttribute('src') || e.getAttribute('aria-label') || ''}`.trim());
  // no raw TeX in what a reader sees: the prose without code, formulas and scripts
  const prose = article.cloneNode(true);
  prose.querySelectorAll('pre, code, math, script, style').forEach(e => e.remove());
  const tex = (prose.textContent.match(/\\\\(?:[a-zA-Z]{2,}|[()\\[\\]])|\\$\\$/g) || []).slice(0, 5);
  return {overflow, scrolling, outside, tex};
}"""


_MEASURE = """() => {
  const _LAYOUT = """ + _LAYOUT_JS + """;
  document.querySelectorAll('details').forEach(d => d.open = true);
  const maths = [...document.querySelectorAll('article math')].map(m => {
    const r = m.getBoundingClientRect();
    return {w: r.width, h: r.height, ok: m.namespaceURI === 'http://www.w3.org/1998/Math/MathML',
            text: m.textContent.slice(0, 60)};
  });
  const imgs = [...document.querySelectorAll('article img')].map(i => ({src: i.src, w: i.naturalWidth, done: i.complete}));
  const svgs = [...document.querySelectorAll('article svg')].map(s => s.getBoundingClientRect().width);
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const merror = document.querySelectorAll('merror').length;
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  // what each worked example's copy button copies: the text of its data-clipboard-target
  const programs = [...document.querySelectorAll('article details.cs-program')].map(d => {
    const button = d.querySelector('button[data-md-type="copy"]');
    const target = button && document.querySelector(button.dataset.clipboardTarget);
    return target ? target.textContent : null;
  });
  const examples = document.querySelectorAll('article h3[id^="example-"]').length;
  return {maths, imgs, svgs, links, merror, ids, programs, examples, title: document.title, ..._LAYOUT()};
}"""


@pytest.fixture(scope="session")
def visits(site_dir, server, browser):
    """Open every page once; record what the assertions need."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    records = {}
    for path in _pages(site_dir):
        errors: list[str] = []
        on_console = lambda message: errors.append(message.text) if message.type == "error" else None
        on_error = lambda error: errors.append(f"page error: {error}")
        page.on("console", on_console)
        page.on("pageerror", on_error)
        start = len(requests)
        response = page.goto(server + path, wait_until="load")  # images and stylesheets loaded
        page.evaluate("() => document.fonts.ready.then(() => true)")  # the math font (networkidle costs 0.5 s a page)
        measured = page.evaluate(_MEASURE)
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
        records[path] = dict(status=response.status if response else None, errors=errors,
                             requests=requests[start:], **measured)
    yield records, page, requests
    context.close()


@pytest.fixture(scope="session")
def narrow_layout(site_dir, server, browser):
    """Every page at a phone's width (390 px): the layout measurements only."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    records = {}
    for path in _pages(site_dir):
        page.goto(server + path, wait_until="load")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        records[path] = page.evaluate(_LAYOUT_JS)
    context.close()
    return records


def _report(problems: dict[str, list]) -> str:
    return "\n".join(f"{page or '/'}: {items}" for page, items in problems.items() if items)


def test_the_site_has_the_pages(visits, site_dir):
    records, _, _ = visits
    from convspec.conformance.catalog import CATALOG

    for op in CATALOG:
        assert f"operations/{op.name}/" in records, f"no page for catalog operation {op.name}"
    for page in ("", "conventions/", "convolution-vs-correlation/", "errata/", "tutorials/read-a-report/",
                 "tutorials/validate-your-convolution/", "api/reference/", "api/accelerated/", "api/spec/"):
        assert page in records, f"missing page {page!r}"
    assert all(r["status"] == 200 for r in records.values()), {p: r["status"] for p, r in records.items() if r["status"] != 200}


def test_no_console_errors(visits):
    records, _, _ = visits
    problems = {path: r["errors"] for path, r in records.items()}
    assert not any(problems.values()), _report(problems)


def test_no_request_leaves_localhost(visits):
    records, _, requests = visits
    leaves = lambda url: not url.startswith(("data:", "blob:")) and urlparse(url).hostname not in LOCAL_HOSTS  # noqa: E731
    problems = {path: [url for url in r["requests"] if leaves(url)] for path, r in records.items()}
    assert not any(problems.values()), _report(problems)
    # a request made after its page was measured (a late fetch) is in the context's whole list
    assert not [url for url in requests if leaves(url)]


def test_every_formula_is_rendered_math(visits):
    records, _, _ = visits
    problems = {}
    for path, r in records.items():
        bad = [m["text"] for m in r["maths"] if not (m["ok"] and m["w"] > 0 and m["h"] > 0)]
        problems[path] = bad + ([f"{r['merror']} <merror>"] if r["merror"] else [])
        if path.startswith("operations/") and path != "operations/":
            if not r["maths"]:
                problems[path].append("no formula on an operation page")
    assert not any(problems.values()), _report(problems)


def test_no_page_is_wider_than_the_window(visits, narrow_layout):
    """At 1280 px and at 390 px, no page body overflows sideways (formulas, tables, code scroll in their own box)."""
    records, _, _ = visits
    problems = {f"{path or '/'} at {width} px": f"{r['overflow']} px too wide"
                for width, pages in ((1280, records), (390, narrow_layout)) for path, r in pages.items() if r["overflow"] > 1}
    assert not problems, problems
    assert len(narrow_layout) == len(records)


def test_operation_formulas_fit_a_desktop_column(visits):
    """At 1280 px no formula of an operation page needs scrolling: long ones are broken into named parts."""
    records, _, _ = visits
    problems = {path: r["scrolling"] for path, r in records.items() if path.startswith("operations/") and r["scrolling"]}
    assert not problems, _report(problems)


def test_every_figure_lies_within_its_box(visits, narrow_layout):
    """At 1280 px and at 390 px every image and figure lies inside the article, or inside a box that scrolls it."""
    records, _, _ = visits
    problems = {f"{path or '/'} at {width} px": r["outside"]
                for width, pages in ((1280, records), (390, narrow_layout)) for path, r in pages.items() if r["outside"]}
    assert not problems, problems


def test_no_raw_tex_is_shown(visits):
    """Every formula was turned into MathML: no TeX command, \\( \\) or $$ is left in the text a reader sees."""
    records, _, _ = visits
    problems = {path: r["tex"] for path, r in records.items()}
    assert not any(problems.values()), _report(problems)


def test_every_figure_loads(visits):
    records, _, _ = visits
    problems = {path: [i["src"] for i in r["imgs"] if not (i["done"] and i["w"] > 0)] + [f"svg of width {w}" for w in r["svgs"] if w <= 0]
                for path, r in records.items()}
    assert not any(problems.values()), _report(problems)
    figures = sum(len(r["imgs"]) for r in records.values())
    assert figures >= 6, f"only {figures} figures on the whole site"


def test_internal_links_resolve(visits, server):
    """Every same-origin link answers 200, and a link to an anchor of a page finds that anchor there."""
    records, _, _ = visits
    targets: dict[str, str] = {}
    broken = []
    for path, r in records.items():
        for href in r["links"]:
            url, fragment = urldefrag(href)
            if urlparse(url).hostname not in LOCAL_HOSTS:
                continue
            targets.setdefault(url, path)
            page = urlparse(url).path.lstrip("/")
            if fragment and not fragment.startswith("__") and page in records and fragment not in records[page]["ids"]:
                broken.append(f"{href} (linked from {path or '/'}): no element with id {fragment!r}")
    for url, found_on in sorted(targets.items()):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            broken.append(f"{url} (linked from {found_on or '/'}): {status}")
    assert not broken, "\n".join(broken)
    assert len(targets) > 20, f"only {len(targets)} internal links found"


def test_search_finds_an_operation_by_name(visits, server):
    _, page, _ = visits
    page.goto(server, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")  # Material's shortcut focuses the search box
    field = page.locator("input.md-search__input")
    field.press_sequentially("conv_transpose", delay=20)  # Material searches on key events, not on fill()
    result = page.locator('.md-search-result__item a[href*="operations/conv_transpose/"]').first
    result.wait_for(state="attached", timeout=15000)
    assert "conv_transpose" in result.inner_text()


@pytest.mark.parametrize("query, first", [
    ("MaxPool2d", "operations/max_pool/"),
    ("nn.MaxPool2d", "operations/max_pool/"),
    ("Conv2d", "operations/correlate/"),
    ("transposed convolution", "operations/conv_transpose/"),
])
def test_search_ranks_the_operation_first(visits, server, query, first):
    """A framework's name or an operation's plain name finds that operation's page first."""
    _, page, _ = visits
    page.goto(server, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially(query, delay=20)
    page.locator(".md-search-result__item > a").first.wait_for(state="attached", timeout=15000)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
    assert urlparse(hrefs[0]).path.lstrip("/") == first, f"search {query!r}: {hrefs[:4]}"


def test_every_copy_button_program_is_one_the_build_ran(visits, site_dir):
    """Each worked example has a copy button, and what it copies is a program docs/docs_programs.py ran at build time."""
    records, _, _ = visits
    from convspec.conformance.catalog import CATALOG

    ran = json.loads((site_dir / "operations" / "programs.json").read_text())
    problems = {}
    for op in CATALOG:
        record = records[f"operations/{op.name}/"]
        copied = [None if text is None else text.rstrip("\n") for text in record["programs"]]
        expected = [text.rstrip("\n") for text in ran.get(op.name, [])]
        if record["examples"] != len(op.examples) or copied != expected:
            problems[op.name] = (f"{record['examples']} examples, {len(copied)} copy-button programs, "
                                 f"{sum(c in expected for c in copied)} of them run by the build")
    assert not problems, problems


SCREENSHOTS = ROOT / "build" / "screenshots"
SCREENSHOT_PAGES = ("", "conventions/", "operations/correlate/", "operations/max_pool/", "operations/upsample/", "errata/")


def test_screenshots_of_a_sample_of_pages(visits, server):
    """A sample of pages at both widths, saved under build/screenshots/ for a person to look at."""
    _, page, _ = visits
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for width, height in ((1280, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for path in SCREENSHOT_PAGES:
            page.goto(server + path, wait_until="load")
            target = SCREENSHOTS / f"{path.strip('/').replace('/', '-') or 'home'}-{width}.png"
            page.screenshot(path=str(target))
            saved.append(target)
    page.set_viewport_size({"width": 1280, "height": 1000})
    assert all(t.stat().st_size > 10_000 for t in saved), [(t.name, t.stat().st_size) for t in saved]


def test_formulas_use_the_math_font_the_site_serves(visits, server):
    """The MathML renders with the bundled TeX Gyre DejaVu Math (docs/fonts), fetched from the site itself."""
    _, page, _ = visits
    page.goto(server + "operations/correlate/", wait_until="load")
    page.wait_for_load_state("networkidle")
    statuses = page.evaluate(
        "() => document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.family.replace(/\"/g, '') === 'convspec math').map(f => f.status))"
    )
    assert statuses == ["loaded"], f"the convspec math font: {statuses}"
    family = page.evaluate("() => getComputedStyle(document.querySelector('.md-typeset math')).fontFamily")
    assert family.startswith('"convspec math"'), family
