// The process page's heatmap: the newest diagram (bpmn-js NavigatedViewer) with an overlay on each
// element where open cases wait (how many, median days waited) and a marker on the elements whose
// deadline is missed most often. The figures come from the page (engine/reports/heatmap.py).
(function () {
  "use strict";
  var lang = document.documentElement.lang || "da";
  var number = new Intl.NumberFormat(lang === "en" ? "en-GB" : "da-DK", { maximumFractionDigits: 1 });

  function badge(element, row, text) {
    var node = document.createElement("div");
    node.className = "heat-badge";
    node.setAttribute("data-element", element);
    node.setAttribute("data-waiting", String(row.waiting));
    var count = typeof row.waiting === "number" ? number.format(row.waiting) : row.waiting;
    node.textContent = count + " " + text.waiting +
      (row.median_wait_days === null ? "" : " · " + number.format(row.median_wait_days) + " " + text.days);
    return node;
  }

  function draw(viewer, heat, text) {
    var overlays = viewer.get("overlays"), canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    Object.keys(heat.elements).forEach(function (element) {
      var row = heat.elements[element];
      if (!registry.get(element)) { return; }
      if (row.waiting !== 0) {
        overlays.add(element, "heat", { position: { top: -14, left: 0 }, html: badge(element, row, text) });
      }
      if (row.missed_rank) {
        canvas.addMarker(element, "heat-missed");
        var flag = document.createElement("div");
        flag.className = "heat-flag";
        flag.textContent = "!" + row.missed_rank;
        flag.title = text.missed + " " + row.missed_rank;
        overlays.add(element, "heat", { position: { bottom: 10, right: 10 }, html: flag });
      }
    });
  }

  // A wide diagram fitted into the page is too small to read: then show it at a readable scale
  // around the element where most cases wait (drag to pan, Ctrl + wheel to zoom).
  function focus(viewer, heat) {
    var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= 0.6) { return; }
    var busiest = null, most = -1;
    Object.keys(heat.elements).forEach(function (id) {
      var waiting = heat.elements[id].waiting;
      if (typeof waiting === "number" && waiting > most && registry.get(id)) { busiest = id; most = waiting; }
    });
    var shape = busiest && registry.get(busiest);
    if (shape) {
      canvas.zoom(0.75, { x: shape.x + shape.width / 2, y: shape.y + shape.height / 2 });
      if (typeof canvas.scrollToElement === "function") { canvas.scrollToElement(shape); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("heatmap");
    if (!element || typeof window.BpmnJS !== "function") { return; }
    var heat = JSON.parse(document.getElementById(element.dataset.heat).textContent);
    var text = { waiting: element.dataset.waiting, days: element.dataset.days, missed: element.dataset.missed };
    var viewer = new window.BpmnJS({ container: element });
    fetch(element.dataset.src, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        focus(viewer, heat);
        draw(viewer, heat, text);
        element.setAttribute("data-loaded", "true");
      })
      .catch(function () {
        element.textContent = element.dataset.error;
        element.setAttribute("data-loaded", "error");
      });
  });
}());
