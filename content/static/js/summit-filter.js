/* Programme filter for /summit/<year>/ pages (progressive enhancement).
   Without JavaScript the network links are ordinary links to /summit/<year>/<network>/, where the
   other sessions and launches are hidden by the server. With it, a click shows that network's
   sessions and launches in place, updates the address so the view can be shared or reloaded, and
   announces how many are shown. A group (a day, the launches) with nothing shown is hidden. */
(function () {
  "use strict";
  var filter = document.querySelector("[data-programme-filter]");
  if (!filter) {
    return;
  }
  var links = Array.prototype.slice.call(filter.querySelectorAll("a[data-network]"));
  var status = filter.querySelector("[data-programme-status]");
  var days = Array.prototype.slice.call(document.querySelectorAll("[data-programme-day]"));

  function counted(count, one, many) {
    return count === 1 ? "1 " + one : count + " " + many;
  }

  function show(network, label) {
    var sessions = 0;
    var launches = 0;
    days.forEach(function (day) {
      var visible = 0;
      day.querySelectorAll("[data-networks]").forEach(function (item) {
        var tags = item.getAttribute("data-networks").split(" ");
        var match = !network || tags.indexOf(network) !== -1;
        item.hidden = !match;
        if (match) {
          visible += 1;
          if (item.classList.contains("launch")) {
            launches += 1;
          } else {
            sessions += 1;
          }
        }
      });
      day.hidden = visible === 0;
    });
    links.forEach(function (link) {
      if (link.getAttribute("data-network") === network) {
        link.setAttribute("aria-current", "page");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    if (status) {
      var parts = [];
      if (sessions || !launches) {
        parts.push(counted(sessions, "session", "sessions"));
      }
      if (launches) {
        parts.push(counted(launches, "launch", "launches"));
      }
      var what = parts.join(" and ");
      status.textContent = network ? "Showing " + what + " of the " + label + "." : "Showing all " + what + ".";
    }
  }

  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return; // let people open a view in a new tab
      }
      event.preventDefault();
      var network = link.getAttribute("data-network");
      show(network, link.textContent);
      if (window.history && window.history.pushState) {
        window.history.pushState({ network: network, label: link.textContent }, "", link.href);
      }
    });
  });

  window.addEventListener("popstate", function (event) {
    var state = event.state;
    if (state && typeof state.network === "string") {
      show(state.network, state.label);
    } else {
      var current = filter.querySelector("a[aria-current]");
      var initial = links.filter(function (link) { return link.href === window.location.href; })[0] || current;
      if (initial) {
        show(initial.getAttribute("data-network"), initial.textContent);
      }
    }
  });
})();
