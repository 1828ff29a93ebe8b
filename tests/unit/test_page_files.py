"""`page_files`: a prerendered page is served at its own address without a redirect to a trailing slash, and a page
served from the SPA fallback names its route's scripts (from the build's React Router manifest) as modulepreloads.
The files are served by Reflex's own static file server over a build folder laid out as `reflex export` lays it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.testclient import TestClient

from jtbd_app.api.page_files import (
    Fill,
    filled,
    page_files,
    read_build,
    route_pattern,
    routes_from_manifest,
    with_preloads,
)
from jtbd_app.domain.url_params import MAX_QUERY_NAME, MAX_QUERY_TEXT, params_of

MANIFEST = {
    "entry": {"module": "/assets/entry.client-A.js", "imports": ["/assets/react-B.js"]},
    "routes": {
        "root": {"id": "root", "path": "", "module": "/assets/root-C.js", "imports": ["/assets/react-B.js"]},
        "routes/[listings].$[id]._index": {
            "path": "listings/:id",
            "module": "/assets/_listings_.__id_._index-D.js",
            "imports": ["/assets/react-B.js", "/assets/card-E.js", "/assets/card-E.js"],
        },
        "routes/[u].$[username]._index": {"path": "u/:username", "module": "/assets/_u_-F.js", "imports": []},
        "routes/[marketplace]._index": {"path": "marketplace", "module": "/assets/_marketplace_-G.js", "imports": []},
        "routes/[404]._index": {"path": "*", "module": "/assets/_404_-H.js", "imports": []},
    },
}
FALLBACK = (
    '<!DOCTYPE html><html><head><meta charSet="utf-8"/><link rel="modulepreload" href="/assets/manifest-abc1.js"/>'
    '<link rel="modulepreload" href="/assets/react-B.js"/><script>window.theme = 1;</script></head>'
    "<body><div></div>" + "<!-- the rest of the page -->" * 40 + "</body></html>"
)
MARKETPLACE = "<!DOCTYPE html><html><head></head><body><h1>Marketplace</h1></body></html>"


@pytest.fixture
def build_dir(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "manifest-abc1.js").write_text("window.__reactRouterManifest=" + json.dumps(MANIFEST) + ";")
    (tmp_path / "assets" / "stale.html").write_text("not a page")
    for name in ("404.html", "__spa-fallback.html"):
        (tmp_path / name).write_text(FALLBACK)
    (tmp_path / "index.html").write_text("<html><head></head><body>home</body></html>")
    (tmp_path / "marketplace").mkdir()
    for name in ("marketplace.html", "marketplace/index.html"):
        (tmp_path / name).write_text(MARKETPLACE)
    return tmp_path


def served(build_dir: Path) -> TestClient:
    def router(path: str) -> str | None:  # the app's routes, as Reflex's router answers for them
        return path if path.startswith(("/listings/", "/u/", "/marketplace")) or path == "/" else None

    files = PrecompressedStaticFiles(directory=build_dir, html=True, router=router)
    return TestClient(page_files(lambda: read_build(build_dir))(files), base_url="http://localhost:3000")


def preloads(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('rel="modulepreload" href="')[1:]]


def test_a_prerendered_page_is_served_at_its_own_address_without_a_redirect(build_dir: Path) -> None:
    browser = served(build_dir)
    for address in ("/marketplace", "/marketplace?q=logo", "/marketplace/"):
        response = browser.get(address, follow_redirects=False)
        assert response.status_code == 200 and response.text == MARKETPLACE, address
    assert browser.head("/marketplace", follow_redirects=False).status_code == 200
    assert browser.get("/", follow_redirects=False).text.endswith("home</body></html>")


def test_a_page_with_a_parameter_names_its_route_scripts_once_before_its_first_script(build_dir: Path) -> None:
    browser = served(build_dir)
    response = browser.get("/listings/12", headers={"accept-encoding": "br", "if-none-match": '"x"'})
    assert response.status_code == 200
    assert preloads(response.text) == [
        "/assets/manifest-abc1.js",
        "/assets/react-B.js",
        "/assets/_listings_.__id_._index-D.js",  # the route's own module, then what it imports, each once
        "/assets/card-E.js",
    ]
    assert response.text.index("card-E.js") < response.text.index("<script>")
    assert int(response.headers["content-length"]) == len(response.content)
    assert preloads(browser.get("/listings/12/").text) == preloads(response.text)
    assert "/assets/_u_-F.js" in preloads(browser.get("/u/ann").text)


def test_a_rewritten_page_is_gzipped_for_a_browser_that_accepts_it(build_dir: Path) -> None:
    browser = served(build_dir)
    plain = browser.get("/listings/3", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
    for accepted in ("gzip", "br, gzip;q=0.5", "*"):
        zipped = browser.get("/listings/3", headers={"accept-encoding": accepted})
        assert zipped.headers["content-encoding"] == "gzip" and zipped.text == plain.text, accepted
        assert int(zipped.headers["content-length"]) < len(plain.content)
    refused = browser.get("/listings/3", headers={"accept-encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers


def test_other_requests_pass_untouched(build_dir: Path) -> None:
    browser = served(build_dir)
    unknown = browser.get("/no-such-page")
    assert unknown.status_code == 404 and preloads(unknown.text) == ["/assets/manifest-abc1.js", "/assets/react-B.js"]
    assert "/assets/_listings_.__id_._index-D.js" not in preloads(browser.get("/listings/12/photos").text)
    assert browser.get("/assets/stale", follow_redirects=False).status_code == 404  # only pages, not other .html


def test_without_a_build_nothing_changes(tmp_path: Path) -> None:
    build = read_build(tmp_path / "missing")
    assert build.page_file("/marketplace") is None and build.scripts_for("/listings/1") == ()


def test_route_patterns_and_the_manifest() -> None:
    assert route_pattern("listings/:id").fullmatch("/listings/7")
    assert not route_pattern("listings/:id").fullmatch("/listings/7/edit")
    assert route_pattern("tasks/:id/delegate").fullmatch("/tasks/3/delegate/")
    routes = routes_from_manifest("window.__reactRouterManifest=" + json.dumps(MANIFEST) + ";", "/app")
    assert [route.pattern.pattern for route in routes] == ["/app/listings/[^/]+/?", "/app/u/[^/]+/?"]
    assert with_preloads(b"<html><head></head></html>", ('/a".js',)) == (
        b'<html><head><link rel="modulepreload" href="/a&quot;.js"/></head></html>'
    )


REGION = '<div aria-busy="true" id="results"><p role="status">Searching…</p></div>'
FILL = Fill("results", '<p role="status">Searching…</p>', lambda path, query: f"<ul><li>found for {query}</li></ul>")


def filled_client(build_dir: Path, fill: Fill) -> TestClient:
    (build_dir / "marketplace.html").write_text(MARKETPLACE.replace("</h1>", "</h1>" + REGION))
    files = PrecompressedStaticFiles(directory=build_dir, html=True, router=lambda path: path)
    app = page_files(lambda: read_build(build_dir), fills={"/marketplace": fill})(files)
    return TestClient(app, base_url="http://localhost:3000")


def test_a_page_with_a_region_is_served_with_it_filled_in_for_its_url(build_dir: Path) -> None:
    answer = filled_client(build_dir, FILL).get("/marketplace?q=logo&page=2", follow_redirects=False)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-cache"
    assert (
        '<div aria-busy="false" id="results" data-served="true"><ul><li>found for q=logo&page=2</li></ul></div>'
        in answer.text
    )
    assert "Searching" not in answer.text


def test_a_region_that_cannot_be_filled_leaves_the_page_as_built(build_dir: Path) -> None:
    def broken(path: str, query: str) -> str:
        raise RuntimeError("the database is away")

    nothing_to_show = Fill("results", FILL.placeholder, lambda path, query: None)
    for fill in (Fill("results", FILL.placeholder, broken), Fill("results", "<p>another build</p>", FILL.build)):
        answer = filled_client(build_dir, fill).get("/marketplace")
        assert answer.status_code == 200 and REGION in answer.text
    assert REGION in filled_client(build_dir, nothing_to_show).get("/marketplace").text


def test_a_page_with_a_parameter_is_served_with_its_region_filled_in_and_its_scripts_named(build_dir: Path) -> None:
    """A route with a parameter is served from the SPA fallback, whose region (the app's hydrate fallback) the server
    fills in for the path that matches the fill's pattern, and for no other."""
    for name in ("404.html", "__spa-fallback.html"):
        (build_dir / name).write_text(FALLBACK.replace("<div></div>", REGION))
    fill = Fill("results", FILL.placeholder, lambda path, query: f"<h1>{path}</h1>")
    files = PrecompressedStaticFiles(directory=build_dir, html=True, router=lambda path: path)
    browser = TestClient(page_files(lambda: read_build(build_dir), fills={r"/listings/[0-9]+/?": fill})(files))
    listing = browser.get("/listings/12", headers={"accept-encoding": "gzip"}).text
    assert '<div aria-busy="false" id="results" data-served="true"><h1>/listings/12</h1></div>' in listing
    assert "/assets/_listings_.__id_._index-D.js" in preloads(listing)
    assert REGION in browser.get("/u/ann").text and REGION in browser.get("/listings/12/photos").text


def test_filled_replaces_only_the_placeholder_of_its_region() -> None:
    page = f"<body>{REGION}<div id='other'>x</div></body>".encode()
    assert (
        filled(page, FILL, "<b>1</b>") == b'<body><div aria-busy="false" id="results" data-served="true"><b>1</b></div>'
        b"<div id='other'>x</div></body>"
    )
    assert filled(page.replace(b"Searching", b"Loading"), FILL, "<b>1</b>") is None
    assert filled(b"<body></body>", FILL, "<b>1</b>") is None


def test_a_query_string_is_read_as_the_router_reads_it_whatever_it_holds() -> None:
    """The served page's search and the page's load read the same parameters: the last of a repeated name, text cut
    to its limits, malformed escapes decoded as the browser's router decodes them."""
    assert params_of("q=logo&q=sofa&page=2") == {"q": "sofa", "page": "2"}
    assert params_of("q=%ZZ%00%E2%98%83&&=x&sort") == {"q": "%ZZ\x00☃", "": "x"}
    huge = params_of("q=" + "a" * 10_000 + "&" + "n" * 500 + "=1&" + "&".join(f"f{n}=1" for n in range(5_000)))
    assert len(huge["q"]) == MAX_QUERY_TEXT and ("n" * MAX_QUERY_NAME) in huge and len(huge) == 5_002
