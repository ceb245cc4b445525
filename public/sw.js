// Rinnalla's service worker: keeps the last loaded agenda (Today, This week) readable when a
// guide's phone loses its connection on a rural road. Network first: the saved copy is used
// only when the network fails, only if it is younger than 12 hours (the longest a session
// lives), and signing out removes it (the sign-out answer carries Clear-Site-Data). Nothing
// else is kept: other pages hold more personal data and are never stored.
const CACHE = "rinnalla-agenda-v1";
const AGENDA = ["/today", "/week"];
const MAX_AGE_MS = 12 * 60 * 60 * 1000;
const SAVED_AT = "x-rinnalla-saved-at";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const agenda = request.mode === "navigate" && AGENDA.includes(url.pathname);
  // The agenda's stylesheet, so the saved page is readable (its name carries a content hash).
  const style = request.destination === "style" && url.pathname.startsWith("/pkg/");
  if (agenda || style) event.respondWith(networkFirst(request, url.pathname + url.search));
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    // A redirect (to sign-in) or an error page is not an agenda worth keeping.
    if (response.ok && !response.redirected) {
      const headers = new Headers(response.headers);
      headers.set(SAVED_AT, String(Date.now()));
      await cache.put(key, new Response(await response.clone().blob(), { status: 200, headers }));
    }
    return response;
  } catch (offline) {
    const saved = await cache.match(key);
    if (saved && Date.now() - Number(saved.headers.get(SAVED_AT)) < MAX_AGE_MS) return saved;
    throw offline;
  }
}
