// callsvc console: the little the pages need beyond htmx. No inline
// script anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";

  // Epoch milliseconds, precise, from the page's own clock.
  function nowMS() { return performance.timeOrigin + performance.now(); }

  // Sign-in link: /console/signin#token=SECRET fills the form and sends
  // it; the fragment never reaches a server or a log, and is cleared.
  function signinFromLink() {
    var form = document.getElementById("signin");
    if (!form || location.hash.indexOf("#token=") !== 0) { return; }
    var secret = decodeURIComponent(location.hash.slice(7));
    history.replaceState(null, "", location.pathname + location.search);
    form.querySelector("#token").value = secret;
    form.submit();
  }

  // Counters that run in the browser, so the server pushes only changes:
  // m:ss since data-since (epoch ms).
  function fmt(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, r = s % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(r).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      el.textContent = fmt((now - Number(el.dataset.since)) / 1000);
    });
  }

  // Event → screen latency: each pushed fragment carries the time of the
  // event it shows (data-event-at, epoch ms); when it lands in the page we
  // note how long after the event that was. window.callsvcLatency keeps
  // the last 500 (read by the browser tests and the measurement).
  var seen = {};
  window.callsvcLatency = [];
  function noteLatency(el) {
    var at = Number(el.dataset.eventAt);
    if (!at) { return; }
    var slot = el.closest("[id]") ? el.closest("[id]").id : "page";
    // Only news counts: a fragment no newer than what the slot showed
    // (a stream replaying after a reconnect) is not a new event.
    if (seen[slot] !== undefined && at <= seen[slot]) { return; }
    seen[slot] = at;
    var lat = nowMS() - at;
    window.callsvcLatency.push({ slot: slot, ms: lat, at: at, state: el.dataset.state || "" });
    if (window.callsvcLatency.length > 500) { window.callsvcLatency.shift(); }
    document.documentElement.dataset.lastLatency = Math.round(lat);
  }
  function watch() {
    document.querySelectorAll("[data-event-at]").forEach(function (el) {
      var slot = el.closest("[id]") ? el.closest("[id]").id : "page";
      seen[slot] = Number(el.dataset.eventAt);
    });
    new MutationObserver(function (records) {
      var fresh = false;
      records.forEach(function (r) {
        r.addedNodes.forEach(function (n) {
          // Only elements: the counters' own text changes must not
          // wake this observer again.
          if (n.nodeType !== 1) { return; }
          fresh = true;
          if (n.dataset && n.dataset.eventAt) { noteLatency(n); }
          n.querySelectorAll("[data-event-at]").forEach(noteLatency);
        });
      });
      if (fresh) { tick(); }
    }).observe(document.body, { childList: true, subtree: true });
  }

  // A note form empties after the note went through.
  document.addEventListener("htmx:afterRequest", function (e) {
    var f = e.detail.elt;
    if (f && f.classList && f.classList.contains("note-form") && e.detail.successful) { f.reset(); }
  });

  // Charts (reports): data-chart holds {kind, labels, values, unit, max}.
  function charts() {
    if (typeof uPlot === "undefined") { return; }
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var d = JSON.parse(el.dataset.chart);
      var xs = d.labels.map(function (_, i) { return i; });
      var css = getComputedStyle(document.documentElement);
      var accent = css.getPropertyValue("--accent").trim() || "#1f6feb";
      var ink = css.getPropertyValue("--ink-2").trim() || "#555";
      var grid = css.getPropertyValue("--line").trim() || "#ddd";
      var bars = d.kind === "bars";
      var top = d.max || Math.max(1, Math.max.apply(null, d.values.concat([0])));
      var opts = {
        width: Math.max(280, el.clientWidth), height: 220,
        legend: { show: false }, cursor: { show: true, points: { show: !bars } },
        scales: { x: { time: false, range: [-0.6, xs.length - 0.4] }, y: { range: [0, d.unit ? top : Math.ceil(top * 1.15)] } },
        axes: [
          { stroke: ink, grid: { show: false }, ticks: { stroke: grid }, values: function (u, v) { return v.map(function (i) { return d.labels[i] === undefined ? "" : d.labels[i]; }); }, splits: function () { return xs; } },
          { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, incrs: d.unit ? undefined : [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000], values: function (u, v) { return v.map(function (x) { return x + (d.unit || ""); }); } }
        ],
        series: [{}, {
          stroke: accent, width: bars ? 0 : 2, fill: bars ? accent : accent + "22",
          points: { show: !bars, size: 6, fill: accent },
          paths: bars && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 48] }) : undefined
        }]
      };
      el.textContent = "";
      new uPlot(opts, [xs, d.values], el);
      el.classList.add("drawn");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    signinFromLink();
    watch();
    tick();
    setInterval(tick, 1000);
    charts();
  });
})();
