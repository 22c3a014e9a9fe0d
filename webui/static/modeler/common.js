/* Shared helpers for the modeler, viewer and form editor pages: JSON requests with the CSRF
   token header, the page's configuration, status messages. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* fetch() a JSON endpoint of this site; resolves to {ok, status, data}, never rejects on HTTP errors. */
  function request(url, method, body) {
    var options = { method: method || "GET", credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (options.method !== "GET") { options.headers["X-CSRFToken"] = csrfToken(); }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    }, function () {
      return { ok: false, status: 0, data: {} };
    });
  }

  function config(element) {
    try { return JSON.parse(element.getAttribute("data-config") || "{}"); } catch (e) { return {}; }
  }

  function setStatus(element, text, kind) {
    element.textContent = text;
    element.className = "modeler-status" + (kind ? " modeler-status--" + kind : "");
  }

  function format(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (match, name) {
      return values[name] !== undefined ? String(values[name]) : match;
    });
  }

  window.Casepath = { request: request, config: config, setStatus: setStatus, format: format };
})();
