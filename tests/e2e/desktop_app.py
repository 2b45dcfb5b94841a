"""End-to-end test of the real desktop app: built binary, real WebKitGTK window under Xvfb,
driven through WebDriver (tauri-driver + WebKitWebDriver).

Usage: python3 tests/e2e/desktop_app.py <path to paneldesk-app binary> <screenshot folder>
Run it under `xvfb-run -a -s "-screen 0 1280x800x24"` when there is no display.
Each app instance gets its own PANELDESK_DATA_DIR: separate folders stand in for
separate laptops.
"""

import datetime
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
from selenium.common.exceptions import TimeoutException, WebDriverException
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
        # The shell opens every file dialog itself, and native dialogs cannot be reached
        # through WebDriver: a debug build answers them with the paths written to this
        # file (answer_shell_dialog).
        self.dialog_answer = os.path.join(data_dir, "e2e-dialog-answer")
        env = dict(os.environ, PANELDESK_DATA_DIR=data_dir, PANELDESK_E2E_DIALOG_ANSWER=self.dialog_answer)
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
        # tauri-driver answers /status before the WebKitWebDriver it starts is listening;
        # on a loaded machine the first session request can find nobody there.
        for attempt in range(4):
            try:
                self.web = webdriver.Remote(f"http://127.0.0.1:{self.port}", options=options)
                break
            except Exception as error:
                if attempt == 3:
                    # Leave no driver behind to hold ports and a WebKit process.
                    os.killpg(self.driver_proc.pid, signal.SIGKILL)
                    raise
                print(f"  no WebDriver session yet ({type(error).__name__}); retrying")
                time.sleep(2)
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

    def texts(self, testid):
        """The rendered text of every element with `testid`, read in one step: a list the
        page redraws between finding its rows and reading them cannot go stale."""
        return self.web.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText.trim())",
            f'[data-testid="{testid}"]',
        )

    def click(self, testid):
        element = self.by_testid(testid, clickable=True)
        # Only <main> scrolls, below the app bar: an element half under the bar is brought
        # to the middle first, as a person would scroll to it.
        self.web.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "if (r.top < 60 || r.bottom > window.innerHeight - 40) arguments[0].scrollIntoView({block: 'center'});",
            element,
        )
        element.click()

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


# The cells of the main tables: nominations (grid rows), flags and results.
TABLE_CELLS = (
    '[data-testid="nomination-row"] > [role="cell"], '
    '[data-testid="flag-row"] > td, '
    '[data-testid="result-row"] > td'
)
# English month names or abbreviations, as a date left to an English locale prints them.
ENGLISH_MONTH = re.compile(
    r"\b(January|February|March|April|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s*\d)"
)


def text_fits(app, where):
    """Fails on text a clerk cannot read whole in the main tables, and on English month
    names in the Chinese UI: every visible cell holds its content (scrollWidth no wider
    than clientWidth), names of people and universities (`.name-cell`) sit on one line,
    never broken inside a word (东川理/工大学)."""
    found = app.web.execute_script(
        """
        const out = [];
        for (const cell of document.querySelectorAll(arguments[0])) {
          if (!cell.getClientRects().length) continue;
          const text = cell.innerText.trim();
          if (cell.scrollWidth > cell.clientWidth + 1) {
            out.push(`clipped: ${text} (${cell.scrollWidth} > ${cell.clientWidth})`);
          }
          if (cell.classList.contains("name-cell") && text) {
            const node = [...cell.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim());
            if (node) {
              const range = document.createRange();
              range.selectNodeContents(node);
              const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
              if (tops.size > 1) out.push(`broken over ${tops.size} lines: ${node.textContent.trim()}`);
            }
          }
        }
        return out;
        """,
        TABLE_CELLS,
    )
    check(not found, f"{where}: table text clipped or broken: {found[:5]}")
    if app.web.execute_script("return document.documentElement.lang").startswith("zh"):
        body = app.web.find_element(By.TAG_NAME, "body").text
        months = sorted({m.group(0) for m in ENGLISH_MONTH.finditer(body)})
        check(not months, f"{where}: English month names in the Chinese UI: {months}")


def column_widths(app, table_testid):
    """The widths of a table's header cells, to see that a change did not reflow it."""
    return app.web.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), th => Math.round(th.getBoundingClientRect().width))",
        f'[data-testid="{table_testid}"] thead th',
    )


def make_pdf(path, pages=3):
    """A small, real PDF (Helvetica, no fonts embedded) of `pages` pages, each saying its
    number, for the reader."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for n in range(1, pages + 1):
        text = f"BT /F1 28 Tf 72 720 Td (Recommendation form - page {n}) Tj ET " \
               f"BT /F1 14 Tf 72 680 Td (Volunteer service: 200 hours. Keyword{n}) Tj ET " \
               "0.55 0.11 0.07 RG 4 w 60 60 475 700 re S"
        objects.append(f"<< /Length {len(text)} >>\nstream\n{text}\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {len(objects)} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {pages} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for o in offsets:
        out += f"{o:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    with open(path, "wb") as f:
        f.write(out)


def make_png(path, width=480, height=320):
    """A photo stand-in: a red band over a grey gradient, written without any library."""
    import struct
    import zlib
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            if height // 3 < y < height // 2:
                rows += bytes((140, 28, 19))
            else:
                g = 120 + (x * 100) // width
                rows += bytes((g, g, g))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def batch_with_materials(out):
    """The messy fixture folder, with one university (南湖医科大学) sending a folder package:
    its workbook beside a real PDF, a photo and a Word file its 材料 column names."""
    import zipfile
    batch = os.path.join(REPO, "tests", "fixtures", "workbooks", "batch")
    shutil.copytree(batch, out)
    name = "南湖医科大学 推荐表.xlsx"
    folder = os.path.join(out, "南湖医科大学")
    os.makedirs(folder)
    with zipfile.ZipFile(os.path.join(batch, name)) as src, zipfile.ZipFile(
        os.path.join(folder, name), "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                old = "推荐表.pdf；事迹材料.docx".encode()
                check(data.count(old) == 1, "the 南湖 row names its materials once")
                data = data.replace(old, "推荐表.pdf；合影.png；事迹材料.docx".encode())
            dst.writestr(item, data)
    os.remove(os.path.join(out, name))
    make_pdf(os.path.join(folder, "推荐表.pdf"))
    make_png(os.path.join(folder, "合影.png"))
    make_docx(os.path.join(folder, "事迹材料.docx"))
    return out


def make_docx(path):
    """A small real Word file: a styled heading, a paragraph, a link out to a website and a
    picture linked from one (neither may be followed or fetched by the reader)."""
    import zipfile

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
            "</Types>",
        )
        docx.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        docx.writestr(
            "word/_rels/document.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/hyperlink" Target="https://example.edu.cn/nanhu" TargetMode="External"/>'
            f'<Relationship Id="rId3" Type="{rel}/image" Target="https://example.edu.cn/track.png" TargetMode="External"/>'
            "</Relationships>",
        )
        docx.writestr(
            "word/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:styles {w}>'
            '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
            '<w:rPr><w:b/><w:color w:val="C00000"/><w:sz w:val="36"/></w:rPr></w:style></w:styles>',
        )
        docx.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {w}><w:body>'
            '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>南湖医科大学事迹材料</w:t></w:r></w:p>'
            "<w:p><w:r><w:t>附属医院党总支坚持把党建工作与医疗服务深度融合。详见</w:t></w:r>"
            '<w:hyperlink r:id="rId2"><w:r><w:t>学校网站</w:t></w:r></w:hyperlink></w:p>'
            '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            '<wp:extent cx="952500" cy="952500"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill>'
            '<a:blip r:link="rId3"/></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm>'
            '</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'
            '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440"/></w:sectPr>'
            "</w:body></w:document>",
        )


def docx_shown(app, shot):
    """The Word file laid out in the reader (docx-preview): its text, its styles applied
    through the CSSOM although the content policy refuses <style> elements, its link only
    text, nothing fetched from outside."""
    app.wait.until(lambda _: app.by_testid("reader").get_attribute("data-kind") == "docx")
    WebDriverWait(app.web, 30).until(
        lambda _: app.by_testid("reader-docx").get_attribute("data-state") in ("shown", "failed")
    )
    host = app.by_testid("reader-docx")
    check(host.get_attribute("data-state") == "shown", "the Word file is laid out")
    seen = app.web.execute_script(
        """
        const root = arguments[0].shadowRoot;
        const heading = [...root.querySelectorAll('p')].find((p) => p.textContent.includes('南湖医科大学事迹材料'));
        // What the policy does to a <style> element in this window.
        const probe = document.createElement('style');
        probe.textContent = '[data-csp-probe] { outline-style: dotted; }';
        const el = document.createElement('span');
        el.setAttribute('data-csp-probe', '');
        document.body.append(probe, el);
        const inlineStyleApplies = getComputedStyle(el).outlineStyle === 'dotted';
        probe.remove(); el.remove();
        return {
          text: root.textContent,
          links: root.querySelectorAll('a, [href]').length,
          images: [...root.querySelectorAll('img')].map((i) => i.getAttribute('src') || ''),
          styles: root.querySelectorAll('style').length,
          styled: arguments[0].dataset.styled,
          headingColor: heading ? getComputedStyle(heading.querySelector('span') || heading).color : null,
          wrapperDisplay: getComputedStyle(root.querySelector('.docx-wrapper')).display,
          inlineStyleApplies,
        };
        """,
        host,
    )
    print(f"  docx: {seen}")
    check("附属医院党总支" in seen["text"] and "学校网站" in seen["text"], "the Word file's text is shown")
    check(seen["links"] == 0, "its link is only text")
    check(all(src.startswith("data:") for src in seen["images"]), f"nothing remote: {seen['images']}")
    check(seen["styles"] == 0 and seen["styled"] == "true", "its styles go in through the CSSOM")
    check(seen["wrapperDisplay"] == "flex", "the library's page layout applies")
    check(seen["headingColor"] == "rgb(192, 0, 0)", f"the document's own heading style applies: {seen['headingColor']}")
    check(not seen["inlineStyleApplies"], "the window's policy refuses <style> elements (why the CSSOM)")
    app.shot(shot)


def demo_review_on_screen(binary, shots):
    """A clerk opens the app, creates the demo review and sees its nominations."""
    data = tempfile.mkdtemp(prefix="paneldesk-e2e-")
    app = App(binary, data, shots)
    try:
        app.shot("01-home-empty")
        check(not app.all_testid("review-row"), "a fresh data folder lists no review")
        # The first screen asks who works here today; a refused name keeps the question.
        app.click("who-role-clerk")
        app.click("who-confirm")
        refused = app.by_testid("who-error")
        check("姓名" in refused.text and "acting_person_empty" in refused.text, f"an empty name is refused: {refused.text!r}")
        app.by_testid("who-name").send_keys("张敏")
        app.click("who-confirm")
        line = app.by_testid("who-line")
        check("张敏" in line.text and "工作人员" in line.text, f"the home screen says who works here: {line.text!r}")
        sections = app.web.execute_script(
            "return Array.from(document.querySelectorAll('[data-section]'), e => e.dataset.section)"
        )
        check(sections[0] == "clerk", f"the clerk's work comes first: {sections}")
        app.shot("01a-home-who")

        app.click("create-demo")
        title = app.by_testid("review-title")
        app.wait.until(lambda _: "大学生党员标兵" in title.text)
        step = app.by_testid("next-step")
        app.wait.until(lambda _: step.get_attribute("data-step") == "build_package")
        check("下一步" in step.text and "评审包" in step.text, f"the overview says what comes next: {step.text!r}")
        check("demo-2026" not in title.text, "the review's id is no part of its title")
        app.shot("02-review-overview")

        app.click("tab-rubric")
        app.wait.until(lambda _: len(app.all_testid("criterion-row")) == 5)
        criteria = app.texts("criterion-row")
        check("政治素质好" in criteria[0], f"first criterion shown: {criteria[0]!r}")
        app.shot("03-rubric")

        app.click("tab-experts")
        app.wait.until(lambda _: len(app.all_testid("expert-row")) == 7)

        app.click("tab-nominations")
        # Only the rows in view are in the page (the list reads them by page from the core).
        app.wait.until(lambda _: app.all_testid("nomination-row"))
        listed = app.by_testid("nomination-list").get_attribute("aria-rowcount")
        check(listed == "61", f"the list says it has 60 rows and a heading: {listed!r}")
        count = app.by_testid("nomination-count").text
        check("60" in count, f"nomination count says {count!r}")
        rows = app.all_testid("nomination-row")
        page = app.web.find_element(By.TAG_NAME, "body").text
        check("110105" not in page and "13812" not in page, "no unmasked personal data")
        app.shot("04-nominations")
        text_fits(app, "nominations")

        # The nominations on screen are the ones in the review file, as the CLI sees them.
        if os.path.exists(CLI):
            shown = json.loads(cli(data, "review", "show", "--json"))
            names = {n["display_name"] for n in shown["nominations"]}
            first = app.all_testid("nomination-row")[0].get_attribute("innerText")
            check(any(name in first for name in names), f"row {first!r} is a stored nomination")

        search = app.by_testid("nomination-search")
        search.send_keys("东川理工大学")
        # The core answers the search with fewer rows, all of that university's.
        app.wait.until(lambda _: "60" not in app.by_testid("nomination-count").text)
        app.wait.until(
            lambda _: app.web.execute_script(
                "const rows = [...document.querySelectorAll('[data-testid=\"nomination-row\"]')];"
                "return rows.length > 0 && rows.every((r) => r.innerText.includes('东川理工大学'));"
            ),
            "search keeps only that university's nominations",
        )
        app.shot("05-nominations-search")
        text_fits(app, "nominations, searched")

        # The import and flags tabs are there for the clerk (the import itself runs in
        # clerk_prepares_the_round).
        app.click("tab-import")
        app.by_testid("import-dropzone")
        app.by_testid("import-pick-files")
        app.shot("05b-import-tab")
        app.click("tab-flags")
        check(not app.all_testid("flag-row"), "generated demo data carries no flags")

        app.click("lang-switch")
        app.wait.until(lambda _: "Nominations" in app.web.find_element(By.TAG_NAME, "body").text)
        app.shot("06-english")
        app.click("lang-switch")

        app.click("back-home")
        app.wait.until(lambda _: len(app.all_testid("review-row")) == 1)
        app.shot("07-home-with-demo")

        clerk_words_the_six_criteria(app, data)
    finally:
        app.close()
        shutil.rmtree(data, ignore_errors=True)


def parsing_children():
    """Process ids of the app's workbook-parsing children (`paneldesk-app __read-workbooks`)."""
    out = subprocess.run(
        ["pgrep", "-f", "paneldesk-app __read-workbooks"], capture_output=True, text=True
    ).stdout
    return sorted(out.split())


def audit_actions(data):
    return [e["action"] for e in json.loads(cli(data, "audit", "show", "--json"))]


def cli(data, *args, pin=None):
    """The `paneldesk` CLI next to the app binary, on one laptop's data folder."""
    env = dict(os.environ, PANELDESK_DATA_DIR=data, PANELDESK_CLERK_PASSPHRASE=CLERK_PASSPHRASE)
    if pin:
        env["PANELDESK_PASSPHRASE"] = pin
    out = subprocess.run([CLI] + list(args), env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError(f"paneldesk {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def answer_shell_dialog(app, paths):
    """The dialogs the shell opens from now on pick `paths` (one path, or a list for a
    dialog that picks several files): a file to open, a folder, or where to save (debug
    builds only)."""
    paths = [paths] if isinstance(paths, str) else paths
    os.makedirs(os.path.dirname(app.dialog_answer), exist_ok=True)
    with open(app.dialog_answer, "w", encoding="utf-8") as f:
        f.write("".join(p + "\n" for p in paths))


# What every expert gives each criterion, by the row's place on the sheet. Rows 3 and 4
# total the same (75), so with a quota of 4 they tie across the cut line; no one gives a
# full 100, so the "more top marks" breaker cannot part them and the panel must decide.
POINTS_BY_ROW = [18, 17, 16, 15, 15, 14, 13, 12, 11, 10, 9, 8]
PIN = "会议室 lamp orbit 2468"
CLERK_PASSPHRASE = "评审办 copper river 1357"


def unlock_clerk_keys(app, data, shot=None):
    """The clerk's keys are sealed under the clerk's passphrase: the first signing job of
    a session asks for it (and, on a computer without keys, sets it, typed twice). A
    wrong passphrase is refused in the form first."""
    gate = app.by_testid("clerk-key-gate")
    state = gate.get_attribute("data-state")
    if state == "protected":
        app.by_testid("clerk-passphrase").send_keys(CLERK_PASSPHRASE + "x")
        app.click("clerk-unlock")
        error = app.by_testid("clerk-key-error")
        check("口令不正确" in error.text, f"a wrong clerk passphrase is refused: {error.text!r}")
        app.by_testid("clerk-passphrase").clear()
    else:
        app.by_testid("clerk-passphrase").send_keys("password123")
        app.by_testid("clerk-passphrase-repeat").send_keys("password123")
        app.click("clerk-unlock")
        error = app.by_testid("clerk-key-error")
        check("容易被猜到" in error.text, f"a guessable clerk passphrase is refused: {error.text!r}")
        for testid in ("clerk-passphrase", "clerk-passphrase-repeat"):
            app.by_testid(testid).clear()
            app.by_testid(testid).send_keys(CLERK_PASSPHRASE)
    if state == "protected":
        app.by_testid("clerk-passphrase").send_keys(CLERK_PASSPHRASE)
    if shot:
        app.shot(shot)
    app.click("clerk-unlock")
    app.wait.until(lambda _: not app.all_testid("clerk-key-gate"))
    stored = open(os.path.join(data, "keys", "clerk.json"), encoding="utf-8").read()
    check("AGE-SECRET-KEY" not in stored and "argon2id" in stored, "the clerk's keys are sealed on disk")
QUOTA = 4
ALLOWANCE = 5


GUIDANCE = "理想信念坚定，政治立场鲜明，有相关表彰或实例佐证"
BANDS_SHOWN = "优 18–20；良 15–17.5"


def set_element(app, el, value):
    """`set_input` for an element without a test id of its own (a band row's fields)."""
    app.web.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));"
        "el.dispatchEvent(new Event('change', {bubbles: true}));",
        el,
        value,
    )


MODEL_UNIVERSITY_CRITERIA = [
    ("政治功能过硬", "Political function"),
    ("班子建设过硬", "Leadership team"),
    ("队伍建设过硬", "Cadre and staff"),
    ("组织体系过硬", "Organisation"),
    ("制度机制过硬", "Rules and mechanisms"),
    ("作用发挥过硬", "Effect in practice"),
]


def clerk_words_the_six_criteria(app, data):
    """A 示范高校 review ships its six 过硬 criteria as placeholders (过硬一（待填写）…):
    the clerk creates one in the app, the overview sends them to the rubric first, and
    they word all six in the rubric tab; the core stores the names and audits each edit."""
    app.click("new-review")
    Select(app.by_testid("new-review-activity")).select_by_value("model_university")
    app.click("new-review-submit")
    title = app.by_testid("review-title")
    app.wait.until(lambda _: "示范高校" in title.text)
    step = app.by_testid("next-step")
    app.wait.until(lambda _: step.get_attribute("data-step") == "word_rubric")
    check("评分标准" in step.text, f"the overview asks for the criteria first: {step.text!r}")
    app.click("next-step-go")
    app.wait.until(lambda _: len(app.all_testid("criterion-row")) == 6)
    check(app.all_testid("placeholder-note"), "the rubric says its criteria are placeholders")
    check(all("待填写" in r.text for r in app.all_testid("criterion-row")), "all six are placeholders")
    app.shot("07a-clerk-model-university-placeholders")
    for index, (zh, en) in enumerate(MODEL_UNIVERSITY_CRITERIA):
        app.all_testid("criterion-edit")[index].click()
        set_element(app, app.by_testid("criterion-name-zh"), zh)
        set_element(app, app.by_testid("criterion-name-en"), en)
        app.click("criterion-save")
        app.wait.until(lambda _: zh in app.all_testid("criterion-row")[index].text)
    app.wait.until(lambda _: not app.all_testid("placeholder-note"))
    rows = [r.text for r in app.all_testid("criterion-row")]
    check(not any("待填写" in r for r in rows), f"no placeholder is left: {rows}")
    app.shot("07b-clerk-model-university-worded")
    stored = json.loads(cli(data, "rubric", "show", "--json"))
    names = [c["name_zh"] for c in stored[0]["category"]["rubric"]["criteria"]]
    check(names == [zh for zh, _ in MODEL_UNIVERSITY_CRITERIA], f"the core stored the six names: {names}")
    edits = audit_actions(data).count("rubric.criterion_changed")
    check(edits >= 6, f"each naming is in the audit log: {edits}")


def clerk_writes_guidance(app, clerk):
    """Before the package goes out the clerk gives the first criterion its 评分要点 and two
    score bands in the rubric tab; the core checks and stores them, and the expert later
    sees them beside the inputs (`expert_scores`)."""
    app.click("tab-rubric")
    app.wait.until(lambda _: len(app.all_testid("criterion-edit")) == 5)
    app.all_testid("criterion-edit")[0].click()
    guidance = app.by_testid("criterion-guidance")
    guidance.clear()
    guidance.send_keys(GUIDANCE)
    for label, low, high in (("优", "18", "20"), ("良", "15", "17.5")):
        app.click("band-add")
        row = app.all_testid("band-row")[-1]
        for testid, value in (("band-label", label), ("band-from", low), ("band-to", high)):
            set_element(app, row.find_element(By.CSS_SELECTOR, f'[data-testid="{testid}"]'), value)
    app.click("criterion-save")
    app.by_testid("rubric-saved")
    shown = app.all_testid("criterion-bands")[0].text
    check(shown == BANDS_SHOWN, f"the bands as the core stored them: {shown!r}")
    app.shot("05a2-clerk-rubric-guidance")
    stored = json.loads(cli(clerk, "rubric", "show", "--json"))
    first = stored[0]["category"]["rubric"]["criteria"][0]
    check(first["guidance_zh"] == GUIDANCE, f"the guidance is stored: {first['guidance_zh']!r}")
    check([b["label"] for b in first["bands"]] == ["优", "良"], f"and the bands: {first['bands']}")
    check("rubric.criterion_changed" in audit_actions(clerk), "the edit is in the audit log")


def clerk_prepares_the_round(binary, shots, clerk, package):
    """The clerk's laptop: a review from the built-in template, a roster typed in, a
    folder of messy workbooks picked in the folder dialog, a flag settled, the quota set
    and the signed panel package written to the USB stick."""
    app = App(binary, clerk, shots)
    try:
        app.click("who-role-clerk")
        app.by_testid("who-name").send_keys("李秘书")
        app.click("who-confirm")
        app.by_testid("who-line")
        app.click("new-review")
        Select(app.by_testid("new-review-activity")).select_by_value("student_exemplar")
        year = app.by_testid("new-review-year")
        year.clear()
        year.send_keys("2026")
        app.click("new-review-submit")
        title = app.by_testid("review-title")
        app.wait.until(lambda _: "2026年大学生党员标兵" in title.text)

        # The roster, typed in: Enter in the last field adds the expert and the cursor
        # goes back to the name for the next one.
        app.click("tab-experts")
        roster = [
            ("周文渊", "省委教育工委", "研究员"),
            ("陈思齐", "东海大学", "教授"),
            ("林晓岚", "北川师范学院", "副教授"),
        ]
        for n, (name, institution, rank) in enumerate(roster, start=1):
            app.by_testid("expert-add-name").send_keys(name)
            app.by_testid("expert-add-institution").send_keys(institution)
            app.by_testid("expert-add-title").send_keys(rank, Keys.ENTER)
            app.wait.until(lambda _: len(app.all_testid("expert-row")) == n)
        # The same person twice is refused with the core's reason.
        app.by_testid("expert-add-name").send_keys("周文渊")
        app.by_testid("expert-add-institution").send_keys("省委教育工委")
        app.click("expert-add-submit")
        error = app.by_testid("expert-add-error")
        check("周文渊" in error.text, f"duplicate refused: {error.text!r}")
        check(len(app.all_testid("expert-row")) == 3, "the roster is unchanged")
        app.shot("05a-clerk-roster")
        clerk_writes_guidance(app, clerk)

        # Import the messy fixture folder through the shell's folder dialog: the page gets
        # a handle for it, the shell finds the workbooks inside, and the core and the
        # parsing child processes read them. (A native drop on the window reaches the
        # same handles; WebDriver cannot make one, and an event the page emits is no drop.)
        app.click("tab-import")
        batch = batch_with_materials(os.path.join(tempfile.mkdtemp(prefix="paneldesk-e2e-batch-"), "batch"))
        answer_shell_dialog(app, batch)
        app.click("import-pick-folder")
        # Six child processes parse six files: give a loaded CI machine time.
        WebDriverWait(app.web, 180).until(lambda _: len(app.all_testid("import-result-row")) == 6)
        progress = app.by_testid("import-progress")
        app.wait.until(lambda _: progress.get_attribute("value") == progress.get_attribute("max"))
        results = app.by_testid("import-results").text
        check("坏文件.xlsx" in results and "江北师范大学" in results, "results name the files")
        app.shot("05c-import-results")

        # The shell keeps its parsing children for the next import: this binary takes
        # tens of milliseconds to start as one. The same folder picked again re-imports
        # it (each university's rows replaced by the same rows) through the same children.
        children = parsing_children()
        check(1 <= len(children) <= 2, f"the parsing children wait for the next import: {children}")
        imported = audit_actions(clerk).count("import.file")
        app.click("import-pick-folder")
        WebDriverWait(app.web, 180).until(
            lambda _: audit_actions(clerk).count("import.file") == imported + 5
        )
        app.wait.until(lambda _: app.by_testid("import-pick-files").is_enabled())
        check(parsing_children() == children, "the second import was parsed by the same children")
        check(len(app.all_testid("import-result-row")) == 6, "the second run lists its six files")

        # Settle one eligibility flag: accepted, with the clerk's note.
        app.click("tab-flags")
        # Four: the xls and the ods lack columns, said once per file, not flagged per row.
        app.wait.until(lambda _: len(app.all_testid("flag-row")) == 4)
        app.shot("05d-flags")
        text_fits(app, "flags")
        widths = column_widths(app, "flag-list")
        first = app.all_testid("flag-row")[0]
        flag_id = first.get_attribute("data-flag-id")
        first.find_element(By.CSS_SELECTOR, '[data-testid="flag-accept"]').click()
        app.by_testid("flag-note-input").send_keys("经核实，符合推荐条件（学院证明已附）")
        app.click("flag-confirm")
        settled = f'[data-testid="flag-row"][data-flag-id="{flag_id}"]'
        app.wait.until(
            lambda _: app.web.find_element(By.CSS_SELECTOR, settled).get_attribute("data-status")
            == "accepted"
        )
        app.shot("05e-flag-settled")
        text_fits(app, "flags, one settled")
        check(
            column_widths(app, "flag-list") == widths,
            f"settling a flag does not reflow the table: {widths} → {column_widths(app, 'flags-table')}",
        )
        flags = json.loads(cli(clerk, "review", "flags", "--json"))
        check(
            any(str(f["id"]) == flag_id and f["status"] == "accepted" for f in flags),
            "the settled flag is stored with its note",
        )
        audit = json.loads(cli(clerk, "audit", "show", "--json"))
        settled_by = [e["actor"] for e in audit if "flag" in e["action"]]
        check(settled_by and all(a == "李秘书" for a in settled_by), f"the audit log names who works here: {settled_by}")

        app.click("tab-nominations")
        app.wait.until(lambda _: "9" in app.by_testid("nomination-count").text)
        clerk_reads_a_material(app)

        # This year's quota and the rule, set before the package goes out.
        app.click("tab-overview")
        settings = app.by_testid("category-settings")
        check(settings.get_attribute("data-category") == "student_exemplar", "one category")
        quota = app.by_testid("category-quota")
        quota.send_keys(Keys.CONTROL, "a")
        quota.send_keys(str(QUOTA))
        Select(app.by_testid("category-method")).select_by_value("mean")
        # Each university may send at most five in the category (checked at later imports).
        check(app.by_testid("category-allowance").get_attribute("value") == "", "no allowance yet")
        app.by_testid("category-allowance").send_keys(str(ALLOWANCE))
        app.click("category-save")
        app.by_testid("category-saved")
        shown = json.loads(cli(clerk, "category", "list", "--json"))
        check(shown[0]["quota"] == QUOTA, f"quota stored: {shown[0]}")
        check(shown[0]["allowance"] == ALLOWANCE, f"allowance stored: {shown[0]}")
        check("category.allowance_set" in audit_actions(clerk), "the allowance is audited")
        check(shown[0]["rule"]["method"] == "mean", f"rule stored: {shown[0]}")
        app.shot("06b-clerk-category-settings")

        app.click("build-package-open")
        unlock_clerk_keys(app, clerk, shot="06a-clerk-passphrase")
        # Three flags are still open: the clerk is told before the package goes out.
        warning = app.by_testid("build-package-open-flags")
        check("3" in warning.text, f"open flags named before packaging: {warning.text!r}")
        # The form can build one panel's package instead; this round has one panel.
        app.click("package-panel-toggle")
        app.by_testid("package-panel-name").send_keys("第一组")
        check(len(app.all_testid("package-panel-expert")) == 3, "every expert can be ticked")
        app.shot("06d-clerk-panel-form")
        app.click("package-panel-toggle")
        check(not app.all_testid("package-panel-name"), "the panel part folds away")
        minimum = app.by_testid("build-package-min-comment")
        minimum.send_keys(Keys.CONTROL, "a")
        minimum.send_keys("4")
        answer_shell_dialog(app, package)
        app.click("build-package-confirm")
        summary = app.by_testid("package-summary")
        app.wait.until(lambda _: os.path.exists(package))
        app.shot("06c-clerk-package")
        check("9" in summary.text, f"nine nominations go out: {summary.text!r}")
        return app.by_testid("package-fingerprint").text.strip()
    finally:
        app.close()


def clerk_reads_a_material(app):
    """The clerk's reader (issue 23): 南湖医科大学's PDF opened from the nomination detail,
    beside it, on the review's own `material:` address (verified against its hash in the
    review file and read in ranges), and its Word file; then closed."""
    search = app.by_testid("nomination-search")
    search.send_keys("南湖医科大学")
    app.wait.until(lambda _: len(app.all_testid("nomination-row")) == 1)
    app.click("nomination-row")
    rows = WebDriverWait(app.web, 30).until(lambda _: app.all_testid("material-row"))
    check(len(rows) == 3, f"the detail lists 南湖's three materials: {len(rows)}")
    read = rows[0].find_element(By.CSS_SELECTOR, '[data-testid="material-read"]')
    check(read.get_attribute("data-kind") == "pdf", "the first is the PDF")
    check(
        all(r.find_elements(By.CSS_SELECTOR, '[data-testid="material-save"]') for r in rows),
        "each keeps 另存为…",
    )
    app.web.execute_script("localStorage.removeItem('paneldesk.readerWidth')")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", read)
    read.click()
    reader = app.by_testid("reader")
    check("/review/" in reader.get_attribute("data-url"), "named by the review, not a package")
    check(app.all_testid("reader-split"), "the reader sits beside the detail")
    WebDriverWait(app.web, 30).until(lambda _: app.by_testid("reader-pdf").get_attribute("data-pages") == "3")
    canvas = app.by_testid("reader-canvas")
    app.wait.until(
        lambda _: app.web.execute_script(
            "const c = arguments[0], x = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            "for (let i = 0; i < x.length; i += 4) if (x[i] < 100 && x[i + 3] > 0) return true; return false;",
            canvas,
        )
    )
    check(app.all_testid("correct-open"), "the detail stays usable beside the reader")
    app.shot("05f-clerk-reader-pdf")
    # The Word file, by its tab.
    tabs = app.all_testid("reader-tab")
    check(len(tabs) == 3, "three materials as tabs")
    tabs[2].click()
    docx_shown(app, "05g-clerk-reader-docx")
    app.click("reader-close")
    app.wait.until(lambda _: not app.all_testid("reader"))
    # Back as the tab was: the row folded, the search cleared.
    app.click("nomination-row")
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.DELETE)
    app.wait.until(lambda _: len(app.all_testid("nomination-row")) > 1)


def focus(app, el):
    # Sticky headers can cover a cell near the top: bring it to the middle first.
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def window_pss_kb():
    """The WebKitWebProcess's proportional set size, in KiB (the window's memory)."""
    total = 0
    for pid in subprocess.run(["pgrep", "-f", "WebKitWebProcess"], capture_output=True, text=True).stdout.split():
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def expert_reads_materials(app):
    """The reader beside the grid (issue 23): the PDF of the one nominee with materials,
    paged by keyboard and searched, then by Alt+→ the photo, then the Word file (laid out
    by docx-preview). Returns the nominee read."""
    before = window_pss_kb()
    # WebKit keeps the page's storage per app, not per data folder: start from the default.
    app.web.execute_script("localStorage.removeItem('paneldesk.readerWidth')")
    opener = app.by_testid("nominee-read", clickable=True)
    nominee = opener.get_attribute("data-nomination")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", opener)
    opener.click()
    reader = app.by_testid("reader")
    check(reader.get_attribute("data-kind") == "pdf", "the first material, a PDF, opens")
    app.wait.until(lambda _: app.by_testid("reader-pdf").get_attribute("data-pages") == "3")
    canvas = app.by_testid("reader-canvas")
    app.wait.until(lambda _: app.web.execute_script("return arguments[0].getBoundingClientRect().width", canvas) > 100)
    # The page is drawn: dark text on the canvas, once pdf.js has finished.
    app.wait.until(
        lambda _: app.web.execute_script(
            "const c = arguments[0], x = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            "for (let i = 0; i < x.length; i += 4) if (x[i] < 100 && x[i + 3] > 0) return true; return false;",
            canvas,
        )
    )
    check(app.all_testid("reader-split"), "the reader sits beside the grid in a split")
    app.shot("12e-expert-reader-pdf")
    # PageDown in the reader turns the page; find goes to the page that says it.
    app.by_testid("reader-next-page").click()
    pdf = app.by_testid("reader-pdf")
    app.wait.until(lambda _: pdf.get_attribute("data-page") == "2")
    # The keys of the page's view (focused as a click on it would).
    app.web.execute_script("arguments[0].closest('[role=tabpanel]').focus()", canvas)
    app.web.switch_to.active_element.send_keys(Keys.PAGE_UP)
    app.wait.until(lambda _: pdf.get_attribute("data-page") == "1")
    app.by_testid("reader-find").send_keys("Keyword3", Keys.ENTER)
    app.wait.until(lambda _: pdf.get_attribute("data-page") == "3")
    # The handle resizes the split from the keyboard too.
    handle = app.by_testid("reader-resize")
    share = float(handle.get_attribute("aria-valuenow"))
    check(share == 50, f"the reader starts at half the width: {share}")
    handle.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    app.wait.until(lambda _: float(handle.get_attribute("aria-valuenow")) == share + 10)
    # Alt+→: the next material, the photo.
    app.web.switch_to.active_element.send_keys(Keys.ALT, Keys.ARROW_RIGHT)
    app.wait.until(lambda _: app.by_testid("reader").get_attribute("data-kind") == "image")
    img = app.by_testid("reader-img")
    app.wait.until(lambda _: app.web.execute_script("return arguments[0].naturalWidth", img) == 480)
    app.shot("12f-expert-reader-image")
    # Alt+→ again: the Word file, laid out in the reader.
    app.web.switch_to.active_element.send_keys(Keys.ALT, Keys.ARROW_RIGHT)
    docx_shown(app, "12f2-expert-reader-docx")
    app.web.execute_script("arguments[0].closest('[role=tabpanel]').focus()", app.by_testid("reader-docx"))
    app.web.switch_to.active_element.send_keys(Keys.ALT, Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    app.wait.until(lambda _: app.by_testid("reader").get_attribute("data-kind") == "pdf")
    after = window_pss_kb()
    print(f"  window PSS {before} KiB before the reader, {after} KiB with a PDF open")
    return nominee


def expert_grid_densities(app):
    """The grid for senior experts (issue 23): every row's height in both densities (compact
    rows at most 40 px at 100 %), the nominee column stays when the grid scrolls sideways,
    and a row the arrow keys reach comes out from under the sticky header. Screenshots of
    the compact grid at 100 % and 150 %. Leaves the grid standard and the text at 100 %:
    WebKit keeps the page's storage per app, not per data folder."""

    try:
        grid_densities(app)
    finally:
        # Even when a check fails: the next run must not start at 150 % or compact.
        app.web.execute_script(
            "localStorage.removeItem('paneldesk.gridDensity'); localStorage.removeItem('paneldesk.textSize')"
        )


def grid_densities(app):
    def row_heights():
        # Each row is a grid box of its own, measured whole.
        return app.web.execute_script(
            "return [...document.querySelectorAll('[data-testid=score-row][data-recused=false]')]"
            ".map((row) => Math.round(row.getBoundingClientRect().height))"
        )

    grid = lambda: app.by_testid("score-grid")
    check(grid().get_attribute("data-density") == "standard", "the grid starts standard")
    standard = row_heights()
    app.click("density-compact")
    app.wait.until(lambda _: grid().get_attribute("data-density") == "compact")
    compact = row_heights()
    print(f"  row heights at 100 %, standard: {standard} px; compact: {compact} px")
    check(max(compact) <= 40, f"compact rows are at most 40 px: {compact}")
    check(
        app.web.execute_script("return localStorage.getItem('paneldesk.gridDensity')") == "compact",
        "the density is kept on this laptop",
    )
    # Every cell holding a score shows the same saved mark, in a slot beside it.
    marks = [s.get_attribute("data-state") for s in app.all_testid("cell-status")]
    check(marks and all(m == "saved" for m in marks), f"every scored cell is marked saved: {set(marks)}")
    app.web.execute_script("document.querySelector('main').scrollTo(0, 0)")
    app.shot("12j-expert-compact")

    # At 150 %, compact, and scrolled sideways: the index and nominee columns stay.
    width = app.web.execute_script("return window.innerWidth")
    Select(app.by_testid("text-size")).select_by_value("150")
    app.wait.until(lambda _: app.web.execute_script("return window.innerWidth") < width / 1.4)
    time.sleep(0.5)
    print(f"  compact row heights at 150 %: {row_heights()} CSS px (×1.5 on screen)")
    shifted, main_left, index_left, index_right, left = app.web.execute_script(
        "const main = document.querySelector('main'); main.scrollTo(0, 0); main.scrollLeft = 400;"
        "const name = document.querySelector('[data-testid=score-row] .nominee.sticky-col').getBoundingClientRect();"
        "const index = document.querySelector('[data-testid=score-row] .index.sticky-col').getBoundingClientRect();"
        "return [main.scrollLeft, main.getBoundingClientRect().left, index.left, index.right, name.left];"
    )
    if shifted > 0:
        print(f"  scrolled {shifted} px sideways: the index starts at {index_left:.0f} px (the pane at {main_left:.0f}), the nominee at {left:.0f} px")
        check(index_left >= main_left - 1 and abs(left - index_right) <= 1, "the index and nominee columns stay in view")
    else:
        print("  the grid fits the window at 150 %: nothing to scroll sideways")
    app.shot("12k-expert-compact-text-150")
    app.web.execute_script("document.querySelector('main').scrollLeft = 0")

    # Standard, still at 150 % (the page scrolls further): ↑ from the second row while the
    # first is under the sticky header brings the first fully into view below the header.
    # (From the keyboard: WebKit's driver misses clicks on a zoomed page.)
    app.by_testid("density-standard").send_keys(Keys.SPACE)
    app.wait.until(lambda _: grid().get_attribute("data-density") == "standard")
    print(f"  standard row heights at 150 %: {row_heights()} CSS px")
    rows = [r.get_attribute("data-nomination") for r in app.all_testid("score-row") if r.get_attribute("data-recused") == "false"]
    first, second = (
        app.web.find_element(By.CSS_SELECTOR, f'[data-testid="score-row"][data-nomination="{n}"] [data-testid="score-cell"]')
        for n in rows[:2]
    )
    covered, setup = app.web.execute_script(
        "const main = document.querySelector('main'), row = arguments[0].closest('[data-testid=score-row]');"
        "const head = document.querySelector('[data-testid=score-grid] .grid-head');"
        # The row's top to where the header sticks (below the progress bar), under the header.
        "const stuck = main.getBoundingClientRect().top + parseFloat(getComputedStyle(head).top);"
        # (Focused first: the grid brings a focused cell into view, which would undo this.)
        "arguments[1].focus({preventScroll: true});"
        "const asked = row.getBoundingClientRect().top - stuck, before = main.scrollTop;"
        "main.scrollTop += asked;"
        # Where the stuck header ends (WebKit updates a sticky box's rect only at its next
        # frame, so it is worked out, not read).
        "const under = stuck + head.offsetHeight, top = row.getBoundingClientRect().top;"
        "return [top < under - 1, JSON.stringify({scrolled: main.scrollTop - before, row: top, header_ends: under})];",
        first,
        second,
    )
    from selenium.webdriver.common.action_chains import ActionChains

    # To the focused cell, as the keyboard would (no scrolling by the driver first).
    ActionChains(app.web).send_keys(Keys.ARROW_UP).perform()
    app.wait.until(lambda _: app.web.switch_to.active_element.get_attribute("data-nomination") == rows[0])
    top, bottom = app.web.execute_script(
        "const row = arguments[0].closest('[data-testid=score-row]'), head = document.querySelector('[data-testid=score-grid] .grid-head');"
        "return [row.getBoundingClientRect().top, head.getBoundingClientRect().bottom];",
        first,
    )
    print(f"  scrolled for the ↑ check: {setup}")
    print(f"  first row {'was' if covered else 'was not'} under the header; after ↑ its top {top:.0f} px, the header's bottom {bottom:.0f} px")
    check(covered, "the first row was under the sticky header before ↑")
    check(top >= bottom - 1, f"the row reached by ↑ is below the sticky header: {top} < {bottom}")
    app.shot("12l-expert-row-below-header-150")
    Select(app.by_testid("text-size")).select_by_value("100")
    app.wait.until(lambda _: app.web.execute_script("return window.innerWidth") == width)
    app.wait.until(lambda _: app.web.execute_script("return localStorage.getItem('paneldesk.gridDensity')") == "standard")


def expert_scores(binary, shots, package, stick, seat, data, crash=False, recuse_row=None):
    """One expert's own laptop (its data folder `data`, kept for the panel's meeting vote):
    open the package from the stick, enrol with a passphrase, copy
    the key fingerprint shown onto the signed paper confirmation, score with the keyboard
    (optionally recusing from one nomination, optionally having the app killed halfway),
    submit, and return the bundle written to the stick and the paper confirmation (the
    expert's roster id and fingerprint)."""
    tag = f"expert{seat + 1}"
    app = App(binary, data, shots)
    try:
        answer_shell_dialog(app, package)
        app.click("home-open-package")
        options = app.wait.until(lambda _: app.all_testid("enrol-expert-option"))
        check(len(options) == 3, f"roster of three: {len(options)}")
        if seat == 0:
            app.shot("10-expert-enrol")
        expert_id = options[seat].get_attribute("data-expert-id")
        options[seat].click()
        if seat == 0:
            # Six digits were once enough; a copied laptop file would give them up in hours.
            for field in ("enrol-pin", "enrol-pin-repeat"):
                app.by_testid(field).send_keys("246810")
            app.click("enrol-submit")
            refused = app.by_testid("enrol-error")
            check("至少需要 8 个字符" in refused.text, f"a six-digit PIN is refused: {refused.text!r}")
            for field in ("enrol-pin", "enrol-pin-repeat"):
                app.by_testid(field).clear()
        app.by_testid("enrol-pin").send_keys(PIN)
        app.by_testid("enrol-pin-repeat").send_keys(PIN)
        app.click("enrol-submit")
        fingerprint = app.by_testid("expert-fingerprint").text
        check(len(fingerprint.replace("-", "").strip()) >= 20, f"fingerprint shown: {fingerprint!r}")
        if seat == 0:
            app.shot("11-expert-fingerprint")
        status = json.loads(cli(data, "expert", "status", "--json"))
        check(status["enrolment"]["fingerprint"] in fingerprint, "the fingerprint is the enrolled key's")
        # The clerk's guidance travels with the package: bands beside the first criterion.
        bands = [b.text.strip() for b in app.all_testid("grid-bands")]
        check(bands == [BANDS_SHOWN], f"the expert sees the clerk's score bands: {bands}")
        if seat == 0:
            # Opening a nominee puts the clerk's 评分要点 beside the same score inputs.
            app.all_testid("nominee-open")[0].click()
            panel = app.by_testid("candidate-panel")
            app.wait.until(lambda _: GUIDANCE in panel.get_attribute("innerText"))
            check(BANDS_SHOWN in app.by_testid("candidate-bands").text, "and the bands under it")
            app.web.execute_script("arguments[0].scrollIntoView({block: 'start'})", panel)
            app.shot("11b-expert-candidate-guidance")
            app.click("candidate-close")
            app.wait.until(lambda _: not app.all_testid("candidate-panel"))

        rows = [b.get_attribute("data-nomination") for b in app.all_testid("nominee-open")]
        check(len(rows) == 9, f"nine nominations on the sheet: {len(rows)}")
        place = {nomination: i for i, nomination in enumerate(rows)}
        if recuse_row is not None:
            target = rows[recuse_row]
            app.web.find_element(
                By.CSS_SELECTOR, f'[data-testid="recuse-button"][data-nomination="{target}"]'
            ).click()
            app.by_testid("recusal-dialog")
            app.click("recusal-reason-teacher_student")
            app.by_testid("recusal-note-input").send_keys("本人曾指导该生")
            app.shot(f"12c-{tag}-recusal-dialog")
            app.click("recusal-confirm")
            app.wait.until(lambda _: not app.all_testid("recusal-dialog"))
            app.by_testid("recusal-withdraw")

        def enabled_cells():
            # A cell the grid re-renders while it is asked gives WebKit's driver nothing to
            # parse; the wait asks again.
            try:
                return [c for c in app.all_testid("score-cell") if c.is_enabled()]
            except WebDriverException:
                return []

        key = lambda c: (c.get_attribute("data-nomination"), c.get_attribute("data-criterion"))

        def score(cell):
            # Keyboard-first: type the points, Enter; the next row's cell takes the focus.
            focus(app, cell)
            cell.send_keys(Keys.CONTROL, "a")
            cell.send_keys(str(POINTS_BY_ROW[place[cell.get_attribute("data-nomination")]]), Keys.ENTER)

        cells = app.wait.until(lambda _: enabled_cells())
        done = set()
        if crash:
            # Half the sheet, then the laptop "crashes": the app is killed outright.
            half = cells[: len(cells) // 2]
            for cell in half:
                score(cell)
            app.wait.until(lambda _: all(c.get_attribute("data-state") == "saved" for c in half))
            shown_saved = {key(c): c.get_attribute("value") for c in half}
            app.shot("12a-expert-half-scored")
            app.kill()
            app = App(binary, data, shots)
            app.click("panel-list-item")
            cells = app.wait.until(lambda _: enabled_cells())
            after = {key(c): c.get_attribute("value") for c in cells}
            lost = {k: v for k, v in shown_saved.items() if after.get(k) != v}
            check(not lost, f"every score shown as saved survives the crash: lost {lost}")
            app.shot("12b-expert-after-restart")
            done = set(shown_saved)
        read = None
        if seat == 0:
            # The rest is scored with the reader open beside the grid (which moves into the
            # split's left pane, so its cells are found again).
            read = expert_reads_materials(app)
            cells = app.wait.until(lambda _: enabled_cells())
        for cell in cells:
            if key(cell) not in done:
                score(cell)
        for comment in [c for c in app.all_testid("comment-cell") if c.is_enabled()]:
            focus(app, comment)
            comment.send_keys("事迹突出，建议推荐", Keys.TAB)
        app.wait.until(lambda _: not json.loads(cli(data, "expert", "status", "--json"))["incomplete"])
        if seat == 0:
            # From the read nominee's first cell, Alt+↓ goes to the next nominee: the reader
            # follows, and so does the cursor, in the next row.
            # (Alt+↑ when the nominee read is the last row.)
            step, there, back = (1, Keys.ARROW_DOWN, Keys.ARROW_UP) if place[read] < len(rows) - 1 else (-1, Keys.ARROW_UP, Keys.ARROW_DOWN)
            first = [c for c in enabled_cells() if c.get_attribute("data-nomination") == read][0]
            focus(app, first)
            name = app.by_testid("reader-nominee").text
            first.send_keys(Keys.ALT, there)
            app.wait.until(lambda _: app.by_testid("reader-nominee").text != name)
            moved = app.web.switch_to.active_element.get_attribute("data-nomination")
            check(moved and place.get(moved) == place[read] + step, f"the cursor went to the next row: {moved}")
            check(app.all_testid("reader-split"), "the reader stays open for the next nominee")
            app.shot("12g-expert-reader-next-nominee")
            app.web.switch_to.active_element.send_keys(Keys.ALT, back)
            app.wait.until(lambda _: app.by_testid("reader-nominee").text == name)
            app.wait.until(lambda _: app.by_testid("reader-pdf").get_attribute("data-pages") == "3")
            app.shot("12h-expert-scored-with-reader")
            Select(app.by_testid("text-size")).select_by_value("150")
            app.wait.until(lambda _: app.by_testid("reader-pdf").get_attribute("data-pages") == "3")
            time.sleep(1)
            app.shot("12i-expert-reader-text-150")
            Select(app.by_testid("text-size")).select_by_value("100")
            app.wait.until(
                lambda _: app.web.execute_script("return localStorage.getItem('paneldesk.textSize')") == "100"
            )
            app.click("reader-close")
            app.wait.until(lambda _: not app.all_testid("reader"))
            app.shot("12-expert-scored")
            # A senior expert enlarges the window's text: the whole page scales (the page's
            # width in CSS pixels shrinks by the factor), and the choice outlives the page.
            width = app.web.execute_script("return window.innerWidth")
            Select(app.by_testid("text-size")).select_by_value("150")
            app.wait.until(lambda _: app.web.execute_script("return window.innerWidth") < width / 1.4)
            check(
                app.web.execute_script("return localStorage.getItem('paneldesk.textSize')") == "150",
                "the text size is kept on this laptop",
            )
            app.shot("12d-expert-text-150")
            Select(app.by_testid("text-size")).select_by_value("100")
            app.wait.until(lambda _: app.web.execute_script("return window.innerWidth") == width)
            expert_grid_densities(app)

        before = set(os.listdir(stick))
        answer_shell_dialog(app, stick)
        app.click("submit-open")
        app.by_testid("submit-pin").send_keys(PIN)
        app.click("submit-confirm")
        done_text = app.by_testid("submit-done").text
        if seat == 0:
            app.shot("13-expert-submitted")
        new = [f for f in set(os.listdir(stick)) - before if f.endswith(".pdresult")]
        check(len(new) == 1, f"one new bundle on the stick: {new}")
        check(new[0] in done_text or "U 盘" in done_text, f"done message: {done_text!r}")
        return os.path.join(stick, new[0]), (expert_id, fingerprint)
    finally:
        app.close()


def an_unregistered_laptop(clerk, package, out):
    """The package went to every laptop in the room: another laptop opens it, enrols under
    the second expert's name and submits, through the command line. Its key is on no signed
    confirmation, so nobody registers it. Returns the bundle and its key's fingerprint."""
    data = tempfile.mkdtemp(prefix="paneldesk-e2e-unregistered-")
    try:
        opened = json.loads(cli(data, "expert", "open", package, "--json"))
        name = opened["experts"][1]["name"]
        enrolled = json.loads(cli(data, "expert", "enrol", "--name", name, "--json", pin=PIN))
        criteria = {
            c["key"]: c["rubric"]["criteria"]
            for c in json.loads(cli(clerk, "review", "show", "--json"))["categories"]
        }
        lines = ["nomination,what,value"]
        for item in json.loads(cli(data, "expert", "status", "--json"))["incomplete"]:
            nomination = item["nomination_id"]
            lines += [f"{nomination},{c['key']},{c['step']}" for c in criteria[item["category_key"]]]
            lines.append(f"{nomination},comment,事迹突出，建议推荐")
        scores = os.path.join(data, "scores.csv")
        with open(scores, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        cli(data, "expert", "score", scores)
        submitted = json.loads(cli(data, "expert", "submit", "--out", out, "--json", pin=PIN))
        return submitted["file"], enrolled["fingerprint"]
    finally:
        shutil.rmtree(data, ignore_errors=True)


def journey(binary, shots):
    """A clerk's laptop and three experts' laptops, no network, only a USB stick."""
    clerk = tempfile.mkdtemp(prefix="paneldesk-e2e-clerk-")
    stick = tempfile.mkdtemp(prefix="paneldesk-e2e-stick-")
    other_stick = tempfile.mkdtemp(prefix="paneldesk-e2e-other-stick-")
    package = os.path.join(stick, "2026年大学生党员标兵.pdpanel")
    # The three experts' laptops: each its own data folder, kept after scoring for the
    # panel's meeting vote.
    laptops = [tempfile.mkdtemp(prefix=f"paneldesk-e2e-expert{seat}-") for seat in range(3)]
    try:
        clerk_fingerprint = clerk_prepares_the_round(binary, shots, clerk, package)
        opened = json.loads(cli(clerk, "verify", package, "--json"))
        check(opened[0]["ok"], f"the package verifies: {opened}")
        bundles = []
        confirmations = []
        for seat in range(3):
            print(f"e2e: expert {seat + 1} scores on their own laptop")
            bundle, confirmation = expert_scores(
                binary, shots, package, stick, seat, laptops[seat], crash=seat == 0, recuse_row=0 if seat == 2 else None
            )
            verified = json.loads(cli(clerk, "verify", bundle, "--json"))
            check(verified[0]["ok"] and verified[0]["fingerprint"] in confirmation[1], "bundle verifies")
            bundles.append(bundle)
            confirmations.append(confirmation)
        check(clerk_fingerprint, "the clerk's fingerprint was shown")
        print("e2e: a laptop nobody registered enrols as the second expert")
        unregistered = an_unregistered_laptop(clerk, package, other_stick)
        clerk_receives_and_prints(
            binary, shots, clerk, stick, bundles, confirmations, unregistered, clerk_fingerprint, laptops
        )
    finally:
        for d in (clerk, stick, other_stick, *laptops):
            shutil.rmtree(d, ignore_errors=True)


def poppler_text(pdf):
    return subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout


# Each expert's fingerprint as the clerk types it off the signed confirmation: as printed,
# in lower case with spaces, with full-width dashes from a Chinese input method.
AS_TYPED = [
    lambda f: f.lower().replace("-", " "),
    lambda f: f,
    lambda f: f.replace("-", "－"),
]


def clerk_registers_keys(app, clerk, confirmations):
    """The meeting-room ceremony, in the clerk's window: each expert's fingerprint, read
    off their signed paper confirmation, is typed in against their name. A slip of the pen
    is refused with the core's reason and nothing is stored."""
    rows = app.wait.until(lambda _: app.all_testid("status-row"))
    check(len(rows) == 3, f"three experts on the board: {len(rows)}")
    check(
        all(r.get_attribute("data-registered") == "" for r in rows),
        "no key is registered before the ceremony",
    )
    check(len(app.all_testid("status-unregistered")) == 3, "each row says 未登记")
    for n, (expert_id, fingerprint) in enumerate(confirmations):
        button = app.web.find_element(
            By.CSS_SELECTOR, f'[data-testid="key-register-open"][data-expert-id="{expert_id}"]'
        )
        app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        app.by_testid("key-register-dialog")
        field = app.by_testid("key-register-fingerprint")
        if n == 0:
            field.send_keys(fingerprint[:-1])
            app.click("key-register-confirm")
            error = app.by_testid("key-register-error")
            check("不是有效的密钥指纹" in error.text, f"a short fingerprint is refused: {error.text!r}")
            app.shot("14a-clerk-register-key-refused")
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys(Keys.BACKSPACE)
        field.send_keys(AS_TYPED[n](fingerprint))
        if n == 0:
            app.shot("14-clerk-register-key")
        app.click("key-register-confirm")
        app.wait.until(lambda _: not app.all_testid("key-register-dialog"))
        row = f'[data-testid="status-row"][data-expert-id="{expert_id}"]'
        app.wait.until(
            lambda _: app.web.find_element(By.CSS_SELECTOR, row).get_attribute("data-registered")
            == fingerprint
        )
    check(not app.all_testid("status-unregistered"), "every expert's key is registered")
    app.shot("15-clerk-keys-registered")
    app.click("lang-switch")
    app.wait.until(lambda _: "Registered key" in app.by_testid("status-board").text)
    app.shot("15b-clerk-keys-registered-en")
    app.click("lang-switch")
    app.wait.until(lambda _: "登记的密钥" in app.by_testid("status-board").text)
    keys = json.loads(cli(clerk, "roster", "keys", "--json"))
    check(
        sorted(k["fingerprint"] for k in keys) == sorted(f for _, f in confirmations),
        f"the registrations are stored as printed: {keys}",
    )
    check(audit_actions(clerk).count("expert.key_registered") == 3, "each registration is audited")


def clerk_keys_a_paper_sheet(app, clerk):
    """The paper fallback (代录), before any bundle came back: the clerk opens an expert's
    paper sheet from the status board, and two staff key it. The second slips on one cell:
    nothing is recorded and the cell is shown with both values; corrected, the two agree
    and the marks are recorded as 代录 naming both. Returns the expert's id."""
    button = app.all_testid("paper-open")[0]
    expert = int(button.get_attribute("data-expert-id"))
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    form = app.by_testid("paper-keying")
    sheet_id = form.get_attribute("data-sheet-id")
    check(re.fullmatch(r"PS-[0-9A-F]{4}-[0-9A-F]{4}", sheet_id), f"the sheet id is shown: {sheet_id}")

    def key(by, first_cell):
        set_input(app, "paper-by", by)
        for n, cell in enumerate(app.web.find_elements(By.CSS_SELECTOR, '[data-testid^="paper-value-"]')):
            if cell.tag_name == "select":
                app.web.execute_script(
                    "arguments[0].selectedIndex = 1;"
                    "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                    cell,
                )
            else:
                set_input(app, cell.get_attribute("data-testid"), first_cell if n == 0 else "0")
        for comment in app.web.find_elements(By.CSS_SELECTOR, '[data-testid^="paper-comment-"]'):
            set_input(app, comment.get_attribute("data-testid"), "事迹突出")
        click_centered(app, "paper-submit")

    key("王晓燕", "1")
    app.wait.until(lambda _: "王晓燕" in app.by_testid("paper-outcome").text)
    check(app.by_testid("paper-by").get_attribute("value") == "", "entry 2 starts from an empty form")
    key("李建国", "0")
    mismatches = app.wait.until(lambda _: app.all_testid("paper-mismatch"))
    check(len(mismatches) == 1, f"one differing cell: {[m.text for m in mismatches]}")
    check(
        "王晓燕" in app.by_testid("paper-mismatches").text and "李建国" in app.by_testid("paper-mismatches").text,
        "both keyers are named",
    )
    first = app.web.find_elements(By.CSS_SELECTOR, '[data-testid^="paper-value-"]')[0]
    check(
        "mismatch" in first.find_element(By.XPATH, "./ancestor::td").get_attribute("class"),
        "the differing cell is marked in the form",
    )
    paper = {p["expert_id"]: p for p in json.loads(cli(clerk, "paper", "status", "--json"))}
    check(not paper[expert]["recorded_by"], f"nothing recorded while they differ: {paper[expert]}")
    # The list sits above the sheet, so the marked cell is in view with it.
    app.web.execute_script("arguments[0].scrollIntoView({block: 'start'})", app.by_testid("paper-keying"))
    app.shot("14b-clerk-paper-mismatch")

    # The second keyer checks the sheet and corrects the one cell.
    set_input(app, first.get_attribute("data-testid"), "1")
    click_centered(app, "paper-submit")
    done = app.by_testid("paper-recorded")
    app.wait.until(lambda _: "已记录为代录" in done.text)
    check(sheet_id in done.text and "王晓燕" in done.text and "李建国" in done.text, f"recorded: {done.text!r}")
    app.wait.until(
        lambda _: app.web.find_element(
            By.CSS_SELECTOR, f'[data-testid="paper-status-row"][data-expert-id="{expert}"]'
        ).get_attribute("data-state")
        == "done"
    )
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", app.by_testid("paper-section"))
    app.shot("14c-clerk-paper-recorded")
    paper = {p["expert_id"]: p for p in json.loads(cli(clerk, "paper", "status", "--json"))}
    check(paper[expert]["counted"] and paper[expert]["recorded_by"] == ["王晓燕", "李建国"], f"代录: {paper[expert]}")
    check("paper.recorded" in audit_actions(clerk), "the recording is audited")
    click_centered(app, "paper-close")
    app.wait.until(lambda _: not app.all_testid("paper-screen"))
    return expert


def clerk_receives_and_prints(
    binary, shots, clerk, stick, bundles, confirmations, unregistered, clerk_fingerprint, laptops
):
    """The clerk's laptop: register the experts' keys, receive their bundles, a tampered
    copy and a bundle from a laptop nobody registered in the app (both refused, with their
    reasons), settle the tie at the cut line, print the summary and the certificates, and
    check a certificate's code and its QR code."""
    tampered = os.path.join(stick, "tampered.pdresult")
    raw = bytearray(open(bundles[0], "rb").read())
    raw[len(raw) // 2] ^= 0x01
    open(tampered, "wb").write(bytes(raw))
    app = App(binary, clerk, shots)
    try:
        app.click("review-row")
        app.click("tab-results")
        results_step(app, "receive")
        app.wait.until(lambda _: app.all_testid("results-no-package") == [] and app.all_testid("status-board"))
        clerk_registers_keys(app, clerk, confirmations)
        paper_expert = clerk_keys_a_paper_sheet(app, clerk)
        unregistered_bundle, unregistered_fingerprint = unregistered
        answer_shell_dialog(app, bundles + [tampered, unregistered_bundle])
        unlock_clerk_keys(app, clerk)
        pick = app.by_testid("receive-pick")
        app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", pick)
        pick.click()
        app.wait.until(lambda _: len(app.all_testid("receipt")) == 5)
        receipts = app.all_testid("receipt")
        outcomes = sorted(r.get_attribute("data-outcome") for r in receipts)
        check(
            outcomes == ["accepted"] * 3 + ["refused"] * 2,
            f"three accepted, the tampered and the unregistered one refused: {outcomes}",
        )
        # The expert's signed bundle, received after their paper sheet was recorded, wins.
        paper = {p["expert_id"]: p for p in json.loads(cli(clerk, "paper", "status", "--json"))}
        check(paper[paper_expert]["superseded_by_bundle"], f"the bundle replaces the 代录 marks: {paper}")
        refused = [r for r in receipts if "key_not_registered" in r.text]
        check(len(refused) == 1, f"one bundle refused for its key: {[r.text for r in receipts]}")
        refused = refused[0]
        check(
            refused.get_attribute("data-outcome") == "refused"
            and "未登记" in refused.text
            and unregistered_fingerprint in refused.text,
            f"the unregistered key is named in the refusal: {refused.text!r}",
        )
        # The receipts are the receiving step's: seen before the results step replaces it.
        app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", refused)
        app.shot("20a-clerk-refused-unregistered")
        results_step(app, "results")
        rows = app.wait.until(lambda _: app.all_testid("result-row"))
        check(len(rows) == 9, f"nine results: {len(rows)}")
        app.shot("20-clerk-received")
        text_fits(app, "results")

        # Two nominations tie across the cut line; the panel votes and the clerk records it.
        tied = [r for r in app.all_testid("result-row") if r.get_attribute("data-cut") == "tied"]
        check(len(tied) == 2, f"two nominations tie at the cut: {[r.text for r in tied]}")
        inside = [r for r in app.all_testid("result-row") if r.get_attribute("data-cut") == "in"]
        check(len(inside) == QUOTA - 1, f"{QUOTA - 1} clearly in: {len(inside)}")
        chosen, other = (r.get_attribute("data-nomination-id") for r in tied)
        clerk_holds_a_meeting_vote(app, stick, chosen, other, binary, shots, laptops)

        def decide(nomination, outcome, reason, shot=None):
            button = app.web.find_element(
                By.CSS_SELECTOR, f'[data-testid="decide-open"][data-nomination-id="{nomination}"]'
            )
            app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
            button.click()
            app.by_testid("decide-dialog")
            app.click(f"decide-{outcome}")
            app.by_testid("decide-reason").send_keys(reason)
            if shot:
                app.shot(shot)
            app.click("decide-confirm")
            app.wait.until(lambda _: not app.all_testid("decide-dialog"))
            row = f'[data-testid="result-row"][data-nomination-id="{nomination}"]'
            app.wait.until(
                lambda _: app.web.find_element(By.CSS_SELECTOR, row).get_attribute("data-cut") == outcome
            )

        # The panel votes on both: one takes the last place, the other does not.
        decide(chosen, "in", "评审组表决 3:0，事迹更突出", shot="20b-clerk-settles-tie")
        decide(other, "out", "评审组表决 0:3")
        app.wait.until(
            lambda _: not [r for r in app.all_testid("result-row") if r.get_attribute("data-cut") == "tied"]
        )
        cuts = {r.get_attribute("data-nomination-id"): r.get_attribute("data-cut") for r in app.all_testid("result-row")}
        check(cuts[chosen] == "in", f"the panel's choice is in: {cuts[chosen]}")
        check(list(cuts.values()).count("in") == QUOTA, f"exactly the quota is in: {cuts}")
        app.shot("20c-clerk-tie-settled")
        text_fits(app, "results, tie settled")
        rows = app.all_testid("result-row")

        # Nothing is published while a winner has findings nobody settled: the clerk
        # settles the ones still open in the flags tab (the core refuses the 公示, the
        # register and the certificates otherwise, naming each).
        names = [r.find_element(By.CSS_SELECTOR, "td:nth-child(2)").text for r in rows]
        clerk_settles_flags_in_bulk(app, clerk)
        app.click("tab-results")
        results_step(app, "results")
        app.wait.until(lambda _: len(app.all_testid("result-row")) == 9)

        results_step(app, "print")
        summary = os.path.join(stick, "汇总表.pdf")
        answer_shell_dialog(app, summary)
        app.click("print-summary")
        app.wait.until(lambda _: app.all_testid("print-notice"))
        text = poppler_text(summary)
        a_page_cannot_name_a_path(app, clerk, stick)
        check("结果汇总表" in text and "第 1 页" in text, "the summary prints")
        check(all(n.split()[0] in text for n in names if n), f"every nomination on the summary: {names}")

        # The results workbook, saved where the clerk chose in the shell's save dialog.
        import zipfile
        workbook = os.path.join(stick, "评审结果.xlsx")
        answer_shell_dialog(app, workbook)
        click_centered(app, "export-results-workbook")
        app.wait.until(lambda _: app.all_testid("export-results-notice") and os.path.exists(workbook))
        check("评审结果.xlsx" in app.by_testid("export-results-notice").text, "the notice names the file")
        with zipfile.ZipFile(workbook) as book:
            cells = book.read("xl/sharedStrings.xml").decode("utf-8")
        check(all(n.split()[0] in cells for n in names if n), f"every nomination in the workbook: {names}")
        check("汇总方法" in cells and "入选" in cells, "the workbook says how and who is in")
        app.web.execute_script(
            "arguments[0].scrollIntoView({block: 'center'})", app.by_testid("export-results-notice")
        )
        app.shot("20g-clerk-results-workbook")

        certificates = os.path.join(stick, "证书.pdf")
        removed = clerk_publishes_and_upholds_an_objection(app, stick, certificates)
        results_step(app, "print")
        clerk_sets_the_certificate_issuer_and_honour(app)

        answer_shell_dialog(app, certificates)
        click_centered(app, "print-certificates")
        app.wait.until(lambda _: len(app.all_testid("print-notice")) and os.path.exists(certificates))
        text = poppler_text(certificates)
        check("证书编号" in text, "certificates print with serials")
        flat = re.sub(r"\s+", "", text)
        check(CERTIFICATE_ISSUER in flat, "the issuer the clerk set is printed")
        check(f"“{CERTIFICATE_HONOUR}”" in flat, "the category's own honour is printed")
        check(text.count("证书编号") == QUOTA - 1, f"one certificate fewer than the quota: {text.count('证书编号')}")
        check(removed not in text, f"no certificate for the nominee whose objection was upheld: {removed}")
        app.shot("21-clerk-printed")
        serial = re.search(r"证书编号 (\S+)", text).group(1)
        code = re.search(r"验证码 (\S+)", text).group(1)
        results_step(app, "verify")
        app.by_testid("check-serial").send_keys(serial)
        app.by_testid("check-code").send_keys(code)
        app.click("check-submit")
        result = app.by_testid("check-result")
        check(result.get_attribute("data-genuine") == "true", f"the printed code checks out: {result.text}")
        clerk_checks_a_qr_code(app, stick, certificates, clerk_fingerprint)
        results_step(app, "print")
        preview = app.by_testid("certificate-preview")
        app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", preview)
        app.wait.until(lambda _: "荣" in preview.text)
        app.shot("22-clerk-certificate-preview")
        results_step(app, "register")
        supervisor_registers_and_draws(app, clerk, stick)
    finally:
        app.close()


def chair_signs_the_tally(binary, shots, data, tally, stick):
    """The panel's chair, at their own laptop: opens the tally file the clerk wrote, reads
    every count and what it decides, and signs it with their passphrase onto the stick.
    Returns the signed file."""
    app = App(binary, data, shots)
    try:
        app.click("panel-list-item")
        answer_shell_dialog(app, tally)
        app.click("chair-tally-open")
        rows = app.wait.until(lambda _: app.all_testid("chair-tally-row"))
        check(len(rows) == 2, f"the two counts are shown: {[r.text for r in rows]}")
        check(all(r.get_attribute("data-result") == "tied" for r in rows), "the chair sees them still level")
        check("3" in app.by_testid("chair-tally-present").text, app.by_testid("chair-tally-present").text)
        app.by_testid("chair-tally-passphrase").send_keys(PIN)
        app.shot("20b2b-chair-reads-tally")
        before = set(os.listdir(stick))
        answer_shell_dialog(app, stick)
        app.click("chair-tally-sign")
        app.by_testid("chair-tally-done")
        app.shot("20b2c-chair-signed")
        new = [f for f in set(os.listdir(stick)) - before if f.endswith(".pdtally")]
        check(len(new) == 1, f"one signed tally on the stick: {new}")
        return os.path.join(stick, new[0])
    finally:
        app.close()


def expert_votes_on_their_laptop(binary, shots, data, paper, stick, chosen):
    """The first expert, back at their own laptop: opens the ballot paper from the stick,
    reads the rule, chooses one (a second tick is not offered), types their passphrase
    and saves the signed vote to the stick."""
    app = App(binary, data, shots)
    try:
        app.click("panel-list-item")
        answer_shell_dialog(app, paper)
        app.click("ballot-vote-open")
        app.by_testid("ballot-vote-paper")
        rule = app.by_testid("ballot-vote-rule").text
        check("差额" in rule, f"the rule is shown: {rule!r}")
        entries = app.all_testid("ballot-vote-entry")
        check(len(entries) == 2, f"two on the ballot: {[e.text for e in entries]}")
        mark = app.web.find_element(
            By.CSS_SELECTOR,
            f'[data-testid="ballot-vote-entry"][data-nomination-id="{chosen}"] [data-testid="ballot-vote-mark"]',
        )
        app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
        mark.click()
        app.by_testid("ballot-vote-full")
        others = app.web.find_elements(
            By.CSS_SELECTOR,
            f'[data-testid="ballot-vote-entry"]:not([data-nomination-id="{chosen}"]) [data-testid="ballot-vote-mark"]',
        )
        check(others and all(not o.is_enabled() for o in others), "at most one: the other tick is not offered")
        app.by_testid("ballot-vote-passphrase").send_keys(PIN)
        app.shot("20b5a-expert-ballot-marked")
        answer_shell_dialog(app, stick)
        app.click("ballot-vote-save")
        app.by_testid("ballot-vote-done")
        fingerprint = app.by_testid("ballot-vote-fingerprint").text
        check(len(fingerprint) > 10, f"the key's fingerprint is shown to read out: {fingerprint!r}")
        app.shot("20b5b-expert-ballot-cast")
    finally:
        app.close()


def clerk_holds_a_meeting_vote(app, stick, chosen, other, binary, shots, laptops):
    """The panel meets on the two nominations tied at the cut (会评, issue 22). A vote on
    each leaves them level at the last place, so the panel votes again, a 差额 choice of
    one; a count with more experts present than the review has is refused beside the
    form, which keeps what was typed; the count recorded settles the cut, the rows name
    the ballot, and its 计票单 is saved where the shell's save dialog chose."""
    in_dialog = lambda testid: app.web.find_element(
        By.CSS_SELECTOR, f'[data-testid="meeting-dialog"] [data-testid="{testid}"]'
    )

    def type_count(nomination, column, value):
        field = app.web.find_element(
            By.CSS_SELECTOR,
            f'[data-testid="meeting-count"][data-nomination-id="{nomination}"][data-column="{column}"]',
        )
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(value)

    def type_into(testid, value):
        field = in_dialog(testid)
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(value)

    def cuts():
        return {r.get_attribute("data-nomination-id"): r.get_attribute("data-cut") for r in app.all_testid("result-row")}

    opener = app.web.find_element(
        By.CSS_SELECTOR, '[data-testid="meeting-bar"][data-tied="true"] [data-testid="meeting-open"]'
    )
    check("名额线处有并列" in app.by_testid("meeting-bar").text, "the tied category says so")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", opener)
    app.shot("20b0-clerk-meeting-offered")
    opener.click()
    app.by_testid("meeting-dialog")
    app.click("meeting-kind-vote")
    check(app.by_testid("meeting-shortlist-tied").is_selected(), "those tied are the ballot by default")
    # A show of hands the panel's chair confirms with their key.
    app.click("meeting-voting-chair")
    chair = Select(app.by_testid("meeting-chair")).first_selected_option.text
    check("周文渊" in chair, f"the first expert with a key chairs: {chair!r}")
    app.shot("20b1-clerk-meeting-setup")
    app.click("meeting-setup-confirm")
    app.by_testid("meeting-ballot")
    listed = sorted(e.get_attribute("data-nomination-id") for e in app.all_testid("meeting-ballot-entry"))
    check(listed == sorted([chosen, other]), f"the two tied are on the ballot: {listed}")
    check(app.by_testid("meeting-ballot-kind").text == "逐一表决", app.by_testid("meeting-ballot-kind").text)
    check("剩余名额 1 个" in app.by_testid("meeting-ballot-places").text, "one place is left for the two")

    # The first vote: both pass with 2 of 3, level at the one place left. The clerk types
    # the count seen in the room (first one the core refuses: more present than experts),
    # writes it for the chair, who reads and signs it on their own laptop; the ballot
    # counts only from the signed file.
    type_into("meeting-present", "4")
    for nomination in (chosen, other):
        type_count(nomination, "agree", "2")
        type_count(nomination, "disagree", "1")
        type_count(nomination, "abstain", "0")
    type_into("meeting-counted-by", "王计票")
    type_into("meeting-witnessed-by", "赵监票")
    answer_shell_dialog(app, stick)
    app.click("tally-write-confirm")
    refused = app.by_testid("tally-write-error")
    check("到会专家人数应在 1 到 3 之间" in refused.text, f"the core's refusal beside the form: {refused.text!r}")
    check(in_dialog("meeting-present").get_attribute("value") == "4", "the form keeps what was typed")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", refused)
    app.shot("20b2a-clerk-meeting-count-refused")
    type_into("meeting-present", "3")
    app.shot("20b2-clerk-meeting-vote-tally")
    app.click("tally-write-confirm")
    written = app.by_testid("tally-written").text
    tallies = [f for f in os.listdir(stick) if f.endswith(".pdtally")]
    check(len(tallies) == 1 and tallies[0] in written, f"the tally file is on the stick: {tallies} {written!r}")
    signed = chair_signs_the_tally(binary, shots, laptops[0], os.path.join(stick, tallies[0]), stick)
    answer_shell_dialog(app, signed)
    app.click("tally-confirm")
    confirmed = app.by_testid("tally-confirmed").text
    check("周文渊" in confirmed, f"counted from the chair's signature: {confirmed!r}")
    still = app.by_testid("meeting-still-tied")
    check("须再次表决" in still.text, f"level again: {still.text!r}")
    results = {e.get_attribute("data-nomination-id"): e.get_attribute("data-result") for e in app.all_testid("meeting-outcome-entry")}
    check(results == {chosen: "tied", other: "tied"}, f"neither takes the place: {results}")
    app.shot("20b3-clerk-meeting-still-tied")
    check(cuts()[chosen] == cuts()[other] == "tied", "the results still show the tie")

    # Again, as a 差额 choice of one (the places left), each expert choosing on their own
    # laptop: the clerk writes the signed ballot paper to the stick, the experts' signed
    # votes come back on it, and the ballot is counted from them alone.
    app.click("meeting-again")
    app.by_testid("meeting-kind-choose")
    check(app.by_testid("meeting-kind-choose").is_selected(), "a choice is offered first")
    app.click("meeting-voting-laptops")
    app.shot("20b4-clerk-meeting-laptops-setup")
    app.click("meeting-setup-confirm")
    app.wait.until(lambda _: app.all_testid("meeting-ballot") and app.by_testid("meeting-ballot-kind").text == "差额表决，应选 1 人")
    voters = app.wait.until(lambda _: app.all_testid("ballot-voter"))
    check(len(voters) == 3, f"the three registered experts vote: {[v.text for v in voters]}")
    check(all(v.get_attribute("data-received") == "false" for v in voters), "no vote is in yet")
    answer_shell_dialog(app, stick)
    in_dialog("ballot-paper-write").click()
    written = app.by_testid("ballot-paper-written").text
    papers = [f for f in os.listdir(stick) if f.endswith(".pdballot")]
    check(len(papers) == 1 and papers[0] in written, f"the ballot paper is on the stick: {papers} {written!r}")
    paper = os.path.join(stick, papers[0])
    app.shot("20b5-clerk-ballot-paper-written")

    before = set(os.listdir(stick))
    expert_votes_on_their_laptop(binary, shots, laptops[0], paper, stick, chosen)
    cli(laptops[1], "meeting", "vote", paper, "--out", stick, "--choose", chosen, pin=PIN)
    cli(laptops[2], "meeting", "vote", paper, "--out", stick, "--choose", other, pin=PIN)
    votes = sorted(os.path.join(stick, f) for f in set(os.listdir(stick)) - before if f.endswith(".pdvote"))
    check(len(votes) == 3, f"three signed votes on the stick: {votes}")

    # A vote edited on the stick after it was signed is refused; the same vote received
    # twice counts once.
    edited = os.path.join(stick, "edited.pdvote")
    raw = bytearray(open(votes[2], "rb").read())
    at = raw.find(b'"not_chosen"')
    check(at > 0, "the vote names a nomination not chosen")
    raw[at : at + len(b'"not_chosen"')] = b'"chosen"    '
    open(edited, "wb").write(bytes(raw))
    answer_shell_dialog(app, votes + [votes[0], edited])
    in_dialog("ballot-votes-receive").click()
    app.wait.until(lambda _: len(app.all_testid("ballot-vote-receipt")) == 5)
    outcomes = [r.get_attribute("data-outcome") for r in app.all_testid("ballot-vote-receipt")]
    check(
        sorted(outcomes) == ["accepted"] * 3 + ["already_have", "refused"],
        f"three votes in, one again, the edited one refused: {outcomes}",
    )
    app.wait.until(lambda _: all(v.get_attribute("data-received") == "true" for v in app.all_testid("ballot-voter")))
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", app.all_testid("ballot-vote-receipt")[-1])
    app.shot("20b6-clerk-votes-received")
    type_into("ballot-counted-by", "王计票")
    type_into("ballot-witnessed-by", "赵监票")
    app.click("ballot-count-confirm")
    app.by_testid("meeting-outcome")
    results = {e.get_attribute("data-nomination-id"): e.get_attribute("data-result") for e in app.all_testid("meeting-outcome-entry")}
    check(results == {chosen: "in", other: "out"}, f"two of three chose the same: {results}")
    check(not app.all_testid("meeting-still-tied"), "nobody is level any more")

    # The 计票单, saved through the shell's save dialog.
    sheet = os.path.join(stick, "会评计票单.pdf")
    answer_shell_dialog(app, sheet)
    in_dialog("meeting-sheet-print").click()
    app.wait.until(lambda _: app.all_testid("meeting-sheet-notice") and os.path.exists(sheet))
    app.shot("20b7-clerk-meeting-outcome")
    text = poppler_text(sheet)
    flat = re.sub(r"\s+", "", text)
    check("会评计票单" in flat and "差额表决" in flat, f"the sheet says what was asked: {text[:200]!r}")
    check("王计票" in flat and "赵监票" in flat and "入选" in flat, "the sheet carries the count and who counted")
    check("电子投票" in flat, f"the sheet says the count is of signed votes: {text[:400]!r}")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", sheet, os.path.join(app.shots, "20b7s-tally-sheet")],
        check=True,
    )
    app.click("meeting-close")
    app.wait.until(lambda _: not app.all_testid("meeting-dialog"))

    # The results follow the ballot, and name it.
    app.wait.until(lambda _: cuts()[chosen] == "in" and cuts()[other] == "out")
    row = app.web.find_element(By.CSS_SELECTOR, f'[data-testid="result-row"][data-nomination-id="{chosen}"]')
    decision = row.find_element(By.CSS_SELECTOR, '[data-testid="result-decision"]')
    ballot = decision.get_attribute("data-ballot")
    check(decision.text.startswith(f"会评表决 #{ballot}") and "入选" in decision.text, f"the row names the ballot: {decision.text!r}")
    ballots = app.all_testid("meeting-ballot-row")
    check([b.get_attribute("data-counted") for b in ballots] == ["true", "true"], "both ballots are listed, counted")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    app.shot("20b8-clerk-meeting-settled")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", app.by_testid("meeting-ballots"))
    app.shot("20b9-clerk-meeting-ballots")


def clerk_settles_flags_in_bulk(app, clerk):
    """The three findings still open, settled in the flags tab: narrowed by kind, then by
    university, whose two are kept together with one note; the last through select-all."""
    app.click("tab-flags")
    app.wait.until(lambda _: len(app.all_testid("flag-row")) == 3)
    kinds = Select(app.by_testid("flags-kind"))
    kinds.select_by_value("probationary_member")
    app.wait.until(lambda _: len(app.all_testid("flag-row")) == 1)
    check("李四" in app.by_testid("flag-row").text, f"the probationary member: {app.by_testid('flag-row').text!r}")
    check("当前显示 1 条" in app.by_testid("flags-shown").text, "the count says what is shown")
    app.shot("20h-clerk-flags-by-kind")
    kinds.select_by_value("")
    Select(app.by_testid("flags-university")).select_by_value("东川理工大学")
    app.wait.until(lambda _: len(app.all_testid("flag-row")) == 2)
    chosen = [r.get_attribute("data-flag-id") for r in app.all_testid("flag-row")]
    for box in app.all_testid("flag-select"):
        box.click()
    check("已选 2 条" in app.by_testid("flags-selected").text, app.by_testid("flags-selected").text)
    app.click("flags-bulk-accept")
    note = "经核实，两条均符合推荐条件（学校已出具说明）"
    app.by_testid("flags-bulk-note").send_keys(note)
    app.shot("20i-clerk-flags-bulk")
    app.click("flags-bulk-confirm")
    app.wait.until(lambda _: app.all_testid("flags-bulk-done"))
    app.wait.until(
        lambda _: all(r.get_attribute("data-status") == "accepted" for r in app.all_testid("flag-row"))
    )
    app.shot("20j-clerk-flags-bulk-settled")
    stored = {str(f["id"]): f for f in json.loads(cli(clerk, "review", "flags", "--json"))}
    check(
        all(stored[i]["status"] == "accepted" and stored[i]["note"] == note for i in chosen),
        f"both kept with the one note: {[stored[i] for i in chosen]}",
    )
    # Every university again: select-all takes the one open flag shown, not the settled.
    Select(app.by_testid("flags-university")).select_by_value("")
    app.wait.until(lambda _: len(app.all_testid("flag-row")) == 3)
    app.click("flags-select-all")
    check("已选 1 条" in app.by_testid("flags-selected").text, app.by_testid("flags-selected").text)
    app.click("flags-bulk-accept")
    app.by_testid("flags-bulk-note").send_keys("经核实，已转为正式党员")
    app.click("flags-bulk-confirm")
    app.wait.until(
        lambda _: all(r.get_attribute("data-status") == "accepted" for r in app.all_testid("flag-row"))
    )
    Select(app.by_testid("flags-filter")).select_by_value("settled")
    app.wait.until(lambda _: len(app.all_testid("flag-row")) == 4)
    check(
        all(f["status"] != "open" for f in json.loads(cli(clerk, "review", "flags", "--json"))),
        "every finding settled before publishing",
    )
    check(audit_actions(clerk).count("flag.settled") == 4, "each flag audited as when settled singly")


CERTIFICATE_ISSUER = "中共东川省委教育工作委员会"
CERTIFICATE_HONOUR = "优秀大学生党员标兵"


def clerk_sets_the_certificate_issuer_and_honour(app):
    """The shipped template names no issuer, and the editor says printing waits for one;
    the clerk types the office's full name, gives the category its own honour and saves.
    The preview draws in the faces the shell serves from the files the PDF embeds."""
    preview = app.by_testid("certificate-preview")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", preview)
    app.wait.until(lambda _: preview.get_attribute("data-font") in ("shipped", "fallback"))
    check(preview.get_attribute("data-font") == "shipped", "the preview draws in the shipped serif faces")
    check(app.all_testid("certificate-issuer-missing"), "the editor says the issuer is still missing")
    set_input(app, "certificate-issuer", CERTIFICATE_ISSUER)
    Select(app.by_testid("certificate-category")).select_by_value("student_exemplar")
    set_input(app, "certificate-honour", CERTIFICATE_HONOUR)
    app.wait.until(lambda _: CERTIFICATE_HONOUR in re.sub(r"\s+", "", app.by_testid("certificate-preview").text))
    app.wait.until(lambda _: not app.all_testid("certificate-issuer-missing"))
    click_centered(app, "certificate-save")
    app.by_testid("certificate-saved")
    app.shot("21a-clerk-certificate-template")


def set_input(app, testid, value):
    """Types into a field as the page sees it (date inputs take no keystrokes through
    WebKit's driver): sets the value and fires the input event Svelte listens to."""
    app.web.execute_script(
        "const el = arguments[0]; el.value = arguments[1];"
        "el.dispatchEvent(new Event('input', {bubbles: true}));"
        "el.dispatchEvent(new Event('change', {bubbles: true}));",
        app.by_testid(testid),
        value,
    )


def click_centered(app, testid):
    """Clicks an element once it is scrolled to the middle, clear of the sticky bars."""
    element = app.by_testid(testid)
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    app.click(testid)


def results_step(app, name):
    """Opens a step of the results tab (receive, results, publication, print, register,
    verify): only the open step's sections are on the page."""
    app.click(f"results-step-{name}")
    app.wait.until(lambda _: app.by_testid(f"results-step-{name}").get_attribute("aria-selected") == "true")


def clerk_publishes_and_upholds_an_objection(app, stick, certificates):
    """The 公示 as the office publishes it: its period (already over here), where
    objections go and the issuing office; printed, then an objection against a winner is
    recorded during the period. Certificates wait while it is open; upheld, it takes the
    nominee out through a recorded decision. Returns the nominee's name."""
    today = datetime.date.today()
    period_from, period_to = today - datetime.timedelta(days=9), today - datetime.timedelta(days=2)
    results_step(app, "publication")
    section = app.by_testid("publicity")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'start'})", section)
    set_input(app, "publicity-from", period_from.isoformat())
    set_input(app, "publicity-to", period_to.isoformat())
    set_input(app, "publicity-issued-on", period_from.isoformat())
    app.by_testid("publicity-telephone").send_keys("010-62750000")
    app.by_testid("publicity-address").send_keys("北京市海淀区学院路 1 号 党委组织部")
    app.by_testid("publicity-issuer").send_keys("中共东川省委教育工委组织部")
    click_centered(app, "publicity-save")
    app.by_testid("publicity-saved")

    announcement = os.path.join(stick, "公示.pdf")
    results_step(app, "print")
    answer_shell_dialog(app, announcement)
    click_centered(app, "print-announcement")
    app.wait.until(lambda _: os.path.exists(announcement))
    flat = poppler_text(announcement).replace("\n", "").replace(" ", "")
    for words in ("公示期", "010-62750000", "中共东川省委教育工委组织部", period_to.strftime("%Y年%-m月%-d日")):
        check(words in flat, f"the 公示 prints {words!r}")

    results_step(app, "publication")
    nominee = Select(app.by_testid("objection-nominee"))
    nominee.select_by_index(1)
    name = nominee.first_selected_option.text.split("（")[0]
    set_input(app, "objection-received-on", (period_to - datetime.timedelta(days=1)).isoformat())
    app.by_testid("objection-summary-input").send_keys("来电反映该生学分绩点材料有误，来电人手机 13812345678")
    click_centered(app, "objection-add-confirm")
    row = app.by_testid("objection-row")
    summary = app.by_testid("objection-summary").text
    check("13812345678" not in summary and "5678" in summary, f"the caller's number is masked: {summary!r}")
    check(row.get_attribute("data-outcome") == "pending", "the objection waits to be handled")
    blockers = [b.get_attribute("data-kind") for b in app.all_testid("publicity-blocker")]
    check("pending_objection" in blockers, f"the open objection is named among what blocks: {blockers}")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'start'})", app.by_testid("publicity-readiness"))
    app.shot("20d-clerk-objection-pending")

    results_step(app, "print")
    answer_shell_dialog(app, certificates)
    click_centered(app, "print-certificates")
    banner = app.by_testid("error-banner")
    check("异议" in banner.text, f"no certificates while an objection is open: {banner.text!r}")
    check(not os.path.exists(certificates), "nothing printed")
    banner.find_element(By.TAG_NAME, "button").click()
    app.wait.until(lambda _: not app.all_testid("error-banner"))

    results_step(app, "publication")
    click_centered(app, "objection-resolve-open")
    click_centered(app, "objection-upheld")
    app.by_testid("objection-handling").send_keys("调阅原始成绩单，与推荐表所填不符")
    app.by_testid("objection-reason").send_keys("推荐材料失实，异议成立")
    click_centered(app, "objection-resolve-confirm")
    app.wait.until(lambda _: app.by_testid("objection-row").get_attribute("data-outcome") == "upheld")
    results_step(app, "results")
    app.wait.until(
        lambda _: any(
            r.get_attribute("data-cut") == "out" and name in r.get_attribute("innerText") for r in app.all_testid("result-row")
        )
    )
    results_step(app, "publication")
    table = app.by_testid("objections-table")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", table)
    app.shot("20e-clerk-objection-upheld")
    return name


def a_page_cannot_name_a_path(app, clerk, stick):
    """What a compromised page could try: hand the shell a path of its own, or open the
    dialog plugin itself. The shell refuses both; nothing is written."""
    review_id = json.loads(cli(clerk, "review", "show", "--json"))["id"]
    forged = os.path.join(stick, "forged.pdf")
    attempts = {
        "print_report": {"reviewId": review_id, "kind": "summary", "destination": forged},
        "backup_review": {"reviewId": review_id, "destination": forged},
        "write_ballot_paper": {"reviewId": review_id, "ballotId": 1, "folder": stick},
        "receive_ballot_vote": {"reviewId": review_id, "ballotId": 2, "file": forged},
        "plugin:dialog|save": {"options": {"defaultPath": forged}},
    }
    for command, args in attempts.items():
        answer = app.web.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])"
            ".then(() => done('allowed'), (e) => done(typeof e === 'object' ? e.code : String(e)));",
            command,
            args,
        )
        check(answer != "allowed", f"{command} with the page's own path is refused")
        if not command.startswith("plugin:"):
            check(answer == "not_picked", f"{command} refuses a path it did not hand out: {answer}")
    check(not os.path.exists(forged), "nothing was written where the page said")


def clerk_checks_a_qr_code(app, stick, certificates, clerk_fingerprint):
    """A certificate's QR code, as anyone checks it: the printed first page as a photo,
    read by the command line on a laptop with no review and no key, and by the app's
    「选择证书照片…」; its text pasted with the 公示's fingerprint is genuine, and with one
    character of the name changed it is refused."""
    base = os.path.join(stick, "证书照片")
    # 150 dpi, a modest scan: the 34 mm code reads from 100 dpi up (tests/it/trust.rs).
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", certificates, base],
        check=True,
    )
    photo = base + ".png"
    anyone = tempfile.mkdtemp(prefix="paneldesk-e2e-anyone-")
    try:
        read = json.loads(
            cli(anyone, "certificates", "check", "--qr-image", photo, "--clerk-fingerprint", clerk_fingerprint, "--json")
        )
    finally:
        shutil.rmtree(anyone, ignore_errors=True)
    check(read["genuine"], f"the command line finds the photo's QR code genuine: {read}")
    words = read["words"]

    # The photo, picked in the shell's own dialog (answered with its path); no fingerprint
    # typed, so the shell compares with this laptop's own clerk key.
    section = app.by_testid("qr-text")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", section)
    answer_shell_dialog(app, photo)
    app.click("qr-photo")
    result = app.by_testid("qr-result")
    check(result.get_attribute("data-genuine") == "true", f"the photo's QR code checks out: {result.text}")
    text = app.web.execute_script("return arguments[0].value", app.by_testid("qr-text"))
    lines = text.split("\n")
    check(
        len([l for l in lines if l]) == 9 and lines[1] == words["serial"] and lines[2] == words["name"],
        f"the QR text has nine lines and the certified words: {lines}",
    )

    def paste(qr_text, fingerprint):
        field = app.by_testid("qr-text")
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.DELETE)
        # WebKitWebDriver drops "\n" from typed text; a line break is the Enter key.
        field.send_keys(qr_text.replace("\n", Keys.ENTER))
        pasted = app.web.execute_script("return arguments[0].value", field)
        check(pasted == qr_text, f"the text went in as pasted: {pasted!r} != {qr_text!r}")
        typed = app.by_testid("qr-fingerprint")
        typed.send_keys(Keys.CONTROL, "a")
        typed.send_keys(Keys.DELETE)
        typed.send_keys(fingerprint)
        app.wait.until(lambda _: not app.all_testid("qr-result"))
        app.click("qr-submit")
        return app.by_testid("qr-result")

    # As a phone scanner's text is pasted, with the fingerprint typed off the 公示.
    result = paste(text, clerk_fingerprint.lower().replace("-", " "))
    check(result.get_attribute("data-genuine") == "true", f"the pasted QR text is genuine: {result.text}")
    check("证书真实有效" in app.by_testid("qr-reason").text, f"the core's verdict is shown: {result.text}")
    check(app.by_testid("qr-name").text == words["name"], "the certified name is shown")
    shown = app.by_testid("qr-key-fingerprint").text
    check(shown == read["clerk_fingerprint"] == clerk_fingerprint, f"the key to compare with the 公示: {shown}")
    check(app.by_testid("qr-code").text == read["code"], "the certificate's code is shown")
    heading = app.web.find_element(By.ID, "qr-check-heading")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'start'})", heading)
    app.shot("23-clerk-qr-check")

    name = words["name"]
    forged = name[:-1] + ("明" if name[-1] != "明" else "亮")
    lines[2] = forged
    result = paste("\n".join(lines), clerk_fingerprint)
    check(result.get_attribute("data-genuine") == "false", f"a changed name is refused: {result.text}")
    check("签名校验失败" in app.by_testid("qr-reason").text, f"the refusal says why: {result.text}")
    check(app.by_testid("qr-name").text == forged, "the refused words are shown as read")
    app.web.execute_script("arguments[0].scrollIntoView({block: 'center'})", result)
    app.shot("23a-clerk-qr-refused")


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
    check(len(rows) == QUOTA - 1, f"the awarded students (the quota less the one an objection took out) are in the register: {len(rows)}")
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
    answer_shell_dialog(app, notice)
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
    # The app draws without WebKit's accelerated compositing (src-tauri/src/webkit.rs), and
    # in that mode WebKitWebDriver's screenshot never returns once the home screen has been
    # clicked (the page itself paints and runs on). The journey is about what the app does
    # and what its screens show, so it draws composited; installed_app.py drives the
    # app's own default.
    os.environ["WEBKIT_DISABLE_COMPOSITING_MODE"] = "0"
    print("e2e: demo review on screen")
    demo_review_on_screen(binary, shots)
    print("e2e: the journey: a clerk and three experts, only files between them")
    journey(binary, shots)
    print(f"e2e: passed in {time.time() - started:.1f} s; screenshots in {shots}")


if __name__ == "__main__":
    main()
