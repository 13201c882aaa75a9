/* Material fetches "sitemap.xml" next to every <link rel=alternate> to keep a reader on the same
 * page when switching language. kb's hreflang links are per page and the switcher already points
 * at the twin, so those probes would only 404 (or leave the site): skip them. Loaded before
 * Material's bundle, as a file so that the site runs under a strict Content-Security-Policy. */
(function () {
  "use strict";
  var probes = new Set();
  document.querySelectorAll("link[rel=alternate][hreflang]").forEach(function (link) {
    probes.add(new URL("sitemap.xml", link.href).href);
  });
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.kbSkip = probes.has(new URL(String(url), location.href).href);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!this.kbSkip) return send.apply(this, arguments);
  };
})();
