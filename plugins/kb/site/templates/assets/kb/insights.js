/* kb insights: README "Insights" says what this sends and when. */
(() => {
  var n = navigator, d = document, L = location, c = d.getElementById("kb-insights-config");
  if (!c || n.globalPrivacyControl || n.doNotTrack == 1 || n.webdriver) return;
  c = JSON.parse(c.textContent);
  function send(t, o) {
    var e = JSON.stringify(Object.assign({ v: 1, type: t, page: L.pathname, lang: c.lang }, o));
    n.sendBeacon && n.sendBeacon(c.endpoint, e) || fetch(c.endpoint, { method: "POST",
      body: e, keepalive: true, mode: "no-cors" }).catch(Object);
  }
  var r = d.referrer && new URL(d.referrer);
  send("view", { referrer: r && r.origin == L.origin ? r.pathname : null });

  var b = d.querySelector(".kb-search"), q, sent, timer;
  function settle() {
    clearTimeout(timer);
    if (q && q != sent) send("search", sent = q);
  }
  if (b) {
    b.addEventListener("kb-search", (e) => {
      clearTimeout(timer);
      q = e.detail;
      timer = setTimeout(settle, 1500);
    });
    b.addEventListener("submit", settle);
    b.addEventListener("focusout", settle);
    b.addEventListener("click", (e) => {
      var a = e.target.closest(".md-search-result__item a");
      if (!a || !q) return;
      settle();
      send("click", { query: q.query, target: new URL(a.href).pathname,
        rank: [].indexOf.call(b.querySelectorAll(".md-search-result__item"), a.closest("li")) + 1 });
    });
  }

  var w = d.querySelector(".kb-feedback"), f, A, no;
  if (!w) return;
  f = w.querySelector("form");
  function $(s) { return w.querySelector(s) || {}; }
  A = $(".kb-feedback__answers");
  function vote(v) {
    no = 0;
    send("vote", v);
    A.hidden = f.hidden = true;
    $(".kb-feedback__thanks").hidden = false;
    $(".kb-feedback__contact").hidden = v.helpful;
  }
  w.hidden = false;
  $(".kb-feedback__yes").onclick = () => vote({ helpful: true });
  $(".kb-feedback__no").onclick = () => { no = A.hidden = true; f.hidden = false; };
  f.onsubmit = (e) => {
    e.preventDefault();
    vote({ helpful: false, reason: f.reason.value || undefined,
      comment: f.comment.value.trim() || undefined });
  };
  addEventListener("pagehide", () => no && vote({ helpful: false }));
})();
