"""What the preview adds to HTML responses: the live-reload script and, after a failed build, the error overlay.

Only the preview server adds these, at the moment it serves a page; output/ never contains them.
The script and its styles are served from the preview itself (/__ecosite/...), so nothing is fetched
from outside and a page's own Content-Security-Policy of 'self' still allows them.
"""

from __future__ import annotations

import html
import re

from ecosite.preview.builds import PreviewState

PREFIX = "/__ecosite/"
SCRIPT_PATH = PREFIX + "live.js"
STYLE_PATH = PREFIX + "overlay.css"
EVENTS_PATH = PREFIX + "events"
STATUS_PATH = PREFIX + "status"
OVERLAY_ID = "ecosite-overlay"

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)

LIVE_SCRIPT = """\
(function () {
  "use strict";
  var me = document.currentScript;
  var served = Number(me.getAttribute("data-build"));
  var token = me.getAttribute("data-session");
  var events = new EventSource("%(events)s");
  events.addEventListener("build", function (message) {
    var state = JSON.parse(message.data);
    if (state.session !== token) { events.close(); location.reload(); return; }
    if (state.build <= served) { return; }
    if (state.ok) { events.close(); location.reload(); return; }
    var holder = document.createElement("div");
    holder.innerHTML = state.overlay;  // built and escaped by the server
    var fresh = holder.firstElementChild;
    var old = document.getElementById("%(overlay)s");
    if (old) { old.replaceWith(fresh); } else { document.body.appendChild(fresh); }
  });
}());
""" % {"events": EVENTS_PATH, "overlay": OVERLAY_ID}

OVERLAY_STYLE = """\
#%(overlay)s { position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 60vh; overflow: auto;
  margin: 0; padding: 1rem 1.5rem; background: #fff4f4; color: #3b0000; border-bottom: 4px solid #b00020;
  font: 15px/1.5 system-ui, sans-serif; box-shadow: 0 4px 16px rgba(0, 0, 0, .25); }
#%(overlay)s h2 { margin: 0 0 .5rem; font-size: 1.1rem; color: #b00020; }
#%(overlay)s ul { margin: 0; padding-left: 1.25rem; }
#%(overlay)s code { font: 14px/1.5 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
""" % {"overlay": OVERLAY_ID}


def overlay_html(state: PreviewState) -> str:
    """The overlay listing each error as PATH:LINE: message - hint, escaped; empty when the build worked."""
    if state.ok:
        return ""
    items = "".join(f"<li><code>{html.escape(str(error))}</code></li>" for error in state.errors)
    count = len(state.errors)
    showing = "showing the last good version" if state.served else "nothing has built yet"
    return (f'<section id="{OVERLAY_ID}" role="alert" aria-labelledby="{OVERLAY_ID}-title">'
            f'<h2 id="{OVERLAY_ID}-title">Build {state.number} failed: {count} problem{"s" if count != 1 else ""}'
            f" ({showing})</h2><ul>{items}</ul></section>")


def inject(page: bytes, state: PreviewState, session_token: str) -> bytes:
    """Add the overlay (if any) and the live-reload script just before </body>."""
    addition = (f'<link rel="stylesheet" href="{STYLE_PATH}">{overlay_html(state)}'
                f'<script src="{SCRIPT_PATH}" data-build="{state.number}" data-session="{session_token}"></script>'
                ).encode("utf-8")
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + addition
    at = ends[-1].start()
    return page[:at] + addition + page[at:]


def event_data(state: PreviewState, session_token: str) -> dict:
    return {**state.as_json(), "session": session_token, "overlay": overlay_html(state)}
