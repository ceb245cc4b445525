// Lets the agenda be read offline once loaded (see sw.js). Without JavaScript nothing changes.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
