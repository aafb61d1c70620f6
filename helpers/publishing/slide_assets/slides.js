(function () {
  var root = document.documentElement;
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var figures = JSON.parse(document.getElementById("deck-figures").textContent);
  var drawn = {};
  var current = 0;
  // The figures' fonts are set for a 1280x720 slide (helpers.publishing.slides.slide_layout); a bigger screen
  // scales them with the text around them.
  function scaled(value, factor) {
    if (Array.isArray(value)) {
      return value.length && typeof value[0] === "object" ? value.map(function (v) { return scaled(v, factor); }) : value;
    }
    if (!value || typeof value !== "object") { return value; }
    var out = {};
    Object.keys(value).forEach(function (key) {
      var v = scaled(value[key], factor);
      if (/font$/.test(key) && v && typeof v.size === "number") { v.size = Math.round(v.size * factor); }
      if (key === "margin" && v) {
        ["t", "b", "l", "r"].forEach(function (side) {
          if (typeof v[side] === "number") { v[side] = Math.round(v[side] * factor); }
        });
      }
      if (key === "uniformtext" && v && typeof v.minsize === "number") { v.minsize = Math.round(v.minsize * factor); }
      out[key] = v;
    });
    return out;
  }
  function draw(div) {
    if (!window.Plotly || !figures[div.id]) { return Promise.resolve(); }
    if (drawn[div.id]) { Plotly.Plots.resize(div); return drawn[div.id]; }
    var f = figures[div.id];
    var factor = Math.max(1, Math.min(window.innerWidth / 1280, window.innerHeight / 720));
    drawn[div.id] = Plotly.newPlot(div, scaled(f.data, factor), scaled(f.layout, factor), f.config);
    return drawn[div.id];
  }
  function show(n) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, i) { s.hidden = i !== current; });
    document.getElementById("deck-counter").textContent = (current + 1) + " / " + slides.length;
    if (location.hash !== "#" + (current + 1)) { history.replaceState(null, "", "#" + (current + 1)); }
    root.dataset.slide = String(current + 1);
    root.dataset.ready = "false";
    var divs = Array.prototype.slice.call(slides[current].querySelectorAll(".slide-figure"));
    Promise.all(divs.map(draw)).then(function () { root.dataset.ready = "true"; },
      function (error) { console.error("a figure failed to draw:", error); root.dataset.ready = "error"; });
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || (e.target.closest && e.target.closest("input, select, textarea"))) { return; }
    var next = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 }[e.key];
    if (next) { show(current + next); e.preventDefault(); }
    else if (e.key === "Home") { show(0); e.preventDefault(); }
    else if (e.key === "End") { show(slides.length - 1); e.preventDefault(); }
  });
  document.getElementById("deck-previous").addEventListener("click", function () { show(current - 1); });
  document.getElementById("deck-next").addEventListener("click", function () { show(current + 1); });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".slide-figure"), function (div) { draw(div); });
  });
  document.addEventListener("DOMContentLoaded", function () {
    var start = parseInt(location.hash.slice(1), 10);
    show(isNaN(start) ? 0 : start - 1);
  });
})();
