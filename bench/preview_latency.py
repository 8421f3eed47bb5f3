"""Save-to-reload time of the preview: from writing a page's Markdown to the browser being told to reload.

For the real site and a synthetic site of N generated pages (bench/synth.py), it starts the preview on a
free port, listens to its event stream the way the open tab does, then appends a sentence to a page
several times and measures each time from the write to the `build` event announcing a good build. Each
save waits until the preview is idle (it indexes the search after the reload), as a person typing does. With
--browser it also measures, in Debian's Chromium, from the write until the new sentence was in the open
page (swapped in place, or the reloaded page parsed), on the browser's own clock.

    python bench/preview_latency.py [--sizes 0 1000] [--runs 7] [--browser] [--no-search]

Size 0 is the real site as it is. Prints one line per size: median, fastest and slowest, in ms.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from ecosite.commands.serve import Preview  # noqa: E402
from ecosite.project import Project  # noqa: E402

PAGE = Path("content/about/mission.md")
PAGE_URL = "about/mission/"
TIMEOUT = 120


class EventStream:
    """The preview's server-sent events, read from a plain socket as a browser tab would receive them."""

    def __init__(self, port: int):
        self.connection = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.connection.sendall(b"GET /__ecosite/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.buffer = b""

    def next_build(self) -> dict:
        while True:
            message, separator, rest = self.buffer.partition(b"\n\n")
            if separator:
                self.buffer = rest
                if b"event: build" in message:
                    return json.loads(message.partition(b"data: ")[2])
                continue
            chunk = self.connection.recv(65536)
            if not chunk:
                raise ConnectionError("the event stream closed")
            self.buffer += chunk

    def close(self) -> None:
        self.connection.close()


def project_for(size: int, workdir: Path) -> Path:
    if size == 0:
        root = workdir / "real"
        shutil.copytree(REPO / "content", root / "content")
        shutil.copytree(REPO / "templates", root / "templates")
        return root
    from synth import write_site

    return write_site(workdir / f"site-{size}", size)


def measure(root: Path, runs: int, browser: bool, search: bool) -> tuple[list[float], list[float], int]:
    preview = Preview(Project(root, search=search), port=0, out=io.StringIO(), err=io.StringIO()).start_in_background()
    try:
        state = preview.session.state
        if not state.ok:
            raise SystemExit(f"{root} does not build:\n{preview.session.err.getvalue()}")
        pages = sum(1 for name in state.served if name.endswith(".html"))
        events = EventStream(preview.server.port)
        seen = events.next_build()["build"]
        page_file = root / PAGE
        to_event, to_browser = [], []
        tab = _open_tab(preview.url + PAGE_URL) if browser else None
        for run in range(runs):
            sentence = f"Preview latency probe number {run}."
            if tab is not None:
                tab.evaluate(WATCH_FOR, sentence)
            started, wrote_at = time.perf_counter(), time.time()
            page_file.write_text(page_file.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
            while (event := events.next_build())["build"] <= seen or not event["ok"]:
                seen = max(seen, event["build"])
            seen = event["build"]
            to_event.append((time.perf_counter() - started) * 1000)
            if tab is not None:
                tab.get_by_text(sentence).wait_for(timeout=TIMEOUT * 1000)
                tab.wait_for_load_state("domcontentloaded")
                to_browser.append(tab.evaluate(SHOWN_AT) - wrote_at * 1000)
            time.sleep(0.3)  # let the tab settle before the next save
            while not preview.idle:  # and the preview finish what follows a reload (the search index)
                time.sleep(0.02)
        events.close()
        if tab is not None:
            tab.context.browser.close()
            _PLAYWRIGHT.stop()
        return to_event, to_browser, pages
    finally:
        preview.stop()


_PLAYWRIGHT = None
# When the new text was in the document, on the wall clock in ms, read from the browser's own clock because
# Playwright looks for text by polling, with pauses of up to 100 ms. The preview swaps the body in place
# when only the body changed: a watcher set before the save notes when the sentence arrived. After a
# reload (the watcher is gone with the old page) it is when the reloaded page had been parsed.
WATCH_FOR = """sentence => {
  window.shownAt = undefined;
  new MutationObserver((changes, watcher) => {
    if (document.body && document.body.textContent.includes(sentence)) {
      window.shownAt = performance.timeOrigin + performance.now();
      watcher.disconnect();
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
}"""
SHOWN_AT = ("window.shownAt !== undefined ? window.shownAt : performance.timeOrigin + "
            "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")


def _open_tab(url: str):
    global _PLAYWRIGHT
    from playwright.sync_api import sync_playwright

    _PLAYWRIGHT = sync_playwright().start()
    chromium = _PLAYWRIGHT.chromium.launch(executable_path="/usr/bin/chromium",
                                           args=["--headless", "--no-sandbox", "--disable-gpu"])
    tab = chromium.new_page()
    tab.goto(url)
    return tab


def summary(label: str, values: list[float]) -> str:
    return (f"{label} median {statistics.median(values):.0f} ms (fastest {min(values):.0f}, "
            f"slowest {max(values):.0f}, {len(values)} saves)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000], help="0 is the real site")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--browser", action="store_true", help="also time until Chromium shows the new text")
    parser.add_argument("--no-search", dest="search", action="store_false", help="as `ecosite serve --no-search`")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecosite-latency-") as workdir:
        for size in args.sizes:
            root = project_for(size, Path(workdir))
            to_event, to_browser, pages = measure(root, args.runs, args.browser, args.search)
            name = ("real site" if size == 0 else f"{size} generated pages") + ("" if args.search else ", no search")
            line = f"{name} ({pages} HTML pages): save -> reload event {summary('', to_event).strip()}"
            if to_browser:
                line += f"; save -> text in browser {summary('', to_browser).strip()}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
