"""The API docs page draws the schema in a real browser, under the page's own Content-Security-Policy."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_shows_every_operation_under_its_csp(browser_page, live_server):
    # The shared page bypasses CSP (for axe); this one keeps it, as a reader's browser would.
    page = browser_page.context.browser.new_context(base_url=live_server.url).new_page()
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )

    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)

    assert page.locator(".opblock").count() == 8
    assert "issuer API" in page.locator(".info .title").inner_text()
    assert refused == []
