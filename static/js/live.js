/* Live refresh and upload progress. Without this file the 'Ververs' link and plain forms work. */
(function () {
  "use strict";
  var poller = null;

  function startPolling() {
    var link = document.querySelector("[data-poll]");
    if (!link || !window.htmx) return;
    var base = (parseInt(link.getAttribute("data-poll"), 10) || 30) * 1000;
    var max = (parseInt(link.getAttribute("data-poll-max"), 10) || 300) * 1000;
    poller = { link: link, etag: link.getAttribute("data-etag"), base: base, max: max,
               delay: base, timer: null };
    schedule();
  }

  function schedule() {
    if (!poller) return;
    clearTimeout(poller.timer);
    if (document.hidden) return; /* no polling in a hidden tab */
    poller.timer = setTimeout(function () { htmx.trigger(poller.link, "poll"); }, poller.delay);
  }

  function isPoll(evt) { return poller && evt.detail && evt.detail.elt === poller.link; }

  document.addEventListener("htmx:configRequest", function (evt) {
    if (!isPoll(evt)) return;
    evt.detail.headers["X-Poll"] = "1"; /* a poll is not activity: the session may still end */
    if (poller.etag) evt.detail.headers["If-None-Match"] = '"' + poller.etag + '"';
  });
  document.addEventListener("htmx:beforeSwap", function (evt) {
    /* a 304 has no body: keep what is on the page (detail.elt is the target here, not the link) */
    if (evt.detail.xhr && evt.detail.xhr.status === 304) evt.detail.shouldSwap = false;
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    if (!isPoll(evt)) return;
    var xhr = evt.detail.xhr;
    if (xhr.status === 200) {
      var tag = (xhr.getResponseHeader("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
      poller.etag = tag.split(":")[0] || poller.etag;
      poller.delay = poller.base;
    } else {
      /* unchanged (304) or a failure: ask less often, up to the maximum */
      poller.delay = Math.min(poller.delay * 2, poller.max);
    }
    schedule();
  });
  document.addEventListener("visibilitychange", function () {
    if (!poller) return;
    clearTimeout(poller.timer);
    if (document.hidden) return;
    poller.delay = poller.base;
    htmx.trigger(poller.link, "poll"); /* back in view: catch up at once */
  });

  /* Upload progress: htmx reports xhr progress on the form; show it in its <progress>. */
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target.closest ? evt.target.closest("form") : null;
    var bar = form && form.querySelector("progress");
    if (!bar || !evt.detail.total) return;
    bar.hidden = false;
    bar.value = Math.round((evt.detail.loaded / evt.detail.total) * 100);
  });

  document.addEventListener("DOMContentLoaded", startPolling);
})();
