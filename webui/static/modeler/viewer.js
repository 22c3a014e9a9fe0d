/* A deployed version, read-only: bpmn-js NavigatedViewer (drag to pan, Ctrl + wheel to zoom). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("viewer");
    if (!element || typeof window.BpmnJS !== "function") { return; }
    var viewer = new window.BpmnJS({ container: element });
    fetch(element.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get("canvas").zoom("fit-viewport", "auto");
        element.setAttribute("data-loaded", "true");
      })
      .catch(function () {
        element.textContent = element.getAttribute("data-error");
        element.setAttribute("data-loaded", "error");
      });
  });
})();
