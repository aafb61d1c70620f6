// Page script of the course site. Loaded first; plotly.min.js follows with `defer`.
//
// Each figure is a <div> plus an inline script `sitePlot(id, function () { return Plotly.newPlot(id, figure); })`
// that queues its drawing. Once the page is parsed and plotly has loaded (DOMContentLoaded), the figures on or
// near the first screen are drawn at once; the page then records the time in <html data-interactive-ms>
// (performance.now(), ms since navigation start). The other figures are drawn one per task in page order (a
// figure that scrolls into view is drawn right away), so the page stays responsive; when all have drawn, the page
// records <html data-all-drawn-ms> and sets <html data-ready="true"> ("error" if a figure failed).
// Printing draws any figure still queued, then fits every figure to the printed width.
"use strict";
(function () {
  var root = document.documentElement;
  var queue = [];
  window.sitePlots = [];  // the promises of Plotly.newPlot, one per drawn figure

  window.sitePlot = function (id, draw) {
    queue.push({ id: id, draw: draw, promise: null });
  };

  function fail(error) {
    console.error("a figure failed to draw:", error);
    root.dataset.ready = "error";
  }

  function drawOne(item) {
    if (item.promise) { return item.promise; }
    try {
      item.promise = Promise.resolve(item.draw());
    } catch (error) {
      item.promise = Promise.reject(error);
    }
    window.sitePlots.push(item.promise);
    return item.promise;
  }

  function nearFirstScreen(item) {
    var el = document.getElementById(item.id);
    if (!el) { return false; }
    var box = el.getBoundingClientRect();
    return box.top < window.innerHeight * 1.25 && box.bottom > 0;
  }

  function drawRest() {
    var next = queue.find(function (item) { return !item.promise; });
    if (next) {
      drawOne(next).then(function () { setTimeout(drawRest, 0); }, fail);
      return;
    }
    Promise.all(window.sitePlots).then(function () {
      root.dataset.allDrawnMs = performance.now().toFixed(1);
      root.dataset.ready = "true";
    }, fail);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (queue.length && !window.Plotly) {
      fail(new Error("plotly.min.js did not load"));
      return;
    }
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting) { return; }
          observer.unobserve(entry.target);
          queue.forEach(function (item) { if (item.id === entry.target.id) { drawOne(item); } });
        });
      }, { rootMargin: "50% 0px" });
      queue.forEach(function (item) {
        var el = document.getElementById(item.id);
        if (el) { observer.observe(el); }
      });
    }
    Promise.all(queue.filter(nearFirstScreen).map(drawOne)).then(function () {
      root.dataset.interactiveMs = performance.now().toFixed(1);
      setTimeout(drawRest, 0);
    }, fail);
  });

  function resizeFigures() {
    if (!window.Plotly) { return; }
    queue.forEach(drawOne);
    document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
      window.Plotly.Plots.resize(graph);
    });
  }
  window.addEventListener("beforeprint", resizeFigures);
  window.addEventListener("afterprint", resizeFigures);
})();
