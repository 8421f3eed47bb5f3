"""What the preview adds to HTML responses: the live-reload script and, after a failed build, the error overlay.

After a good build the script fetches its page again and, when only the body changed and the page runs no
script of its own, swaps the body in place (the scroll position stays); otherwise it reloads the page.
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
SHOWN_PATH = PREFIX + "shown"  # a tab says it shows the latest build's page: the search index may start
OVERLAY_ID = "ecosite-overlay"

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)

LIVE_SCRIPT = """\
(function () {
  "use strict";
  var me = document.currentScript;
  var served = Number(me.getAttribute("data-build"));
  var token = me.getAttribute("data-session");
  var asked = 0;
  var events = new EventSource("%(events)s");
  function reload() { events.close(); location.reload(); }
  function shown() { fetch("%(shown)s", {cache: "no-store"}).catch(function () {}); }
  function runsCode(doc) {  // its handlers are bound to the old body: only a reload runs them again
    return Array.prototype.some.call(doc.scripts, function (script) {
      return script.getAttribute("src") !== "%(script)s" && script.type !== "application/ld+json";
    });
  }
  function headOf(doc) {
    var head = doc.head.cloneNode(true);
    Array.prototype.forEach.call(head.querySelectorAll("title"), function (title) { title.remove(); });
    return head.innerHTML;
  }
  function update(build) {  // a reload costs the browser 100-250 ms: swap the body when only the body changed
    var mine = ++asked;
    fetch(location.href, {cache: "no-store"}).then(function (response) {
      if (!response.ok || response.redirected) { throw new Error("reload"); }
      return response.text();
    }).then(function (text) {
      if (mine !== asked) { return; }  // a later build's page is on its way
      var fresh = new DOMParser().parseFromString(text, "text/html");
      var next = fresh.querySelector('script[src="%(script)s"]');
      if (!next || runsCode(document) || runsCode(fresh) || headOf(fresh) !== headOf(document)) {
        throw new Error("reload");
      }
      served = Math.max(build, Number(next.getAttribute("data-build")));
      document.title = fresh.title;
      document.body.replaceWith(document.adoptNode(fresh.body));
      shown();
    }).catch(reload);
  }
  events.addEventListener("build", function (message) {
    var state = JSON.parse(message.data);
    if (state.session !== token) { reload(); return; }
    if (state.build <= served) { return; }
    if (state.ok) { update(state.build); return; }
    var holder = document.createElement("div");
    holder.innerHTML = state.overlay;  // built and escaped by the server
    var fresh = holder.firstElementChild;
    var old = document.getElementById("%(overlay)s");
    if (old) {  // a collapsed overlay stays collapsed when the next failed build replaces it
      var was = old.querySelector("details"), now = fresh.querySelector("details");
      if (was && now && !was.open) { now.open = false; }
      old.replaceWith(fresh);
    } else { document.body.appendChild(fresh); }
  });
  shown();  // loaded, or reloaded after a build
}());
""" % {"events": EVENTS_PATH, "overlay": OVERLAY_ID, "script": SCRIPT_PATH, "shown": SHOWN_PATH}

OVERLAY_STYLE = """\
#%(overlay)s { position: fixed; inset: auto 0 0 0; z-index: 2147483647; max-height: 45vh; overflow: auto;
  margin: 0; padding: .75rem 1.5rem; background: #fff4f4; color: #3b0000; border-top: 4px solid #b00020;
  font: 15px/1.5 system-ui, sans-serif; box-shadow: 0 -4px 16px rgba(0, 0, 0, .25); }
#%(overlay)s summary { cursor: pointer; }
#%(overlay)s h2 { display: inline; margin: 0; font-size: 1.1rem; color: #b00020; }
#%(overlay)s .first { display: block; margin: .25rem 0 0; }
#%(overlay)s ul { margin: .5rem 0 0; padding-left: 1.25rem; }
#%(overlay)s code { font: 14px/1.5 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
""" % {"overlay": OVERLAY_ID}


def overlay_html(state: PreviewState) -> str:
    """The overlay: a bar at the foot of the window (the site's header stays visible) whose summary line
    holds the first real error, and which opens to every error as PATH:LINE: message - hint, escaped,
    then the follow-on counts. Empty when the build worked."""
    if state.ok:
        return ""
    errors = [html.escape(str(error)) for error in state.errors] or ["(no details)"]
    items = "".join(f"<li><code>{text}</code></li>" for text in errors[1:])
    items += "".join(f"<li>{html.escape(line)}</li>" for line in state.follow_ons)
    count = len(state.errors)
    showing = "showing the last good version" if state.served else "nothing has built yet"
    more = f"<ul>{items}</ul>" if items else ""
    return (f'<section id="{OVERLAY_ID}" role="alert" aria-labelledby="{OVERLAY_ID}-title"><details open>'
            f'<summary><h2 id="{OVERLAY_ID}-title">Build {state.number} failed: {count} '
            f'problem{"s" if count != 1 else ""} ({showing})</h2>'
            f'<code class="first">{errors[0]}</code></summary>{more}</details></section>')


def inject(page: bytes, state: PreviewState, session_token: str) -> bytes:
    """Add the overlay (if any) and the live-reload script just before </body>."""
    addition = (f'<link rel="stylesheet" href="{STYLE_PATH}">{overlay_html(state)}'
                f'<script src="{SCRIPT_PATH}" data-build="{state.number}" data-session="{session_token}"></script>'
                ).encode()
    ends = list(_BODY_END.finditer(page))
    if not ends:
        return page + addition
    at = ends[-1].start()
    return page[:at] + addition + page[at:]


def event_data(state: PreviewState, session_token: str) -> dict:
    return {**state.as_json(), "session": session_token, "overlay": overlay_html(state)}
