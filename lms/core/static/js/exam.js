// The exam player, progressively enhanced: every page of the sitting works without this file.
// It saves each choice at once through the JSON API, in order, one save at a time; saves that cannot be
// sent wait in localStorage (a reload or a crash keeps them) and go when the connection returns.
// It counts the time down from the server's clock, which stays the authority: every answer re-syncs it.
// Its settings and every string come from the page (#exam-config), so they are translated there.
(function () {
  "use strict";
  var configEl = document.getElementById("exam-config");
  if (!configEl || !window.fetch || !window.Promise || !window.lms) { return; }
  var config = JSON.parse(configEl.textContent);
  var text = config.text;
  var statusEl = document.getElementById("exam-status");
  var alertEl = document.getElementById("exam-alert");
  var itemForm = document.querySelector("form.exam-item");
  var answeredEl = document.querySelector("[data-exam-answered]");

  // -- what this device keeps per attempt: the last sequence number used, unsent saves, announcements made

  var storageKey = "lms-exam:" + config.attempt;
  var persistent = true;
  var memory = null;
  var ended = false;   // the attempt is closed: keep nothing more

  function load() {
    var data = memory;
    if (persistent) {
      try { data = JSON.parse(window.localStorage.getItem(storageKey) || "null"); } catch (e) { persistent = false; }
    }
    data = data || {};
    return { seq: Math.max(data.seq || 0, config.last_seq), queue: data.queue || [], announced: data.announced || [] };
  }

  function store(data) {
    memory = data;
    if (!persistent || ended) { return; }
    try { window.localStorage.setItem(storageKey, JSON.stringify(data)); } catch (e) { persistent = false; }
  }

  function forget() {
    ended = true;
    memory = null;
    try { window.localStorage.removeItem(storageKey); } catch (e) { /* nothing kept */ }
  }

  function say(message) {
    if (statusEl && statusEl.textContent !== message) { statusEl.textContent = message; }
  }

  var leaving = false;

  function reload() {
    if (leaving) { return; }
    leaving = true;
    window.location.reload();
  }

  // -- the clock: the server's time left, counted down here between answers from the server

  var clockEl = document.querySelector("[data-exam-clock]");
  var valueEl = clockEl && clockEl.querySelector(".exam-clock__value");
  var stoppedEl = clockEl && clockEl.querySelector(".exam-clock__stopped");
  var clock = { seconds: config.remaining, running: config.running, breakSeconds: config.break_remaining,
                since: window.performance.now() };

  function elapsed() {
    return (window.performance.now() - clock.since) / 1000;
  }

  function secondsLeft() {
    return clock.running ? Math.max(0, Math.ceil(clock.seconds - elapsed())) : clock.seconds;
  }

  function formatted(seconds) {   // h:mm:ss, the same digits in every language
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return h + ":" + (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function announce(left) {
    var data = load();
    // Time added by staff re-arms a threshold already announced.
    var announced = data.announced.filter(function (mark) { return left <= mark + 60; });
    var due = config.announcements.filter(function (a) { return left <= a.seconds && announced.indexOf(a.seconds) === -1; });
    if (due.length) {
      var urgent = due.reduce(function (a, b) { return a.seconds < b.seconds ? a : b; });
      if (alertEl) { alertEl.textContent = urgent.text; }
      due.forEach(function (a) { announced.push(a.seconds); });
    }
    if (due.length || announced.length !== data.announced.length) {
      data.announced = announced;
      store(data);
    }
  }

  var shown = null;

  function tick() {
    var left = secondsLeft();
    if (valueEl && left !== shown) {
      shown = left;
      valueEl.textContent = formatted(left);
      announce(left);
    }
    if (clock.running && left <= 0) { reload(); }   // the server has closed the attempt: it shows the result
    if (!clock.running && clock.breakSeconds !== null && clock.breakSeconds - elapsed() <= 0) { reload(); }
  }

  // Take the server's word for the time left and the attempt's state (from a save or a heartbeat).
  function sync(state) {
    lastHeard = window.performance.now();
    clock.seconds = state.remaining_seconds;
    clock.running = state.clock_running;
    clock.breakSeconds = state.break_remaining_seconds;
    clock.since = window.performance.now();
    if (stoppedEl) { stoppedEl.hidden = state.clock_running; }
    if (answeredEl && typeof state.answered === "number") {
      answeredEl.textContent = text.answered.replace("{answered}", String(state.answered));
    }
    var data = load();
    if (state.last_seq > data.seq) { data.seq = state.last_seq; store(data); }
    syncSeqField();
    tick();
    if (state.state !== config.state) { reload(); }   // the break ended, or the attempt was closed
  }

  // -- saving: an ordered queue, sent one save at a time

  var sending = false;
  var stopped = false;
  var failures = 0;
  var retryTimer = null;
  var waiters = [];

  function settle(ok) {
    var done = waiters;
    waiters = [];
    done.forEach(function (resolve) { resolve(ok); });
  }

  function syncSeqField() {
    var field = itemForm && itemForm.querySelector('input[name="seq"]');
    if (field) { field.value = String(load().seq + 1); }
  }

  function enqueue(save) {
    var data = load();
    data.seq += 1;
    save.seq = data.seq;
    data.queue.push(save);
    store(data);
    syncSeqField();
    drain();
  }

  // What to do with the answer to one save: done, drop it (it can never apply), retry, reload, or the exam ended.
  function outcomeOf(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) {
      return { kind: response.ok || response.status < 500 ? "reload" : "retry" };   // e.g. signed out: the login page
    }
    return response.json().then(function (body) {
      if (response.ok) { return { kind: "done", body: body }; }
      var code = body.error && body.error.code;
      if (code === "time_up") { return { kind: "ended" }; }
      if (response.status === 409 || response.status === 401 || response.status === 403 || code === "csrf") {
        return { kind: "reload" };   // on a break, on another device, signed out: the server's page says what to do
      }
      if (response.status === 429 || response.status >= 500) { return { kind: "retry" }; }
      return { kind: "drop" };
    });
  }

  function drain() {
    if (sending || stopped) { return; }
    var data = load();
    if (!config.drain || !data.queue.length) { settle(true); return; }
    if (navigator.onLine === false) { say(text.offline); settle(false); return; }
    var entry = data.queue[0];
    sending = true;
    say(text.saving);
    window.lms.postJSON(config.urls.answers, entry)
      .then(outcomeOf, function () { return { kind: "retry" }; })
      .catch(function () { return { kind: "retry" }; })
      .then(function (outcome) { after(entry, outcome); });
  }

  function after(entry, outcome) {
    sending = false;
    if (outcome.kind === "done" || outcome.kind === "drop") {
      failures = 0;
      var data = load();
      data.queue = data.queue.filter(function (save) { return save.seq !== entry.seq; });
      store(data);
      if (!data.queue.length) { say(text.saved); }
      if (outcome.body) { sync(outcome.body); }
      drain();
    } else if (outcome.kind === "ended") {
      stopped = true;
      forget();   // the server has closed the attempt: nothing more can be saved
      reload();
    } else if (outcome.kind === "reload") {
      stopped = true;
      reload();
    } else {
      failures += 1;
      say(navigator.onLine === false ? text.offline : text.retrying);
      settle(false);
      window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(drain, Math.min(30000, 1000 * Math.pow(2, failures - 1)));
    }
  }

  // Resolves true once every save is on the server, false if that cannot happen now.
  function flush() {
    return new Promise(function (resolve) {
      waiters.push(resolve);
      drain();
    });
  }

  window.addEventListener("online", function () {
    window.clearTimeout(retryTimer);
    failures = 0;
    if (load().queue.length) { drain(); } else { say(""); }
  });
  window.addEventListener("offline", function () { say(text.offline); });

  // -- the question page: each choice and each flag is a save

  if (itemForm) {
    var flag = itemForm.querySelector("#flag");
    var current = function () {
      var chosen = itemForm.querySelector('input[name="answer"]:checked');
      var save = { position: config.position, flagged: !!(flag && flag.checked) };
      if (chosen) { save.answer = chosen.value; }
      return save;
    };
    // Saves not yet sent for this question are newer than what the server rendered: show them.
    load().queue.forEach(function (save) {
      if (save.position !== config.position) { return; }
      if (save.answer) {
        itemForm.querySelectorAll('input[name="answer"]').forEach(function (radio) {
          if (radio.value === save.answer) { radio.checked = true; }
        });
      }
      if (flag && typeof save.flagged === "boolean") { flag.checked = save.flagged; }
    });
    itemForm.addEventListener("change", function (event) {
      // Once the form is posted its values are sent; a change in the last moment would move the server back here.
      if (leaving) { return; }
      if (event.target.name === "answer" || event.target === flag) { enqueue(current()); }
    });
  }

  // Buttons that leave the page send every waiting save first; the question form's own post then
  // carries a sequence number newer than all of them, so it can never be overtaken by an older save.
  document.querySelectorAll("form[data-exam-flush]").forEach(function (form) {
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy || leaving) { return; }
      busy = true;
      var submitter = event.submitter || document.activeElement;
      flush().then(function (ok) {
        if (!ok) {
          busy = false;
          say(text.wait);
          return;
        }
        if (form === itemForm) {
          var data = load();
          data.seq += 1;
          store(data);
          form.querySelector('input[name="seq"]').value = String(data.seq);
        }
        if (submitter && submitter.type === "submit" && submitter.name && submitter.form === form) {
          var carried = document.createElement("input");
          carried.type = "hidden";
          carried.name = submitter.name;
          carried.value = submitter.value;
          form.appendChild(carried);
        }
        leaving = true;
        HTMLFormElement.prototype.submit.call(form);
      });
    });
  });

  // -- the heartbeat: says "still here" and brings the server's clock back

  // The policy's heartbeat interval comes with the page; 30 s is that policy's default.
  var interval = (config.heartbeat_seconds || 30) * 1000;

  // A save's answer says as much as a heartbeat, so a beat due within one interval of it is skipped.
  var lastHeard = window.performance.now();

  function beat(force) {
    if (leaving) { return; }
    if (force !== true && window.performance.now() - lastHeard < interval - 1000) { return; }
    window.lms.postJSON(config.urls.heartbeat, {}).then(function (response) {
      if (response.status === 409 || response.status === 401 || response.status === 403) { reload(); return null; }
      return response.ok ? response.json() : null;
    }).then(function (state) {
      if (state) {
        sync(state);
        drain();
      }
    }).catch(function () { /* offline: the next beat tries again */ });
  }

  // A page brought back from the browser's cache shows an old state: ask the server again.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { window.location.reload(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { beat(true); }
  });

  window.setInterval(beat, interval);
  window.setInterval(tick, 250);
  tick();
  syncSeqField();
  if (navigator.onLine === false) { say(text.offline); }
  drain();
})();
