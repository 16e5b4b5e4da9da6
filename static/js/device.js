/* Push notices on this device (issue 17), on /account. Needs JS, a service worker and the Push
   API: without them the paragraph that says so stays, and the buttons stay hidden. */
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) return;
  var none = box.querySelector("[data-push-none]");
  var state = box.querySelector("[data-push-state]");
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var token = (document.querySelector("input[name=csrf_token]") || {}).value || "";
  function key(b64) {
    var raw = atob(b64.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body)
    }).then(function (r) { if (!r.ok) throw new Error(String(r.status)); });
  }
  function show(subscribed, message) {
    none.hidden = true;
    on.hidden = subscribed;
    off.hidden = !subscribed;
    if (message) { state.hidden = false; state.textContent = message; }
  }
  navigator.serviceWorker.ready.then(function (reg) {
    reg.pushManager.getSubscription().then(function (sub) { show(!!sub); });
    on.addEventListener("click", function () {
      reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.getAttribute("data-key")) })
        .then(function (sub) { return post(box.getAttribute("data-on-url"), sub.toJSON()); })
        .then(function () { show(true, box.getAttribute("data-on-text")); off.focus(); },
              function () { show(false, box.getAttribute("data-fail-text")); });
    });
    off.addEventListener("click", function () {
      reg.pushManager.getSubscription().then(function (sub) {
        if (!sub) return null;
        return post(box.getAttribute("data-off-url"), { endpoint: sub.endpoint }).then(function () { return sub.unsubscribe(); });
      }).then(function () { show(false, box.getAttribute("data-off-text")); on.focus(); },
              function () { show(true, box.getAttribute("data-fail-text")); });
    });
  });
})();
