// Page script of the course site (loaded before plotly.min.js and the figures).
// Every figure's inline script pushes the promise of Plotly.newPlot into window.sitePlots. Once the page is parsed
// and every figure has drawn, the page records the time (performance.now(), in ms since navigation start) in
// <html data-interactive-ms> and sets <html data-ready="true"> ("error" if a figure failed); helpers.site uses
// this to measure time to interactive.
"use strict";
window.sitePlots = [];

document.addEventListener("DOMContentLoaded", function () {
  var root = document.documentElement;
  Promise.all(window.sitePlots).then(function () {
    root.dataset.interactiveMs = performance.now().toFixed(1);
    root.dataset.ready = "true";
  }, function (error) {
    console.error("a figure failed to draw:", error);
    root.dataset.ready = "error";
  });

  // Printing: redraw figures at the page's printed width, and back afterwards.
  function resizeFigures() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
      window.Plotly.Plots.resize(graph);
    });
  }
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) { print.addEventListener("change", resizeFigures); }
  }
  window.addEventListener("beforeprint", resizeFigures);
  window.addEventListener("afterprint", resizeFigures);
});
