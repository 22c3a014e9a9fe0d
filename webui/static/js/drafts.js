/* Unfinished work is kept: the fields the caseworker changes in a task form are saved as their own
   draft on the server (PUT data-draft-url) a couple of seconds after a change, at least every
   few seconds while typing, and when the page is left or hidden. The server shows the draft again
   when the task is opened, also after a new sign-in, and deletes it when the task is completed.
   Nothing is kept in the browser: a shared computer must not hold a person's case once signed out.
   window.casepathDrafts.flush() saves at once (the consent dialog uses it before it posts). */
(function () {
  "use strict";
  var DELAY_MS = 2000;

  function fieldValue(form, name) {
    var inputs = Array.prototype.filter.call(form.elements, function (e) { return e.name === name; });
    if (!inputs.length) { return null; }
    var first = inputs[0];
    if (first.type === "checkbox" && !first.closest(".options")) { return first.checked; }  // a yes/no field
    if (first.type === "checkbox") {  // a checklist
      return inputs.filter(function (e) { return e.checked; }).map(function (e) { return e.value; });
    }
    if (first.type === "radio") {
      var chosen = inputs.filter(function (e) { return e.checked; })[0];
      return chosen ? chosen.value : "";
    }
    return first.value;
  }

  function allNames(form) {
    var names = [];
    Array.prototype.forEach.call(form.elements, function (e) {
      if (e.name && e.name !== "csrf_token" && names.indexOf(e.name) < 0) { names.push(e.name); }
    });
    return names;
  }

  function readKeys(form) {
    try { return JSON.parse(form.getAttribute("data-draft-keys") || "[]"); } catch (e) { return []; }
  }

  function Keeper(form, status) {
    this.form = form;
    this.status = status;
    this.url = form.getAttribute("data-draft-url");
    this.changed = readKeys(form);  // the restored draft's fields stay in it
    this.timer = null;
    this.sent = null;
    this.submitted = false;
  }

  Keeper.prototype.body = function () {
    var data = {};
    var form = this.form;
    this.changed.forEach(function (name) {
      var value = fieldValue(form, name);
      if (value !== null) { data[name] = value; }
    });
    return JSON.stringify({ data: data });
  };

  Keeper.prototype.touch = function (name) {
    if (!name || name === "csrf_token") { return; }
    if (this.changed.indexOf(name) < 0) { this.changed.push(name); }
    if (!this.timer) { this.timer = window.setTimeout(this.save.bind(this, false), DELAY_MS); }
  };

  Keeper.prototype.token = function () {
    var field = this.form.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  };

  Keeper.prototype.save = function (leaving) {
    window.clearTimeout(this.timer);
    this.timer = null;
    var body = this.body();
    if (this.submitted || body === this.sent || !this.changed.length) { return Promise.resolve(); }
    this.sent = body;
    var self = this;
    return fetch(this.url, {
      method: "PUT", credentials: "same-origin", keepalive: !!leaving, body: body,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": this.token() }
    }).then(function (response) {
      if (response.ok) { return response.json().then(function (json) { self.saved(json.saved_at); }); }
      self.sent = null;
      self.failed(response.status);
      return undefined;
    }).catch(function () {
      self.sent = null;
      self.failed(0);
    });
  };

  Keeper.prototype.saved = function (time) {
    var line = this.status.querySelector("[data-draft-saved]");
    line.textContent = this.status.getAttribute("data-saved").replace("{time}", time || "");
    this.status.querySelector("[data-draft-problem]").textContent = "";
  };

  Keeper.prototype.failed = function (code) {
    var problem = this.status.querySelector("[data-draft-problem]");
    var key = code === 401 || code === 400 ? "data-signed-out" : code === 422 ? "data-too-large" : "data-failed";
    problem.textContent = this.status.getAttribute(key) + " ";
    if (key === "data-signed-out") {
      var link = document.createElement("a");
      link.href = this.status.getAttribute("data-login-url");
      link.textContent = this.status.getAttribute("data-login-text");
      problem.appendChild(link);
    }
  };

  function start(form) {
    var status = document.getElementById("draft-status");
    if (!status || typeof window.fetch !== "function") { return null; }
    var keeper = new Keeper(form, status);
    function changed(event) { keeper.touch(event.target && event.target.name); }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function () {
      // Completing deletes the drafts; a save racing the completion would only be refused (409).
      keeper.submitted = true;
      window.clearTimeout(keeper.timer);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { keeper.save(true); }
    });
    window.addEventListener("pagehide", function () { keeper.save(true); });
    if (form.hasAttribute("data-draft-unsaved")) {
      // Shown again after a refusal: what was sent is what the form holds now.
      allNames(form).forEach(function (name) { keeper.touch(name); });
      keeper.save(false);
    }
    return keeper;
  }

  var keeper = null;
  window.casepathDrafts = {
    flush: function () { return keeper ? keeper.save(false) : Promise.resolve(); }
  };
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-draft-url]");
    if (form) { keeper = start(form); }
  });
})();
