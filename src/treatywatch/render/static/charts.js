// Draw each chart whose Vega-Lite spec the page carries in a <script type="application/json">.
// The dashboard's Content-Security-Policy allows no eval and no inline style (web/security.py):
// ast: true runs Vega's expression interpreter instead of compiling expressions with
// new Function, and the stylesheets vega-embed and its tooltip would insert are turned off
// (the rules they need are in the page's own stylesheet, render/pages.py).
(function () {
  var OPTIONS = {
    actions: false,
    renderer: "svg",
    ast: true,
    defaultStyle: false,
    tooltip: {disableDefaultStyle: true}
  };
  function draw() {
    document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (el) {
      var target = el.getAttribute("data-chart");
      vegaEmbed("#" + target, JSON.parse(el.textContent), OPTIONS)
        .then(function (r) {
          window.twViews = window.twViews || {};
          window.twViews[target] = r.view;
          var box = document.getElementById(target);
          // The box is the image (role="img", named, described by the figcaption): Vega's
          // SVG inside it would be read again, mark by mark, so it is hidden from assistive
          // technology.
          box.querySelectorAll("svg").forEach(function (svg) { svg.setAttribute("aria-hidden", "true"); });
          box.setAttribute("data-rendered", "true");
        })
        .catch(function (e) { console.error(target, e); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
  // The report: open the appendix a #doc-… link points into.
  document.querySelectorAll("details.appendix").forEach(function (d) {
    if (location.hash && location.hash.indexOf(d.id) === 1) { d.open = true; }
  });
})();
