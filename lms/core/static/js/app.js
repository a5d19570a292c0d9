// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // The CSRF token for JSON requests, read from <meta name="csrf-token">.
  window.lms = {
    csrfToken: function () {
      var meta = document.querySelector('meta[name="csrf-token"]');
      return meta ? meta.getAttribute("content") : "";
    },
    postJSON: function (url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": window.lms.csrfToken() },
        body: JSON.stringify(body || {})
      });
    }
  };

  // Move focus to the error summary so screen-reader users hear what to fix.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
