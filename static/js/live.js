/* Live refresh and upload progress. Without this file the 'Ververs' link and plain forms work. */
(function () {
  "use strict";
  var poller = null;
  var pending = null; /* news that waits for the focus to leave its region */
  var toggle = false;

  function announce() {
    var status = document.querySelector("[data-poll-status]");
    if (!status || !poller) return;
    /* a different text each time (a no-break space more or less), so it is read again */
    toggle = !toggle;
    status.textContent = poller.link.getAttribute("data-updated") + (toggle ? "\u00a0" : "");
  }

  /* A request the timer sent (not a click on the link). */
  function isPollRequest(config) {
    return !!(poller && config && config.elt === poller.link && config.triggeringEvent &&
              config.triggeringEvent.type === "poll");
  }

  function updated(target) {
    if (window.htmx) htmx.process(target);
    target.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
  }

  /* The counterpart of `old` among the children of `parent` in the new content: the same id, else
     an unchanged element of the same tag, else the one in the same place when the count is equal. */
  function counterpart(old, parent) {
    var kids = Array.prototype.filter.call(parent.children, function (c) { return c.tagName === old.tagName; });
    if (old.id) return kids.filter(function (c) { return c.id === old.id; })[0] || null;
    var same = kids.filter(function (c) { return c.outerHTML === old.outerHTML; })[0];
    if (same) return same;
    var olds = Array.prototype.filter.call(old.parentNode.children, function (c) { return c.tagName === old.tagName; });
    return olds.length === kids.length ? kids[olds.indexOf(old)] : null;
  }

  /* On each level from the region down to the focused element, the siblings are replaced and the
     element on the way is kept (its attributes updated). A container that is empty in the new
     content is filled by script (the read-aloud buttons): it is kept as it is. */
  function mergeAround(target, html, focused) {
    var fresh = document.createElement(target.tagName);
    fresh.innerHTML = html;
    var path = [], matches = [], parent = fresh, i;
    for (var n = focused; n !== target; n = n.parentNode) path.unshift(n);
    for (i = 0; i < path.length; i++) {
      var match = counterpart(path[i], parent);
      if (!match) return false;
      matches.push(match);
      if (!match.firstChild) break;
      parent = match;
    }
    var holder = target;
    matches.forEach(function (match, j) {
      var keep = path[j], before = true;
      Array.prototype.slice.call(holder.childNodes).forEach(function (c) { if (c !== keep) holder.removeChild(c); });
      Array.prototype.slice.call(match.parentNode.childNodes).forEach(function (c) {
        if (c === match) { before = false; return; }
        if (before) holder.insertBefore(c, keep); else holder.appendChild(c);
      });
      Array.prototype.slice.call(match.attributes).forEach(function (a) {
        if (keep.getAttribute(a.name) !== a.value) keep.setAttribute(a.name, a.value);
      });
      holder = keep;
    });
    return true;
  }

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
    if (evt.detail.xhr && evt.detail.xhr.status === 304) { evt.detail.shouldSwap = false; return; }
    if (pending && pending.target === evt.detail.target) pending = null; /* newer news replaces it */
    if (!isPollRequest(evt.detail.requestConfig)) return;
    /* A background update never moves the focus nor replaces the element that has it (WCAG 2.4.3):
       with the focus inside, the news goes in around the focused element, or waits until the
       focus has left. */
    var target = evt.detail.target, focused = document.activeElement;
    if (!focused || focused === target || !target.contains(focused)) return;
    evt.detail.shouldSwap = false;
    if (mergeAround(target, evt.detail.serverResponse, focused)) { updated(target); }
    else { pending = { target: target, html: evt.detail.serverResponse }; }
  });
  document.addEventListener("focusin", function (evt) {
    if (!pending || pending.target.contains(evt.target)) return;
    var target = pending.target;
    target.innerHTML = pending.html;
    pending = null;
    updated(target);
    announce();
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    if (isPollRequest(evt.detail.requestConfig) && evt.detail.xhr.status === 200 && !pending) {
      announce(); /* once per change, politely: the focus stays where it was */
    }
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    if (!isPoll(evt)) return;
    var xhr = evt.detail.xhr;
    if (xhr.status === 200) {
      var tag = (xhr.getResponseHeader("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
      poller.etag = tag.split(":")[0] || poller.etag;
    }
    if ((xhr.status === 200 || xhr.status === 304) && !document.hidden) {
      /* visible: every `base` seconds, so a change shows within that time (a 304 is tiny) */
      poller.delay = poller.base;
    } else {
      /* hidden, or a failure: ask less often, up to the maximum */
      poller.delay = Math.min(poller.delay * 2, poller.max);
    }
    schedule();
  });
  document.addEventListener("visibilitychange", function () {
    if (!poller) return;
    clearTimeout(poller.timer);
    if (document.hidden) {
      /* hidden: back off from twice the interval up to the maximum */
      poller.delay = Math.min(poller.base * 2, poller.max);
      schedule();
      return;
    }
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
