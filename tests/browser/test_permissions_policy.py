"""Chromium reads the Permissions-Policy header as meant: the features are off for the page
(blocked by the header), and no part of the header is refused in the console."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKED = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]


def test_the_browser_turns_the_features_off(page, live_server, bank, console_errors):
    page.goto(f"{live_server.url}{bank.topic.get_absolute_url()}")
    cdp = page.context.new_cdp_session(page)
    frame = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
    states = cdp.send("Page.getPermissionsPolicyState", {"frameId": frame})["states"]
    by_feature = {state["feature"]: state for state in states}
    for feature in BLOCKED:
        state = by_feature[feature]
        assert state["allowed"] is False, feature
        assert state["locator"]["blockReason"] == "Header", feature
    assert page.evaluate("document.featurePolicy.allowsFeature('camera')") is False
    assert console_errors == []
