/* The compare page: both versions side by side in bpmn-js viewers, with the added (green), removed
   (red, dashed) and changed (orange) elements marked: removed and changed on the old version, added
   and changed on the new one. The lists come from the server's comparison (the page's tables). */
(function () {
  "use strict";

  function ids(root, name) {
    try { return JSON.parse(root.getAttribute("data-" + name) || "[]"); } catch (e) { return []; }
  }

  /* Mark the differences; returns the shapes marked (connections and pools/lanes left out). */
  function mark(viewer, element, kinds) {
    var registry = viewer.get("elementRegistry"), canvas = viewer.get("canvas"), marked = [], shapes = [];
    Object.keys(kinds).forEach(function (kind) {
      kinds[kind].forEach(function (id) {
        var shape = registry.get(id);
        if (!shape) { return; }
        canvas.addMarker(id, "cp-" + kind);
        marked.push(kind + ":" + id);
        if (!shape.waypoints && !/Participant|Lane/.test(shape.type)) { shapes.push(shape); }
      });
    });
    element.setAttribute("data-marked", marked.sort().join(" "));
    return shapes;
  }

  /* A wide procedure fitted whole is unreadable: show the differences at a readable size instead. */
  function focus(canvas, shapes) {
    if (!shapes.length) { return; }
    var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    shapes.forEach(function (s) {
      x1 = Math.min(x1, s.x); y1 = Math.min(y1, s.y); x2 = Math.max(x2, s.x + s.width); y2 = Math.max(y2, s.y + s.height);
    });
    var outer = canvas.viewbox().outer, pad = 160;
    var scale = Math.min(1, outer.width / (x2 - x1 + 2 * pad), outer.height / (y2 - y1 + 2 * pad));
    var width = outer.width / scale, height = outer.height / scale;
    canvas.viewbox({ x: (x1 + x2) / 2 - width / 2, y: (y1 + y2) / 2 - height / 2, width: width, height: height });
  }

  function show(element, kinds) {
    var viewer = new window.BpmnJS({ container: element });
    return fetch(element.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get("canvas").zoom("fit-viewport", "auto");
        focus(viewer.get("canvas"), mark(viewer, element, kinds));
        element.setAttribute("data-loaded", "true");
      })
      .catch(function () {
        element.textContent = element.getAttribute("data-error");
        element.setAttribute("data-loaded", "error");
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("compare");
    if (!root || typeof window.BpmnJS !== "function") { return; }
    var changed = ids(root, "changed");
    show(document.getElementById("compare-old"), { removed: ids(root, "removed"), changed: changed });
    show(document.getElementById("compare-new"), { added: ids(root, "added"), changed: changed });
  });
})();
