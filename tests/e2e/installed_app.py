"""The installed app, measured: time from launch to an interactive window, and memory of
the app and its WebKit processes with a large review open.

Usage: python3 tests/e2e/installed_app.py <installed paneldesk-app> <data folder> <out folder>
under `xvfb-run`. The data folder holds the review to open (the newest is opened). Prints
one JSON object with the figures; fails when the window never becomes interactive or the
review's nominations do not show.
"""

import json
import os
import subprocess
import sys
import time

from desktop_app import App, check


def tree(root):
    """The pid and every descendant: the app and the WebKit processes it starts."""
    children = {}
    for line in subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True).stdout.splitlines():
        pid, ppid = map(int, line.split())
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def memory_kib(pids):
    rss = pss = 0
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def main():
    binary, data, out = (os.path.abspath(a) for a in sys.argv[1:4])
    os.makedirs(out, exist_ok=True)
    app = App(binary, data, out)
    try:
        started = app.interactive_after
        app.click("review-row")
        app.click("tab-nominations")
        rows = app.wait.until(lambda _: app.all_testid("nomination-row"))
        check(len(rows) > 0, "the review's nominations show")
        time.sleep(2)
        app.shot("50-installed-app-3000")
        app_pid = int(subprocess.run(["pgrep", "-x", "paneldesk-app"], capture_output=True, text=True).stdout.split()[0])
        pids = tree(app_pid)
        rss, pss = memory_kib(pids)
        names = sorted(open(f"/proc/{p}/comm").read().strip() for p in pids if os.path.exists(f"/proc/{p}/comm"))
        print(json.dumps({
            "interactive_after_s": round(started, 2),
            "processes": names,
            "rss_mib": round(rss / 1024, 1),
            "pss_mib": round(pss / 1024, 1),
        }, ensure_ascii=False))
    finally:
        app.close()


if __name__ == "__main__":
    main()
