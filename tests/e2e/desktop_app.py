"""End-to-end test of the real desktop app: built binary, real WebKitGTK window under Xvfb,
driven through WebDriver (tauri-driver + WebKitWebDriver).

Usage: python3 tests/e2e/desktop_app.py <path to paneldesk-app binary> <screenshot folder>
Run it under `xvfb-run -a -s "-screen 0 1280x800x24"` when there is no display.
Each app instance gets its own PANELDESK_DATA_DIR: separate folders stand in for
separate laptops.
"""

import json
import re
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


CLI = None
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """One laptop: a tauri-driver, an app instance and its own data folder."""

    def __init__(self, binary, data_dir, shots):
        self.shots = shots
        self.port = free_port()
        env = dict(os.environ, PANELDESK_DATA_DIR=data_dir)
        self.driver_proc = subprocess.Popen(
            [
                shutil.which("tauri-driver") or os.path.expanduser("~/.cargo/bin/tauri-driver"),
                "--port",
                str(self.port),
                "--native-port",
                str(free_port()),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=1)
                break
            except Exception:
                if time.time() > deadline:
                    raise RuntimeError("tauri-driver did not come up")
                time.sleep(0.2)
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": binary})
        started = time.time()
        self.web = webdriver.Remote(f"http://127.0.0.1:{self.port}", options=options)
        self.wait = WebDriverWait(self.web, 60)
        self.by_testid("create-demo")
        self.interactive_after = time.time() - started
        print(f"  window interactive after {self.interactive_after:.1f} s")

    def by_testid(self, testid, clickable=False):
        cond = EC.element_to_be_clickable if clickable else EC.presence_of_element_located
        try:
            return self.wait.until(cond((By.CSS_SELECTOR, f'[data-testid="{testid}"]')))
        except TimeoutException:
            self.shot("timeout-" + testid)
            raise

    def all_testid(self, testid):
        return self.web.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]')

    def click(self, testid):
        self.by_testid(testid, clickable=True).click()

    def shot(self, name):
        # Let WebKit paint what the DOM already holds before it is captured.
        self.web.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));"
        )
        path = os.path.join(self.shots, f"{name}.png")
        self.web.save_screenshot(path)
        print(f"  screenshot {path}")

    def kill(self):
        """As a power cut or a crash would: no goodbye to the driver, the app killed."""
        os.killpg(self.driver_proc.pid, signal.SIGKILL)
        self.driver_proc.wait(timeout=10)
        # The app is the WebKit driver's child; `-x` matches its name only, never this script.
        subprocess.run(["pkill", "-9", "-x", "paneldesk-app"], check=False)
        deadline = time.time() + 10
        while subprocess.run(["pgrep", "-x", "paneldesk-app"], capture_output=True).returncode == 0:
            if time.time() > deadline:
                raise RuntimeError("the app outlived SIGKILL")
            time.sleep(0.1)

    def close(self):
        try:
            self.web.quit()
        finally:
            os.killpg(self.driver_proc.pid, signal.SIGTERM)
            self.driver_proc.wait(timeout=10)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def demo_review_on_screen(binary, shots):
    """A clerk opens the app, creates the demo review and sees its nominations."""
    data = tempfile.mkdtemp(prefix="paneldesk-e2e-")
    app = App(binary, data, shots)
    try:
        app.shot("01-home-empty")
        check(not app.all_testid("review-row"), "a fresh data folder lists no review")

        app.click("create-demo")
        title = app.by_testid("review-title")
        app.wait.until(lambda _: "大学生党员标兵" in title.text)
        app.shot("02-review-overview")

        app.click("tab-rubric")
        app.wait.until(lambda _: len(app.all_testid("criterion-row")) == 5)
        criteria = [r.text for r in app.all_testid("criterion-row")]
        check("政治素质好" in criteria[0], f"first criterion shown: {criteria[0]!r}")
        app.shot("03-rubric")

        app.click("tab-experts")
        app.wait.until(lambda _: len(app.all_testid("expert-row")) == 7)

        app.click("tab-nominations")
        app.wait.until(lambda _: len(app.all_testid("nomination-row")) == 60)
        count = app.by_testid("nomination-count").text
        check("60" in count, f"nomination count says {count!r}")
        rows = app.all_testid("nomination-row")
        page = app.web.find_element(By.TAG_NAME, "body").text
        check("110105" not in page and "13812" not in page, "no unmasked personal data")
        app.shot("04-nominations")

        # The nominations on screen are the ones in the review file, as the CLI sees them.
        if os.path.exists(CLI):
            shown = json.loads(cli(data, "review", "show", "--json"))
            names = {n["display_name"] for n in shown["nominations"]}
            first = rows[0].text
            check(any(name in first for name in names), f"row {first!r} is a stored nomination")

        search = app.by_testid("nomination-search")
        search.send_keys("东川理工大学")
        app.wait.until(lambda _: 0 < len(app.all_testid("nomination-row")) < 60)
        check(
            all("东川理工大学" in r.text for r in app.all_testid("nomination-row")),
            "search keeps only that university's nominations",
        )
        app.shot("05-nominations-search")

        # The import and flags tabs are there for the clerk (native dialogs and drops
        # cannot be driven through WebDriver; the import itself is tested in tests/it).
        app.click("tab-import")
        app.by_testid("import-dropzone")
        app.by_testid("import-pick-files")
        app.shot("05b-import-tab")
        app.click("tab-flags")
        check(not app.all_testid("flag-row"), "generated demo data carries no flags")

        # Import the messy fixture folder as if the clerk had dropped it on the window:
        # the drop event is emitted through Tauri's own event bus, so the UI's drop
        # handler, the shell command, the core and the parsing child process all run.
        app.click("tab-import")
        # The drop listener registers asynchronously: drop only once it is there.
        app.wait.until(
            lambda _: app.by_testid("import-dropzone").get_attribute("data-listening") == "true"
        )
        batch = os.path.join(REPO, "tests", "fixtures", "workbooks", "batch")
        answer = app.web.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "window.__TAURI_INTERNALS__.invoke('plugin:event|emit', {event: 'tauri://drag-drop',"
            " payload: {paths: [arguments[0]], position: {x: 100, y: 300}}})"
            ".then(() => done('ok'), (e) => done('error: ' + e));",
            batch,
        )
        check(answer == "ok", f"drop event emitted: {answer}")
        # Six child processes parse six files: give a loaded CI machine time.
        WebDriverWait(app.web, 180).until(lambda _: len(app.all_testid("import-result-row")) == 6)
        progress = app.by_testid("import-progress")
        app.wait.until(lambda _: progress.get_attribute("value") == progress.get_attribute("max"))
        results = app.by_testid("import-results").text
        check("坏文件.xlsx" in results and "江北师范大学" in results, "results name the files")
        app.shot("05c-import-results")
        app.click("tab-flags")
        app.wait.until(lambda _: len(app.all_testid("flag-row")) == 6)
        app.shot("05d-flags")
        app.click("tab-nominations")
        # The five fixture universities are also demo universities: a university's new
        # workbook replaces its earlier nominations, so 60 - 5 x 5 + 9 = 44.
        try:
            app.wait.until(lambda _: "44" in app.by_testid("nomination-count").text)
        except TimeoutException:
            app.shot("timeout-nomination-count")
            raise AssertionError("count after import: " + app.by_testid("nomination-count").text)

        app.click("lang-switch")
        app.wait.until(lambda _: "Nominations" in app.web.find_element(By.TAG_NAME, "body").text)
        app.shot("06-english")
        app.click("lang-switch")

        app.click("back-home")
        app.wait.until(lambda _: len(app.all_testid("review-row")) == 1)
        app.shot("07-home-with-demo")

        # A real review from a built-in template: 样板支部 with its seven criteria.
        app.click("new-review")
        Select(app.by_testid("new-review-activity")).select_by_value("model_branch")
        year = app.by_testid("new-review-year")
        year.clear()
        year.send_keys("2027")
        app.click("new-review-submit")
        title = app.by_testid("review-title")
        app.wait.until(lambda _: "2027年样板支部评审" in title.text)
        app.click("tab-rubric")
        app.wait.until(lambda _: len(app.all_testid("criterion-row")) == 7)
        check("服务师生有力" in app.all_testid("criterion-row")[6].text, "seventh criterion")
        app.shot("08-new-model-branch-review")
        app.click("back-home")
        app.wait.until(lambda _: len(app.all_testid("review-row")) == 2)
    finally:
        app.close()
        shutil.rmtree(data, ignore_errors=True)


def cli(data, *args, pin=None):
    """The `paneldesk` CLI next to the app binary, on one laptop's data folder."""
    env = dict(os.environ, PANELDESK_DATA_DIR=data)
    if pin:
        env["PANELDESK_PIN"] = pin
    out = subprocess.run([CLI] + list(args), env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError(f"paneldesk {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def answer_dialogs_with(app, path):
    """Native file dialogs cannot be driven through WebDriver. Tauri's IPC reaches the
    shell through fetch() on its ipc:// protocol, so the dialog plugin's two commands are
    answered here with `path`; every other command goes through to the real shell."""
    app.web.execute_script(
        "const realFetch = window.fetch.bind(window);"
        "const answer = arguments[0];"
        "window.fetch = (input, init) => {"
        "  const url = String((input && input.url) || input);"
        "  if (url.includes('plugin%3Adialog%7Copen') || url.includes('plugin%3Adialog%7Csave')) {"
        "    return Promise.resolve(new Response(JSON.stringify(answer), {"
        "      headers: {'Content-Type': 'application/json', 'Tauri-Response': 'ok'}}));"
        "  }"
        "  return realFetch(input, init);"
        "};",
        path,
    )


def expert_scores_in_the_app(binary, shots):
    """An expert opens the clerk's package, enrols, scores with the keyboard, has the app
    killed halfway (every score shown as saved survives), carries on and submits; the bundle on the 'USB stick' verifies and the clerk's merge accepts it."""
    clerk = tempfile.mkdtemp(prefix="paneldesk-e2e-clerk-")
    expert = tempfile.mkdtemp(prefix="paneldesk-e2e-expert-")
    stick = tempfile.mkdtemp(prefix="paneldesk-e2e-stick-")
    package = os.path.join(stick, "第一轮.pdpanel")
    cli(clerk, "demo", "--nominations", "4", "--experts", "3")
    cli(clerk, "package", "--out", package, "--closes", "2026-12-10", "--min-comment", "4")
    opened = json.loads(cli(expert, "expert", "open", package, "--json"))
    app = App(binary, expert, shots)
    try:
        app.click("panel-list-item")
        options = app.wait.until(lambda _: app.all_testid("enrol-expert-option"))
        check(len(options) == 3, f"roster of three: {len(options)}")
        app.shot("10-expert-enrol")
        options[1].click()
        app.by_testid("enrol-pin").send_keys("246810")
        app.by_testid("enrol-pin-repeat").send_keys("246810")
        app.click("enrol-submit")
        fingerprint = app.by_testid("expert-fingerprint").text
        check(len(fingerprint.replace("-", "").strip()) >= 20, f"fingerprint shown: {fingerprint!r}")
        app.shot("11-expert-fingerprint")
        status = json.loads(cli(expert, "expert", "status", "--json"))
        check(status["enrolment"]["fingerprint"] in fingerprint, "the fingerprint is the enrolled key's")

        # Keyboard-first: type a score, Enter, the next row's cell has the focus.
        cells = app.wait.until(lambda _: [c for c in app.all_testid("score-cell") if c.is_enabled()])
        check(len(cells) >= 4, f"score cells: {len(cells)}")
        def focus(el):
            # Sticky headers can cover a cell near the top: bring it to the middle first.
            app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
            el.click()

        def score(cell):
            focus(cell)
            cell.send_keys(Keys.CONTROL, "a")
            cell.send_keys("10", Keys.ENTER)

        # Half the sheet, then the laptop "crashes": the app is killed outright.
        half = len(cells) // 2
        for cell in cells[:half]:
            score(cell)
        app.wait.until(lambda _: all(c.get_attribute("data-state") == "saved" for c in cells[:half]))
        key = lambda c: (c.get_attribute("data-nomination"), c.get_attribute("data-criterion"))
        shown_saved = {key(c): c.get_attribute("value") for c in cells[:half]}
        app.shot("12a-expert-half-scored")
        app.kill()
        app = App(binary, expert, shots)
        app.click("panel-list-item")
        cells = app.wait.until(lambda _: [c for c in app.all_testid("score-cell") if c.is_enabled()])
        after = {key(c): c.get_attribute("value") for c in cells}
        lost = {k: v for k, v in shown_saved.items() if after.get(k) != v}
        check(not lost, f"every score shown as saved survives the crash: lost {lost}")
        app.shot("12b-expert-after-restart")
        for cell in cells:
            if key(cell) not in shown_saved:
                score(cell)
        for comment in [c for c in app.all_testid("comment-cell") if c.is_enabled()]:
            focus(comment)
            comment.send_keys("事迹突出，建议推荐", Keys.TAB)
        app.wait.until(
            lambda _: not json.loads(cli(expert, "expert", "status", "--json"))["incomplete"]
        )
        app.shot("12-expert-scored")

        answer_dialogs_with(app, stick)
        app.click("submit-open")
        app.by_testid("submit-pin").send_keys("246810")
        app.click("submit-confirm")
        done = app.by_testid("submit-done").text
        app.shot("13-expert-submitted")
        bundles = [f for f in os.listdir(stick) if f.endswith(".pdresult")]
        check(len(bundles) == 1, f"one bundle on the stick: {bundles}")
        check(bundles[0] in done or "U 盘" in done, f"done message: {done!r}")
        verified = json.loads(cli(clerk, "verify", os.path.join(stick, bundles[0]), "--json"))
        check(verified[0]["ok"] and verified[0]["fingerprint"] in fingerprint, "bundle verifies")
        check(opened["hash"] == verified[0]["detail"]["package_hash"], "bundle names the package")
    finally:
        app.close()
        shutil.rmtree(expert, ignore_errors=True)
    try:
        clerk_receives_and_prints(binary, shots, clerk, stick, os.path.join(stick, bundles[0]))
    finally:
        for d in (clerk, stick):
            shutil.rmtree(d, ignore_errors=True)


def poppler_text(pdf):
    return subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout


def clerk_receives_and_prints(binary, shots, clerk, stick, bundle):
    """The clerk's laptop: receive the expert's bundle and a tampered copy in the app (the
    copy is refused), see the results, print the summary and the certificates, and check a
    certificate's code."""
    tampered = os.path.join(stick, "tampered.pdresult")
    raw = bytearray(open(bundle, "rb").read())
    raw[len(raw) // 2] ^= 0x01
    open(tampered, "wb").write(bytes(raw))
    app = App(binary, clerk, shots)
    try:
        app.click("review-row")
        app.click("tab-results")
        app.wait.until(lambda _: app.all_testid("results-no-package") == [] and app.all_testid("status-board"))
        answer_dialogs_with(app, [bundle, tampered])
        app.click("receive-pick")
        app.wait.until(lambda _: len(app.all_testid("receipt")) == 2)
        outcomes = sorted(r.get_attribute("data-outcome") for r in app.all_testid("receipt"))
        check(outcomes == ["accepted", "refused"], f"one accepted, the tampered one refused: {outcomes}")
        rows = app.wait.until(lambda _: app.all_testid("result-row"))
        check(len(rows) == 4, f"four results: {len(rows)}")
        app.shot("20-clerk-received")

        summary = os.path.join(stick, "汇总表.pdf")
        answer_dialogs_with(app, summary)
        app.click("print-summary")
        app.wait.until(lambda _: app.all_testid("print-notice"))
        text = poppler_text(summary)
        check("结果汇总表" in text and "第 1 页" in text, "the summary prints")
        names = [r.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text for r in rows]
        check(all(n.split()[0] in text for n in names if n), f"every nomination on the summary: {names}")

        certificates = os.path.join(stick, "证书.pdf")
        answer_dialogs_with(app, certificates)
        app.click("print-certificates")
        app.wait.until(lambda _: len(app.all_testid("print-notice")) and os.path.exists(certificates))
        text = poppler_text(certificates)
        check("证书编号" in text, "certificates print with serials")
        app.shot("21-clerk-printed")
        serial = re.search(r"证书编号 (\S+)", text).group(1)
        code = re.search(r"验证码 (\S+)", text).group(1)
        app.by_testid("check-serial").send_keys(serial)
        app.by_testid("check-code").send_keys(code)
        app.click("check-submit")
        result = app.by_testid("check-result")
        check(result.get_attribute("data-genuine") == "true", f"the printed code checks out: {result.text}")
        preview = app.by_testid("certificate-preview")
        app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", preview)
        app.wait.until(lambda _: "荣" in preview.text)
        app.shot("22-clerk-certificate-preview")
        supervisor_registers_and_draws(app, clerk, stick)
    finally:
        app.close()


def supervisor_registers_and_draws(app, data, stick):
    """The supervisor, on the same office laptop: the review's awards enter the register,
    a spot check is drawn from a typed seed, verified and printed, and the command line
    re-runs the app's draw from the record."""
    entry = app.by_testid("register-entry")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", entry)
    build = app.by_testid("register-entry-build-start")
    build.clear()
    build.send_keys("2026-12")
    app.click("register-entry-submit")
    app.by_testid("register-entry-done")
    app.shot("39-clerk-registered")
    app.click("back-home")
    app.click("open-supervision")
    rows = app.wait.until(lambda _: app.all_testid("register-row"))
    check(len(rows) == 4, f"the four awarded students are in the register: {len(rows)}")
    statuses = {r.get_attribute("data-status") for r in rows}
    check(statuses == {"awarded"}, f"students have no build cycle: {statuses}")
    app.shot("40-supervisor-register")
    # Changing a status asks for a reason; Escape leaves everything as it was.
    app.all_testid("status-open")[0].click()
    app.by_testid("status-dialog")
    app.by_testid("status-reason").send_keys("督查发现问题")
    app.shot("40b-supervisor-status-dialog")
    app.by_testid("status-reason").send_keys(Keys.ESCAPE)
    app.wait.until(lambda _: not app.all_testid("status-dialog"))
    statuses = {r.get_attribute("data-status") for r in app.all_testid("register-row")}
    check(statuses == {"awarded"}, f"a cancelled change changes nothing: {statuses}")

    app.click("supervision-tab-spotChecks")
    count = app.by_testid("spot-count")
    count.clear()
    count.send_keys("2")
    app.by_testid("spot-seed").send_keys("2026-12-01 公证 0417")
    app.click("spot-draw")
    card = app.by_testid("spot-check")
    check_id = card.get_attribute("data-check-id")
    units = app.wait.until(lambda _: app.all_testid("spot-unit"))
    check(len(units) == 2, f"two units drawn: {len(units)}")
    check("2026-12-01 公证 0417" in app.by_testid("spot-check-seed").text, "the seed is shown as typed")
    app.click("spot-verify")
    verdict = app.by_testid("spot-verification")
    check(verdict.get_attribute("data-ok") == "true", f"the draw verifies: {verdict.text}")
    notice = os.path.join(stick, "抽查名单.pdf")
    answer_dialogs_with(app, notice)
    app.click("spot-print")
    app.wait.until(lambda _: app.all_testid("spot-print-notice") and os.path.exists(notice))
    text = poppler_text(notice)
    check("随机抽查名单" in text and check_id in text, "the notice prints the draw")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'start'})", card)
    app.shot("41-supervisor-spot-check")
    cli(data, "spot-check", "verify", "--draw", check_id)


def main():
    binary = os.path.abspath(sys.argv[1])
    shots = os.path.abspath(sys.argv[2])
    os.makedirs(shots, exist_ok=True)
    started = time.time()
    global CLI
    CLI = os.path.join(os.path.dirname(binary), "paneldesk")
    print("e2e: demo review on screen")
    demo_review_on_screen(binary, shots)
    print("e2e: an expert scores and submits")
    expert_scores_in_the_app(binary, shots)  # and the clerk receives and prints
    print(f"e2e: passed in {time.time() - started:.1f} s; screenshots in {shots}")


if __name__ == "__main__":
    main()
