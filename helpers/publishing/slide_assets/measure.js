// What a back row sees on the slide shown now (helpers.publishing.slides.measure_deck): the smallest text size
// of the slide's prose and of its figures, its words of prose, every piece of text (or figure) that lies under
// the footer or off the screen, and the point labels that overlap one another.
() => {
  const slide = document.querySelector(".slide:not([hidden])");
  const footer = document.querySelector(".deck-footer").getBoundingClientRect();
  const width = window.innerWidth, height = window.innerHeight;
  const body = [], figure = [], outside = [];
  const check = (rect, what, box) => {
    if (rect.width === 0 || rect.height === 0) { return; }
    const inside = box ? { top: box.top, left: box.left, right: box.right, bottom: box.bottom }
      : { top: 0, left: 0, right: width, bottom: height };
    if (rect.bottom > Math.min(footer.top, inside.bottom) + 0.5 || rect.top < inside.top - 0.5
        || rect.left < inside.left - 0.5 || rect.right > inside.right + 0.5) {
      outside.push(`${what.slice(0, 60)} [${Math.round(rect.left)},${Math.round(rect.top)},`
                   + `${Math.round(rect.right)},${Math.round(rect.bottom)}]`);
    }
  };
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || element.closest("svg, .modebar")) { continue; }
    const range = document.createRange();
    range.selectNodeContents(node);
    Array.prototype.forEach.call(range.getClientRects(), (rect) => check(rect, node.textContent.trim()));
    if (!element.closest("h1, h2")) { body.push(parseFloat(getComputedStyle(element).fontSize)); }
  }
  slide.querySelectorAll("svg text").forEach((text) => {
    const style = getComputedStyle(text), rect = text.getBoundingClientRect();
    if (!text.textContent.trim() || rect.width === 0 || style.visibility === "hidden" || style.display === "none"
        || Number(style.opacity) === 0) { return; }
    figure.push(parseFloat(style.fontSize));
    check(rect, "figure text: " + text.textContent.trim(), text.closest(".slide-figure").getBoundingClientRect());
  });
  slide.querySelectorAll(".slide-figure").forEach((div) => check(div.getBoundingClientRect(), "figure " + div.id));
  // Point labels (scatter text) that overlap one another, a title or a tick label by more than a pixel each way.
  const labels = Array.prototype.filter.call(slide.querySelectorAll("svg g.textpoint text"), (text) => {
    const rect = text.getBoundingClientRect();
    return text.textContent.trim() && rect.width > 0 && getComputedStyle(text).visibility !== "hidden";
  }).map((text) => ({ text: text.textContent.trim(), rect: text.getBoundingClientRect() }));
  const others = Array.prototype.filter.call(slide.querySelectorAll(
    "svg g.annotation-text-g text, svg g.xtick text, svg g.ytick text, svg text.gtitle"),
  (text) => text.textContent.trim() && text.getBoundingClientRect().width > 0)
    .map((text) => ({ text: text.textContent.trim(), rect: text.getBoundingClientRect() }));
  const overlaps = [];
  labels.forEach((a, i) => labels.slice(i + 1).concat(others).forEach((b) => {
    if (Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left) > 1
        && Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top) > 1) {
      overlaps.push(`${a.text} / ${b.text}`);
    }
  }));
  const clone = slide.cloneNode(true);
  clone.querySelectorAll("h1, h2, .slide-figure").forEach((e) => e.remove());
  const words = clone.textContent.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
  return { slide: Number(document.documentElement.dataset.slide), words: words, outside: outside,
           body_min: body.length ? Math.min(...body) : null, figure_min: figure.length ? Math.min(...figure) : null,
           figure_texts: figure.length, labels: labels.length, label_overlaps: overlaps,
           scrolls_sideways: document.documentElement.scrollWidth > width };
}
