/* The app on the phone (issue 17): start the service worker (/sw.js). Browsers without one,
   or without JS, lose nothing: every page works from the server as before. */
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js").catch(function () {});
}
