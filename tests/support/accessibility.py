"""axe-core (the npm package pinned in `tests/support/axe_core`, installed by `make services`) run inside a page:
the serious and critical violations it reports, named so that a failure says what to fix and where."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE_JS = Path(__file__).resolve().parent / "axe_core" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

_RUN_AXE = """async (impacts) => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations
        .filter((v) => impacts.includes(v.impact))
        .map((v) => ({
            rule: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${(n.failureSummary || '').split('\\n').slice(1, 2).join('').trim()}`),
            count: v.nodes.length,
        }));
}"""


def axe_source() -> Path:
    if not AXE_JS.is_file():
        raise RuntimeError(f"axe-core is not installed at {AXE_JS}: run `make services`")
    return AXE_JS


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each: rule, impact, what it
    asks, and the first nodes with axe's reason. The page's context must bypass the Content-Security-Policy
    (`bypass_csp=True`): axe is injected as an inline script, which the app's policy refuses, rightly."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(axe_source()))
    found: list[dict[str, object]] = page.evaluate(_RUN_AXE, list(BLOCKING))
    return [
        f"{v['rule']} ({v['impact']}, {v['count']} nodes): {v['help']}\n      " + "\n      ".join(v["nodes"])  # type: ignore[arg-type]
        for v in found
    ]
