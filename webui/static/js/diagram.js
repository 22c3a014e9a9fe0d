/* The case's process diagram (bpmn-js viewer) with active and completed tasks marked.
   Zoom buttons and the arrow keys move the view, since the plain viewer has no mouse panning. */
(function () {
  "use strict";
  var STEP = 60;

  function ids(element, name) {
    try { return JSON.parse(element.getAttribute(name) || "[]"); } catch (e) { return []; }
  }

  function controls(element, canvas, registry, active) {
    function zoomBy(factor) { canvas.zoom(canvas.zoom() * factor, "auto"); }
    function showAll() { canvas.zoom("fit-viewport", "auto"); }
    function showActive() {
      showAll();
      var first = active.map(function (id) { return registry.get(id); }).filter(Boolean)[0];
      if (first && canvas.zoom() < 0.7) {
        canvas.zoom(0.9);
        canvas.scrollToElement(first, { top: 80, bottom: 80, left: 120, right: 120 });
      }
    }
    var actions = { "in": function () { zoomBy(1.25); }, "out": function () { zoomBy(0.8); }, all: showAll, active: showActive };
    var tools = element.parentNode.querySelector(".diagram-tools");
    if (tools) {
      tools.hidden = false;
      tools.addEventListener("click", function (event) {
        var action = actions[event.target.getAttribute("data-diagram")];
        if (action) { action(); }
      });
    }
    element.addEventListener("keydown", function (event) {
      var moves = { ArrowLeft: [STEP, 0], ArrowRight: [-STEP, 0], ArrowUp: [0, STEP], ArrowDown: [0, -STEP] };
      if (moves[event.key]) {
        canvas.scroll({ dx: moves[event.key][0], dy: moves[event.key][1] });
      } else if (event.key === "+") {
        zoomBy(1.25);
      } else if (event.key === "-") {
        zoomBy(0.8);
      } else {
        return;
      }
      event.preventDefault();
    });
    showActive();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("diagram");
    if (!element || typeof window.BpmnJS !== "function") { return; }
    var viewer = new window.BpmnJS({ container: element });
    fetch(element.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/xml" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        var active = ids(element, "data-active");
        ids(element, "data-completed").forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "cp-completed"); } });
        active.forEach(function (id) { if (registry.get(id)) { canvas.addMarker(id, "cp-active"); } });
        controls(element, canvas, registry, active);
        element.setAttribute("data-loaded", "true");
      })
      .catch(function () {
        element.textContent = element.getAttribute("data-error");
        element.setAttribute("data-loaded", "error");
      });
  });
})();
