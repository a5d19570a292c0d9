// The proctor's console keeps itself current: it asks the server for every seat's state, progress, time left
// and last contact, and writes the figures into the table. Without JavaScript the page is right at load.
(function () {
  "use strict";
  var table = document.querySelector("table[data-console]");
  var textEl = document.getElementById("console-text");
  if (!table || !textEl) { return; }
  var text = JSON.parse(textEl.textContent);
  var updated = document.getElementById("console-updated");
  var every = (parseInt(table.getAttribute("data-refresh"), 10) || 10) * 1000;

  function set(row, field, value, strong) {
    var cell = row.querySelector('[data-field="' + field + '"]');
    if (!cell) { return; }
    cell.textContent = "";
    if (strong) {
      var b = document.createElement("strong");
      b.textContent = value;
      cell.appendChild(b);
    } else {
      cell.textContent = value;
    }
  }

  function show(body) {
    var changed = false;
    body.candidates.forEach(function (seat) {
      var row = table.querySelector('tr[data-booking="' + seat.booking + '"]');
      if (!row) { changed = true; return; }   // a new seat: the page itself shows it
      if (row.getAttribute("data-state") && row.getAttribute("data-state") !== seat.state &&
          (seat.state === "awaiting_admission" || row.getAttribute("data-state") === "awaiting_admission")) {
        changed = true;   // the actions offered depend on the state
      }
      row.setAttribute("data-state", seat.state);
      set(row, "state", seat.state_label);
      set(row, "answered", seat.total ? seat.answered + " / " + seat.total : "");
      set(row, "remaining", seat.remaining_seconds === null ? "" :
        text.minutes.replace("{minutes}", String(Math.floor(seat.remaining_seconds / 60))));
      if (seat.last_contact_seconds === null) {
        set(row, "contact", "");
      } else if (seat.disconnected) {
        set(row, "contact", text.no_contact.replace("{minutes}", String(Math.floor(seat.last_contact_seconds / 60))), true);
      } else {
        set(row, "contact", text.seconds_ago.replace("{seconds}", String(seat.last_contact_seconds)));
      }
      row.classList.toggle("row--alert", seat.disconnected);
    });
    if (changed) { window.location.reload(); return; }
    if (updated) { updated.textContent = text.updated.replace("{time}", new Date(body.at).toLocaleTimeString(document.documentElement.lang || undefined)); }
  }

  function refresh() {
    fetch(table.getAttribute("data-console"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(show)
      .catch(function () { if (updated) { updated.textContent = text.offline; } });
  }

  Array.prototype.forEach.call(table.querySelectorAll("tr[data-booking]"), function (row) {
    row.setAttribute("data-state", row.getAttribute("data-initial-state") || "");
  });
  window.setInterval(refresh, every);
})();
