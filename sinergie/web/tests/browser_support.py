"""What every browser test shares: Chromium's flags and the accessibility assertion.

The browser itself is the session-wide `chromium` fixture of the root conftest: Playwright's
sync API runs one instance per thread, so every module uses that one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# As the machine notes prescribe: without the background-networking flags Chromium keeps
# trying to reach Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# axe-core impacts that fail a test (WCAG 2.1 AA is the bar; minor and moderate are reported by axe only).
BLOCKING_IMPACTS = {"serious", "critical"}


def assert_accessible(page: Page) -> None:
    """Fail with a readable list when axe-core finds serious or critical violations on the page."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core found serious or critical violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — " + "; ".join(", ".join(n["target"]) for n in v["nodes"])
        for v in blocking
    )


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A context of an Italian visitor (the site's default language should win anyway on unprefixed URLs)."""
    context = browser.new_context(locale="it-IT", **options)
    context.set_default_timeout(15_000)
    return context


def totp_code(secret: str) -> str:
    """The second factor's current code, taken early enough in its 30-second window that the
    server, a moment later, still judges it current (allauth accepts no neighbouring window)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
    from django.conf import settings

    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


# Bootstrap Italia draws a field's label over the top edge of its input: a label that wraps onto
# a second line then covers the field above it, and a first field's label can cover the heading
# above the form. This finds labels whose box crosses a form field other than their own or a
# heading (seen on the home page at 390 px and on the application review page).
LABELS_OVER_FIELDS_JS = """
() => {
  const fields = [...document.querySelectorAll('input:not([type=hidden]), select, textarea, h1, h2, h3, h4')]
    .filter((f) => f.offsetParent !== null);
  const hits = [];
  for (const label of document.querySelectorAll('label[for]')) {
    if (label.offsetParent === null) continue;
    // The text itself, not the label's box: Bootstrap Italia gives labels a tall line box.
    const range = document.createRange();
    range.selectNodeContents(label);
    const texts = [...range.getClientRects()].filter((r) => r.width && r.height);
    for (const field of fields) {
      if (field.id === label.htmlFor) continue;
      const b = field.getBoundingClientRect();
      const crossed = texts.some((a) =>
        Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 &&
        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2);
      if (crossed) hits.push(`label for=${label.htmlFor} over ${field.tagName} #${field.id || field.name}`);
    }
  }
  return hits;
}
"""


def assert_no_label_over_a_field(page: Page) -> None:
    hits = page.evaluate(LABELS_OVER_FIELDS_JS)
    assert not hits, f"labels drawn over other fields on {page.url}: {hits}"
