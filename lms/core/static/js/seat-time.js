// Self-paced seat time: a heartbeat about every interval while the page is visible and in use.
// The server decides what is credited; this script only says "still here" (or "stopped").
(function () {
  "use strict";
  var el = document.getElementById("seat-time");
  if (!el || !window.fetch || !window.lms) { return; }
  var url = el.getAttribute("data-heartbeat-url");
  var page = el.getAttribute("data-page");
  var interval = parseInt(el.getAttribute("data-interval"), 10) * 1000;
  var idleAfter = parseInt(el.getAttribute("data-idle-after"), 10) * 1000;
  var template = el.getAttribute("data-template");
  var sequence = 0;
  var lastInput = Date.now();
  var running = false;

  ["pointerdown", "keydown", "scroll", "wheel", "touchstart", "mousemove"].forEach(function (type) {
    window.addEventListener(type, function () { lastInput = Date.now(); }, { passive: true });
  });

  function inUse() {
    return document.visibilityState === "visible" && Date.now() - lastInput < idleAfter;
  }

  function beat(active) {
    sequence += 1;
    running = active;
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": window.lms.csrfToken() },
      body: JSON.stringify({ page: page, sequence: sequence, active: active })
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data) { el.textContent = template.replace("{minutes}", String(Math.floor(data.lesson_seconds / 60))); }
    }).catch(function () { /* offline: the next beat starts a new stretch */ });
  }

  function tick() {
    var active = inUse();
    if (active || running) { beat(active); }
  }

  beat(inUse());
  window.setInterval(tick, interval);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (running) { beat(false); }
    } else {
      lastInput = Date.now();
      tick();
    }
  });
})();
