"""Drive Label Studio's editor in Chromium; run as a script by test_label_studio_editor.py.

    python -m tests.label_studio.editor_driver URL EMAIL PASSWORD READ_URL DRAW_URL SHOT

Logs in, reads the highlighted texts of the annotation shown on READ_URL, then on the
fresh task at DRAW_URL draws LOC (hotkey "l") on "Moscow" and on "موسكو" with the mouse
and submits. Prints {"shown": [...], "drawn": [...]} as JSON.

A separate process because Playwright's sync API keeps an event loop running in the
thread that started it: a session-wide browser of other tests would make a second one
fail, and Django refuses ORM calls from such a thread.
"""

from __future__ import annotations

import json
import sys

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS

# The box of the first occurrence of a word inside the editor's text, for a mouse drag.
WORD_BOX = """([word]) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.data.indexOf(word);
    if (i >= 0 && n.parentElement.closest('[class*=richtext]')) {
      const range = document.createRange();
      range.setStart(n, i);
      range.setEnd(n, i + word.length);
      const b = range.getBoundingClientRect();
      return {x0: b.left, x1: b.right, y: b.top + b.height / 2};
    }
  }
  return null;
}"""
HIGHLIGHTS = "els => els.map(e => e.textContent)"


def main(url: str, email: str, password: str, read_url: str, draw_url: str, shot: str) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/user/login/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(read_url)
        page.wait_for_selector(".htx-highlight", timeout=90_000)
        shown = page.eval_on_selector_all(".htx-highlight", HIGHLIGHTS)
        page.goto(draw_url)
        page.wait_for_selector("button:has-text('Submit')", timeout=90_000)
        page.wait_for_timeout(500)
        for word in ("Moscow", "موسكو"):
            box = page.evaluate(WORD_BOX, [word])
            page.keyboard.press("l")  # the LOC hotkey of the default project
            page.mouse.move(box["x0"] + 1, box["y"])
            page.mouse.down()
            page.mouse.move(box["x1"] - 1, box["y"], steps=5)
            page.mouse.up()
            page.wait_for_timeout(300)
        drawn = page.eval_on_selector_all(".htx-highlight", HIGHLIGHTS)
        page.screenshot(path=shot)
        page.click("button:has-text('Submit')")
        page.wait_for_timeout(2000)
        browser.close()
    print(json.dumps({"shown": shown, "drawn": drawn}, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:7])
