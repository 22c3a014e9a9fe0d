// The report page's charts: each <canvas data-chart> names a JSON block with its labels and series
// (webui/ui/reports_charts.py). Suppressed cells ("<5") and hidden figures arrive as null: a gap.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "da";
  var locale = lang === "en" ? "en-GB" : "da-DK";
  // Colour-blind-safe palette (Okabe-Ito), dark enough on white.
  var colours = ["#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#8a7a00", "#000000"];

  function format(value, percent) {
    if (value === null || value === undefined) { return "–"; }
    var text = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
    return percent ? text + " %" : text;
  }

  // Long category names wrap onto lines of about 28 characters instead of being cut off.
  function wrap(label) {
    var words = String(label).split(" "), lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > 28) { lines.push(line); line = word; } else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines.length > 1 ? lines : lines[0] || "";
  }

  function draw(canvas) {
    var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    var horizontal = spec.horizontal;
    var valueAxis = {
      beginAtZero: true, stacked: spec.stacked, max: spec.percent ? 100 : undefined,
      ticks: { callback: function (v) { return format(v, spec.percent); } }
    };
    var labelAxis = { stacked: spec.stacked, ticks: { autoSkip: true } };
    /* global Chart */
    return new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels.map(wrap),
        datasets: spec.datasets.map(function (set, i) {
          var colour = colours[i % colours.length];
          return { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour,
                   spanGaps: false, tension: 0.2 };
        })
      },
      options: {
        locale: locale, responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (item) {
            return item.dataset.label + ": " + format(item.raw, spec.percent);
          } } }
        }
      }
    });
  }

  function start() {
    if (typeof Chart === "undefined") { return; }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#1b1b1b";
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
