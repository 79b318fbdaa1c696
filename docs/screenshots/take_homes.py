"""Screenshot each demo role's home page (Japanese) from a running `make run`.

Usage (with `make run` serving in REPO_DIR):
    .venv/bin/python docs/screenshots/take_homes.py http://localhost:8000 . docs/screenshots consular-demo-2026

Japanese glyphs need a CJK font on the machine (Debian: fonts-noto-cjk).
"""

import subprocess
import sys
import time

from playwright.sync_api import sync_playwright

base, repo, out = sys.argv[1:4]
USERS = ["nyc_clerk", "nyc_officer", "nyc_supervisor", "hq_officer", "hq_supervisor", "auditor", "admin", "osaka_clerk"]


def code(user: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argument list, the demo usernames above
        [f"{repo}/.venv/bin/python", "manage.py", "demo_code", user],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().split()[-1]


with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    )
    for user in USERS:
        context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(base + "/")
        page.wait_for_url("**/accounts/sign-in/**")
        page.locator("input[name=username]").fill(user)
        page.locator("input[name=password]").fill(sys.argv[4] if len(sys.argv) > 4 else "demo-password")
        page.locator("main form button[type=submit]").click()
        try:
            page.wait_for_url("**/accounts/sign-in/verify/**", timeout=5000)
        except Exception:
            print(user, "no verify page:", page.url)
            context.close()
            continue
        page.locator("input[name=code]").fill(code(user))
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        time.sleep(0.3)
        page.screenshot(path=f"{out}/home-{user}.png", full_page=True)
        print(user, page.url)
        context.close()
    browser.close()
