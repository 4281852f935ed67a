"""Add a Loxone Miniserver and an Ezlo hub in the real Home Assistant frontend; switch from the UI.

After adding the Miniserver, a press of a demo-house Pushbutton on the simulator must show up as the
event entity's last event on its device page.

Needs Chromium at /usr/bin/chromium (`scripts/setup` installs Debian's package where it can) and the
`playwright` package; skipped otherwise. Screenshots go to `.cache/e2e/`; with
`HUBRELAY_SCREENSHOTS=1` they also replace the ones in `docs/screenshots/` that the README shows.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import re
import shutil
from typing import TYPE_CHECKING

import aiohttp
import pytest

from tests.demo.stack import (
    LOGIN_PASSWORD,
    LOGIN_USERNAME,
    MINISERVER_PASSWORD,
    MINISERVER_USERNAME,
    ROOT,
    HomeAssistantApi,
    HomeAssistantProcess,
    free_port,
    simulated_hubs,
)
from tests.simulators.ezlo_hub import EzloHubSimulator
from tests.simulators.loxone_demo_house import DEMO_HOUSE
from tests.simulators.miniserver import MiniserverSimulator
from tests.simulators.mms_cloud import DEMO_EZLO_SERIAL, DEMO_PASSWORD, DEMO_USERNAME

if TYPE_CHECKING:
    from playwright.async_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / ".cache" / "e2e"
DOCS_SHOTS = ROOT / "docs" / "screenshots"
#: Generous but bounded: a cold frontend on a 2-core CI machine is slow.
STEP_MS = 45_000
#: The demo house's "Hall light" Switch: the command address the UI's toggle must reach.
HALL_LIGHT: str = next(
    c["uuidAction"] for c in DEMO_HOUSE["controls"].values() if c["name"] == "Hall light"
)

#: The demo house's "Garage door button" Pushbutton: its ``active`` state, pressed on the simulator.
GARAGE_BUTTON: str = next(
    c["states"]["active"]
    for c in DEMO_HOUSE["controls"].values()
    if c["name"] == "Garage door button"
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"
    ),
]
async_api = pytest.importorskip("playwright.async_api", reason="the playwright package is missing")


async def shot(page: Page, name: str) -> None:
    """Save a screenshot (and publish it to docs/ when asked)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SHOTS / f"{name}.png")
    if os.environ.get("HUBRELAY_SCREENSHOTS") == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHOTS / f"{name}.png", DOCS_SHOTS / f"{name}.png")


async def test_add_miniserver_and_switch_a_light(tmp_path: Path) -> None:
    """Settings -> Devices & services -> Add integration -> HubRelay -> Loxone, then a toggle."""
    async with simulated_hubs(generator_interval=None) as hubs:
        miniserver = hubs.miniserver
        hass = HomeAssistantProcess(tmp_path / "config", free_port(), hubs)
        try:
            await hass.start()
            async with aiohttp.ClientSession() as session:
                api = HomeAssistantApi(session, hass.base_url)
                await api.onboard(LOGIN_USERNAME, LOGIN_PASSWORD)
                await api.remove_onboarding_extras()
            async with async_api.async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                try:
                    page = await browser.new_page(viewport={"width": 1280, "height": 800})
                    page.set_default_timeout(STEP_MS)
                    async_api.expect.set_options(timeout=STEP_MS)
                    try:
                        await run_user_journey(page, hass.base_url, miniserver)
                        await press_a_button(page, hass.base_url, miniserver)
                        await add_ezlo_hub(page, hass.base_url, hubs.ezlo_hub)
                    except Exception:
                        # What the page showed, for whoever reads a failed CI run.
                        await shot(page, "failure")
                        aria = await page.locator("body").aria_snapshot(timeout=10_000)
                        (SHOTS / "failure.aria.yaml").write_text(aria)
                        raise
                finally:
                    await browser.close()
        finally:
            await hass.stop()


async def run_user_journey(page: Page, base_url: str, miniserver: MiniserverSimulator) -> None:
    """What a user does, click by click."""
    expect = async_api.expect
    assert (HALL_LIGHT, "on") not in miniserver.commands
    await page.goto(base_url)
    await page.get_by_label("Username").fill(LOGIN_USERNAME)
    await page.get_by_label("Password", exact=True).fill(LOGIN_PASSWORD)
    await page.get_by_role("button", name="Log in").click()

    await page.get_by_text("Settings", exact=True).click()
    await page.get_by_text("Devices & services", exact=True).click()
    await page.get_by_role("button", name="Add integration").click()
    await page.get_by_placeholder("Search for a brand name").fill("HubRelay")
    await page.locator("dialog-add-integration").get_by_text("HubRelay", exact=True).click()
    await page.get_by_text("Loxone Miniserver", exact=True).click()
    await page.get_by_role("textbox", name=re.compile("^Host or serial number")).fill("127.0.0.1")
    await page.get_by_role("spinbutton", name=re.compile("^Port")).fill(str(miniserver.port))
    await page.get_by_role("textbox", name=re.compile("^Username")).fill(MINISERVER_USERNAME)
    await page.locator("input[name=password]").fill(MINISERVER_PASSWORD)
    await shot(page, "add-loxone-miniserver")
    await page.get_by_role("button", name="Submit").click()
    await page.get_by_role("button", name="Finish").wait_for()
    await shot(page, "devices-found")
    await page.get_by_role("button", name="Finish").click()
    await expect(page.get_by_role("button", name="Finish")).to_have_count(0)

    # Where Finish leads depends on what was found; the integration's page is one address.
    await page.goto(f"{base_url}/config/integrations/integration/hubrelay")
    await expect(page.get_by_text("Demo House").first).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile(r"^\d+ entities$")).first).to_be_visible()
    await shot(page, "integration")
    await page.get_by_role("link", name=re.compile(r"^\d+ devices$")).first.click()
    await page.get_by_text("Hall light", exact=True).first.wait_for()
    await shot(page, "devices")
    await page.get_by_text("Hall light", exact=True).first.click()

    # The device page's Controls card: switch the light on, as a user's click does.
    switch = page.get_by_role("switch")
    await expect(switch).to_have_count(1)  # the Switch control's one entity
    await expect(switch).not_to_be_checked()
    await expect(switch).to_be_enabled()
    # A mouse click on its centre, where the drawn thumb (covering the input) takes it.
    await switch.click(force=True)
    await wait_for_command(miniserver, HALL_LIGHT, "on")
    # The Miniserver's state event comes back over the WebSocket and the UI follows it.
    await expect(switch).to_be_checked()
    await shot(page, "device")


async def press_a_button(page: Page, base_url: str, miniserver: MiniserverSimulator) -> None:
    """Press the garage's Pushbutton on the Miniserver; its event entity's row shows the press."""
    expect = async_api.expect
    await page.goto(f"{base_url}/config/devices/dashboard")
    await page.get_by_placeholder(re.compile(r"^Search \d+ devices")).fill("Garage door button")
    await page.get_by_text("Garage door button", exact=True).first.click()
    # The device page shows the event entity ("Button") in its own row: no event yet.
    row = page.locator("hui-event-entity-row")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("Unknown")
    await expect(row).not_to_contain_text("Pressed")
    await miniserver.press(GARAGE_BUTTON)  # a tap: 1 and 0 in one value table
    # The press travels over the Miniserver's WebSocket to Home Assistant and on to the page:
    # the row now shows the event type and when it happened instead of "Unknown".
    await expect(row).to_contain_text("Pressed")
    await expect(row).not_to_contain_text("Unknown")
    await shot(page, "loxone-button-event")


async def add_ezlo_hub(page: Page, base_url: str, hub: EzloHubSimulator) -> None:
    """The Ezlo path: cloud account, pick the hub, local connection, then switch its lamp."""
    expect = async_api.expect
    await page.goto(f"{base_url}/config/integrations/dashboard")
    await page.get_by_role("button", name="Add integration").click()
    await page.get_by_placeholder("Search for a brand name").fill("HubRelay")
    await page.locator("dialog-add-integration").get_by_text("HubRelay", exact=True).click()
    await page.get_by_text(re.compile(r"^Ezlo hub")).click()
    await page.get_by_role("textbox", name=re.compile("^Username")).fill(DEMO_USERNAME)
    await page.locator("input[name=password]").fill(DEMO_PASSWORD)
    await shot(page, "add-ezlo-account")
    await page.get_by_role("button", name="Submit").click()

    # The account's only hub is already chosen; Local is the default connection.
    await expect(page.get_by_role("dialog")).to_match_aria_snapshot(
        f"- listitem: Hub * Ezlo Plus ({DEMO_EZLO_SERIAL})"
    )
    await expect(page.get_by_role("radio", name="Local network")).to_be_checked()
    await shot(page, "add-ezlo-hub")
    await page.get_by_role("button", name="Submit").click()
    # The address the cloud knows is pre-filled; a user just confirms it.
    await expect(page.get_by_role("textbox", name=re.compile("^IP address"))).to_have_value(
        "127.0.0.1"
    )
    await page.get_by_role("button", name="Submit").click()
    await page.get_by_role("button", name="Finish").click()
    await expect(page.get_by_role("button", name="Finish")).to_have_count(0)

    await page.goto(f"{base_url}/config/integrations/integration/hubrelay")
    await expect(page.get_by_text("Ezlo Plus").first).to_be_visible()
    await page.goto(f"{base_url}/config/devices/dashboard")
    await page.get_by_placeholder(re.compile(r"^Search \d+ devices")).fill("Lamp switch")
    await page.get_by_text("Lamp switch", exact=True).first.click()
    switch = page.get_by_role("switch")
    await expect(switch).to_have_count(1)
    await expect(switch).not_to_be_checked()
    await switch.click(force=True)
    async with asyncio.timeout(STEP_MS / 1000):
        while not any(method == "hub.item.value.set" for method, _ in hub.requests):
            await asyncio.sleep(0.05)
    # The hub's item broadcast comes back and the UI follows it.
    await expect(switch).to_be_checked()
    await shot(page, "ezlo-device")


async def wait_for_command(miniserver: MiniserverSimulator, action: str, command: str) -> None:
    """Wait (bounded) until the simulated Miniserver received `command` for `action`."""
    async with asyncio.timeout(STEP_MS / 1000):
        while (action, command) not in miniserver.commands:
            await asyncio.sleep(0.05)
