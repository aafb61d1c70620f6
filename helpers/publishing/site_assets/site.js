// Page script of the course site, loaded in the page's <head>.
//
// Each figure is a <div> plus an inline script `sitePlot(id, function () { return Plotly.newPlot(id, figure); })`
// that queues its drawing. plotly.js (named by <link rel="preload" data-plotly> in the head, so the browser fetches
// and compiles it while the page is parsed) is loaded only once the page is parsed: parsing and starting plotly
// takes about half a second, and a reader can read and scroll a page whose first screen has no figure before it
// has finished. When the page is parsed (DOMContentLoaded) and its first screen has no figure, the page records
// the time in <html data-interactive-ms> (performance.now(), ms since navigation start) at once; otherwise when
// the figures on or near the first screen have drawn. The other figures are drawn one per task in page order (a
// figure that scrolls into view is drawn right away), so the page stays responsive; when all have drawn, the page
// records <html data-all-drawn-ms> and sets <html data-ready="true"> ("error" if a figure or plotly failed).
// Printing draws any figure still queued, then fits every figure to the printed width.
//
// Also: the colour theme (light or dark, from the reader's choice in localStorage or the system's preference; set
// before the page is drawn, and applied to every figure with Plotly.relayout), the "Lessons" and "On this page"
// buttons of narrow screens, copy buttons on code, keyboard access to blocks that scroll sideways, figures adapted
// to phones (legend under the plot, long titles and subplot titles wrapped), and the search box (its index,
// assets/search-index.js, is a script added on first use, so search works from file:// with no server).
"use strict";
(function () {
  var root = document.documentElement;
  var THEME_KEY = "course-site-theme";
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function storedTheme() {
    try { return window.localStorage.getItem(THEME_KEY); } catch (error) { return null; }
  }
  function currentTheme() {
    var stored = storedTheme();
    if (stored === "dark" || stored === "light") { return stored; }
    return darkQuery && darkQuery.matches ? "dark" : "light";
  }
  root.dataset.theme = currentTheme();
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
      item.promise = Promise.resolve(item.draw()).then(function (gd) { return window.siteAdaptFigure(gd); });
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

  // plotly.js, added to the page once; resolves when it has run (at once if the page has no figure).
  var plotlyLoaded = null;
  function loadPlotly() {
    if (plotlyLoaded) { return plotlyLoaded; }
    plotlyLoaded = new Promise(function (resolve, reject) {
      if (window.Plotly || !queue.length) { resolve(); return; }
      var link = document.querySelector("link[data-plotly]");
      if (!link) { reject(new Error("the page names no plotly.min.js (<link data-plotly>)")); return; }
      var script = document.createElement("script");
      script.src = link.getAttribute("href");
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error(script.src + " did not load")); };
      document.head.appendChild(script);
    });
    return plotlyLoaded;
  }
  window.siteLoadPlotly = loadPlotly;

  document.addEventListener("DOMContentLoaded", function () {
    var first = queue.filter(nearFirstScreen);
    if (!first.length) { root.dataset.interactiveMs = performance.now().toFixed(1); }
    // A task later, so the browser paints the parsed page before plotly starts.
    setTimeout(function () {
      loadPlotly().then(function () {
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
        return Promise.all(first.map(drawOne));
      }).then(function () {
        if (first.length) { root.dataset.interactiveMs = performance.now().toFixed(1); }
        // window.siteDrawAhead = false (set by a test before the page loads) leaves each figure to be drawn when
        // it scrolls into view, so that path is tested on its own.
        if (window.siteDrawAhead !== false) { setTimeout(drawRest, 0); }
      }, fail);
    }, 0);
  });

  function resizeFigures() {
    if (!window.Plotly) { return; }
    queue.forEach(drawOne);
    document.querySelectorAll(".js-plotly-plot").forEach(function (graph) {
      window.Plotly.Plots.resize(graph);
    });
  }
  // Paper is white: print in the light theme, then go back to the reader's.
  var printedFrom = null;
  function themeAll() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) { window.siteThemeFigure(gd); });
  }
  window.addEventListener("beforeprint", function () {
    printedFrom = root.dataset.theme;
    root.dataset.theme = "light";
    resizeFigures();
    themeAll();
  });
  window.addEventListener("afterprint", function () {
    if (printedFrom) { root.dataset.theme = printedFrom; }
    resizeFigures();
    themeAll();
  });
})();

// ---- figures: colour theme and phones -------------------------------------------------------------------------
(function () {
  var root = document.documentElement;
  var DARK = { paper: "#0d1117", plot: "#161b22", text: "#e6edf3", grid: "#30363d", line: "#6e7681",
               button: "#21262d", active: "#388bfd" };

  function lookup(object, path) {
    return path.split(".").reduce(function (value, key) {
      if (value === undefined || value === null) { return undefined; }
      var m = key.match(/^(\w+)\[(\d+)\]$/);
      return m ? (value[m[1]] || [])[Number(m[2])] : value[key];
    }, object);
  }

  // The layout attributes the dark theme sets, for the axes, menus and sliders this figure has.
  function darkUpdate(gd) {
    var full = gd._fullLayout || {};
    var update = { "paper_bgcolor": DARK.paper, "plot_bgcolor": DARK.plot, "font.color": DARK.text,
                   "title.font.color": DARK.text, "legend.font.color": DARK.text, "legend.bgcolor": "rgba(0,0,0,0)",
                   "modebar.bgcolor": "rgba(0,0,0,0)", "modebar.color": DARK.line, "modebar.activecolor": DARK.text,
                   "hoverlabel.bgcolor": DARK.button, "hoverlabel.font.color": DARK.text };
    Object.keys(full).forEach(function (key) {
      if (!/^[xy]axis\d*$/.test(key)) { return; }
      update[key + ".gridcolor"] = DARK.grid;
      update[key + ".zerolinecolor"] = DARK.line;
      update[key + ".linecolor"] = DARK.line;
      update[key + ".tickfont.color"] = DARK.text;
      update[key + ".title.font.color"] = DARK.text;
    });
    (full.updatemenus || []).forEach(function (menu, k) {
      update["updatemenus[" + k + "].bgcolor"] = DARK.button;
      update["updatemenus[" + k + "].bordercolor"] = DARK.line;
      update["updatemenus[" + k + "].font.color"] = DARK.text;
      update["updatemenus[" + k + "].activecolor"] = DARK.active;
    });
    (full.sliders || []).forEach(function (slider, k) {
      update["sliders[" + k + "].bgcolor"] = DARK.button;
      update["sliders[" + k + "].bordercolor"] = DARK.line;
      update["sliders[" + k + "].font.color"] = DARK.text;
      update["sliders[" + k + "].activebgcolor"] = DARK.active;
      update["sliders[" + k + "].currentvalue.font.color"] = DARK.text;
    });
    (full.annotations || []).forEach(function (note, k) {
      var own = lookup(gd.layout, "annotations[" + k + "].font.color");
      if (own === undefined || own === null) { update["annotations[" + k + "].font.color"] = DARK.text; }
    });
    return update;
  }

  // Apply the page's theme to one drawn figure; the figure's own values are kept to restore the light theme.
  window.siteThemeFigure = function (gd) {
    if (!window.Plotly || !gd || !gd._fullLayout) { return Promise.resolve(gd); }
    var dark = root.dataset.theme === "dark";
    if (dark && !gd._siteLight) {
      var update = darkUpdate(gd);
      gd._siteLight = {};
      Object.keys(update).forEach(function (key) {
        var own = lookup(gd.layout, key);
        gd._siteLight[key] = own === undefined ? null : own;
      });
      return window.Plotly.relayout(gd, update);
    }
    if (!dark && gd._siteLight) {
      var light = gd._siteLight;
      gd._siteLight = null;
      return window.Plotly.relayout(gd, light);
    }
    return Promise.resolve(gd);
  };

  // Split a title into lines of at most `width` characters (plotly titles do not wrap by themselves); its own
  // line breaks stay. Null if it already fits.
  function wrapTitle(text, width) {
    if (!text) { return null; }
    var lines = [];
    text.split(/<br\s*\/?>/i).forEach(function (own) {
      var line = "";
      own.split(" ").forEach(function (word) {
        if (line && (line + " " + word).replace(/<[^>]+>/g, "").length > width) {
          lines.push(line);
          line = word;
        } else {
          line = line ? line + " " + word : word;
        }
      });
      lines.push(line);
    });
    var wrapped = lines.join("<br>");
    return wrapped.replace(/<br\s*\/?>/gi, "<br>") === text.replace(/<br\s*\/?>/gi, "<br>") ? null : wrapped;
  }

  // On a phone: the legend under the plot (below the x axis' tick labels and title, the figure made taller for
  // it), long titles wrapped (with room made for them above the plot).
  function phoneUpdate(gd) {
    var full = gd._fullLayout || {};
    var update = {};
    var entries = (gd.data || []).filter(function (trace) { return trace.showlegend !== false; }).length;
    if (full.showlegend && entries > 1 && full._size) {
      var plotBottom = gd.querySelector(".main-svg").getBoundingClientRect().top + full._size.t + full._size.h;
      var lowest = plotBottom;
      // x ticks, every x axis' title and a slider under the plot
      gd.querySelectorAll(".xtick, .infolayer text, .slider-container").forEach(function (el) {
        var axisTitle = /^x\d*title$/.test(el.getAttribute("class") || "");
        if (axisTitle || el.classList.contains("xtick") || el.classList.contains("slider-container")) {
          lowest = Math.max(lowest, el.getBoundingClientRect().bottom);
        }
      });
      update["legend.orientation"] = "h";
      update["legend.x"] = 0;
      update["legend.xanchor"] = "left";
      update["legend.y"] = -(lowest - plotBottom + 10) / full._size.h;
      update["legend.yanchor"] = "top";
      // Room below the plot for ticks, axis title and the legend's rows (about 22 px each).
      var below = Math.ceil(lowest - plotBottom) + 20 + entries * 22;
      update["margin.b"] = below;
      update["height"] = full.height + Math.max(0, below - full._size.b);
    }
    // Subplot titles (annotations centred over an x axis' domain) wrap to their subplot's width; the top row's
    // extra lines get room above the plot.
    var extraAbove = 0;
    var domains = Object.keys(full).filter(function (key) { return /^xaxis\d*$/.test(key); })
      .map(function (key) { return full[key].domain || [0, 1]; });
    (gd.layout.annotations || []).forEach(function (note, k) {
      var placed = note.xref === "paper" && note.yref === "paper" && note.yanchor === "bottom";
      if (typeof note.text !== "string" || !placed) { return; }
      var domain = domains.find(function (d) { return Math.abs((d[0] + d[1]) / 2 - note.x) < 0.01; });
      if (!domain || !full._size) { return; }
      var noteSize = (note.font && note.font.size) || (full.font && full.font.size) || 12;
      var room = (domain[1] - domain[0]) * full._size.w;
      var longest = Math.max.apply(null, note.text.split(/<br\s*\/?>/i).map(function (line) {
        return line.replace(/<[^>]+>/g, "").length;
      }));
      var oneLineSize = Math.floor(room / (longest * 0.55));
      if (oneLineSize >= noteSize) { return; }
      if (oneLineSize >= 11) {  // a slightly smaller font keeps the title on one line, clear of the row above
        update["annotations[" + k + "].font.size"] = oneLineSize;
        return;
      }
      var wrappedNote = wrapTitle(note.text, Math.max(8, Math.floor(room / (noteSize * 0.55))));
      if (!wrappedNote) { return; }
      update["annotations[" + k + "].text"] = wrappedNote;
      if (note.y >= 0.99) {
        var added = wrappedNote.split("<br>").length - note.text.split(/<br\s*\/?>/i).length;
        extraAbove = Math.max(extraAbove, Math.round(added * noteSize * 1.3));
      }
    });
    if (extraAbove) {  // buttons above the plot move up by as much, clear of the taller titles
      (full.updatemenus || []).forEach(function (menu, k) {
        if (menu.yref !== "container" && menu.y >= 1) {
          update["updatemenus[" + k + "].y"] = menu.y + extraAbove / full._size.h;
        }
      });
      update["margin.t"] = ((full.margin && full.margin.t) || 0) + extraAbove;
      update["height"] = (update["height"] || full.height) + extraAbove;
    }
    if (gd.classList.contains("wide-figure")) {  // buttons start at the left, in view before any scrolling
      (full.updatemenus || []).forEach(function (menu, k) {
        if (menu.visible !== false) {
          update["updatemenus[" + k + "].x"] = full._size ? -(full._size.l - 4) / full._size.w : 0;  // the figure's edge
          update["updatemenus[" + k + "].xanchor"] = "left";
        }
      });
    }
    var title = lookup(gd.layout, "title.text");
    var size = (full.title && full.title.font && full.title.font.size) || 17;
    var visible = Math.min(gd.clientWidth, (gd.parentElement || gd).clientWidth);  // a wide figure scrolls
    var wrapped = wrapTitle(typeof title === "string" ? title : "", Math.max(18, Math.floor(visible / (size * 0.55))));
    if (wrapped) {  // the new lines get their own room: the plot (and any buttons above it) move down
      var extra = Math.round((wrapped.split("<br>").length - title.split(/<br\s*\/?>/i).length) * size * 1.3);
      update["title.text"] = wrapped;
      update["title.y"] = 1;
      update["title.yref"] = "container";
      update["title.yanchor"] = "top";
      update["title.pad.t"] = Math.round(size) + 4;  // plotly places a multi-line title about a line too high
      update["margin.t"] = (update["margin.t"] || (full.margin && full.margin.t) || 0) + extra;
      update["height"] = (update["height"] || full.height) + extra;
    }
    return update;
  }

  // Subplots side by side: the number of columns (distinct starts of the x axes' domains).
  function subplotColumns(full) {
    var starts = {};
    Object.keys(full).forEach(function (key) {
      if (/^xaxis\d*$/.test(key) && full[key].domain) { starts[full[key].domain[0].toFixed(2)] = true; }
    });
    return Math.max(1, Object.keys(starts).length);
  }

  // On a phone, a figure with subplots side by side keeps MIN_COLUMN_PX per column (and MIN_WIDE_PX in all): it scrolls sideways inside
  // its output box (reachable by keyboard) rather than squeezing its panels until their labels collide.
  var MIN_COLUMN_PX = 170;
  var MIN_WIDE_PX = 560;
  function widenForColumns(gd) {
    var columns = subplotColumns(gd._fullLayout);
    var wanted = Math.max(MIN_WIDE_PX, columns * MIN_COLUMN_PX + 60);
    if (columns < 2 || gd.clientWidth >= wanted) { return Promise.resolve(gd); }
    gd.style.minWidth = wanted + "px";
    gd.classList.add("wide-figure");
    if (window.siteMarkScrollable) { window.siteMarkScrollable(); }
    return window.Plotly.Plots.resize(gd);
  }

  window.siteAdaptFigure = function (gd) {
    if (!window.Plotly || !gd || !gd._fullLayout) { return Promise.resolve(gd); }
    var phone = window.innerWidth <= 640;
    var adapt = phone && !gd._sitePhone;
    gd._sitePhone = gd._sitePhone || phone;
    var widened = adapt ? widenForColumns(gd) : Promise.resolve(gd);
    return widened.then(function () {
      var update = adapt ? phoneUpdate(gd) : {};
      return Object.keys(update).length ? window.Plotly.relayout(gd, update) : gd;
    }).then(function () { return window.siteThemeFigure(gd); }).then(function () { return gd; });
  };
})();

// ---- page furniture: theme button, fold buttons, copy buttons, scrollable blocks, search -----------------------
document.addEventListener("DOMContentLoaded", function () {
  var root = document.documentElement;

  // Theme button: remembered in localStorage; restyles the drawn figures.
  var themeButton = document.querySelector(".theme-button");
  function showTheme() {
    if (themeButton) { themeButton.setAttribute("aria-pressed", String(root.dataset.theme === "dark")); }
  }
  function setTheme(theme) {
    root.dataset.theme = theme;
    showTheme();
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) { window.siteThemeFigure(gd); });
  }
  showTheme();
  if (themeButton) {
    themeButton.addEventListener("click", function () {
      var theme = root.dataset.theme === "dark" ? "light" : "dark";
      try { window.localStorage.setItem("course-site-theme", theme); } catch (error) { /* private mode */ }
      setTheme(theme);
    });
  }
  if (window.matchMedia) {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function (event) {
      var stored = null;
      try { stored = window.localStorage.getItem("course-site-theme"); } catch (error) { /* private mode */ }
      if (!stored) { setTheme(event.matches ? "dark" : "light"); }
    });
  }

  // "Lessons" and "On this page" on narrow screens: a button that folds its list open and shut.
  [[".menu-button", ".site-nav"], [".toc-button", ".page-toc"]].forEach(function (pair) {
    var button = document.querySelector(pair[0]);
    var panel = document.querySelector(pair[1]);
    if (!button || !panel) { return; }
    button.addEventListener("click", function () {
      var open = !panel.classList.contains("expanded");
      panel.classList.toggle("expanded", open);
      button.setAttribute("aria-expanded", String(open));
    });
  });

  // Copy buttons on code cells.
  document.querySelectorAll(".input_area").forEach(function (area) {
    var pre = area.querySelector("pre");
    if (!pre) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    button.addEventListener("click", function () {
      var text = pre.textContent.replace(/\n$/, "");
      var done = function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text) && done(); });
      } else if (fallbackCopy(text)) {
        done();
      }
    });
    area.appendChild(button);
  });
  function fallbackCopy(text) {
    var box = document.createElement("textarea");
    box.value = text;
    box.setAttribute("readonly", "");
    box.style.position = "fixed";
    box.style.opacity = "0";
    document.body.appendChild(box);
    box.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    box.remove();
    return ok;
  }

  // Blocks that scroll sideways can be reached and scrolled with the keyboard.
  function markScrollable() {
    document.querySelectorAll("main pre, main .output_html, main table").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        if (el.tagName !== "TABLE") {
          el.setAttribute("role", "region");
          var kind = el.closest(".input_area") ? "Code" : el.querySelector(".plotly-figure") ? "Figure" : "Output";
          el.setAttribute("aria-label", kind + " (scrolls sideways)");
        }
      }
    });
  }
  markScrollable();
  window.siteMarkScrollable = markScrollable;  // again when a figure is widened on a phone
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(markScrollable, 200);
  });

  // Search: the index is loaded on first use; every word of the query must match a section's heading or text.
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!box || !list) { return; }
  var form = box.form;
  function loadIndex() {
    if (window.SITE_SEARCH || document.getElementById("search-index")) { return; }
    var script = document.createElement("script");
    script.id = "search-index";
    script.src = "assets/search-index.js";
    script.onload = function () { if (box.value) { show(); } };
    script.onerror = function () { status.textContent = "The search index did not load."; };
    document.head.appendChild(script);
  }
  function snippet(text, term) {
    var at = text.toLowerCase().indexOf(term);
    if (at < 0) { return [text.slice(0, 140), "", ""]; }
    var start = Math.max(0, at - 60);
    return [(start ? "…" : "") + text.slice(start, at), text.slice(at, at + term.length),
            text.slice(at + term.length, at + term.length + 80) + "…"];
  }
  function show() {
    var query = box.value.trim().toLowerCase();
    list.textContent = "";
    if (!query) { list.hidden = true; status.textContent = ""; return; }
    if (!window.SITE_SEARCH) { loadIndex(); return; }
    var terms = query.split(/\s+/).filter(Boolean);
    var hits = [];
    window.SITE_SEARCH.forEach(function (entry) {
      var title = entry.title.toLowerCase();
      var text = entry.text.toLowerCase();
      var score = 0;
      for (var k = 0; k < terms.length; k++) {
        var inTitle = title.indexOf(terms[k]) !== -1;
        if (!inTitle && text.indexOf(terms[k]) === -1) { return; }
        score += inTitle ? 10 : 1;
      }
      hits.push({ entry: entry, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    hits.slice(0, 12).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = hit.entry.url;
      link.textContent = hit.entry.title;
      var page = document.createElement("span");
      page.className = "result-page";
      page.textContent = hit.entry.page;
      var text = document.createElement("span");
      text.className = "result-text";
      var parts = snippet(hit.entry.text, terms[0]);
      var mark = document.createElement("mark");
      mark.textContent = parts[1];
      text.append(parts[0], mark, parts[2]);
      item.append(link, page, text);
      list.appendChild(item);
    });
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = "Nothing matches \u201c" + box.value.trim() + "\u201d.";
      list.appendChild(none);
    }
    list.hidden = false;
    status.textContent = hits.length + (hits.length === 1 ? " result" : " results");
  }
  box.addEventListener("focus", loadIndex);
  box.addEventListener("input", show);
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { box.value = ""; show(); }
    if (event.key === "ArrowDown") {
      var first = list.querySelector("a");
      if (first) { event.preventDefault(); first.focus(); }
    }
  });
  list.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { list.hidden = true; box.focus(); }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) { window.location.href = first.href; }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) { list.hidden = true; }
  });
});
