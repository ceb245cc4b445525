// Rinnalla's service worker: keeps the last loaded agenda (Today, This week) readable when a
// guide's phone loses its connection on a rural road. Network first: the saved copy is used
// only when the network fails, and only if it is younger than 12 hours (the longest a session
// lives). Nothing else is kept: other pages hold more personal data and are never stored.
//
// The copy follows the session. Every HTML page the server sends says whose it is (the
// x-rinnalla-person header: an opaque key per person, empty when nobody is signed in), and the
// worker looks at every page the browser loads:
// - it keeps one person's copy: a page naming someone else, or nobody, drops it;
// - an agenda that is redirected (to sign-in: the session has ended) drops it;
// - offline it serves only a copy saved for the person the last page named.
// It learns that a session ended only from an answer: a phone that loses its signal before
// loading any page after that still shows the copy, within its 12 hours. Signing out also
// removes the worker and its copy (the answer carries Clear-Site-Data).
const CACHE = "rinnalla-agenda-v2";
const AGENDA = ["/today", "/week"];
const MAX_AGE_MS = 12 * 60 * 60 * 1000;
const SAVED_AT = "x-rinnalla-saved-at";
const PERSON = "x-rinnalla-person";
// Whose copy the cache holds, kept in the cache itself (a worker's variables do not survive
// its being stopped between events).
const OWNER = "/.rinnalla-agenda-owner";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) =>
  event.waitUntil(
    (async () => {
      // Copies made by an earlier version of this worker name nobody: drop them.
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  ),
);

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    const agenda = AGENDA.includes(url.pathname);
    event.respondWith(navigation(request, agenda ? url.pathname + url.search : null));
  } else if (request.destination === "style" && url.pathname.startsWith("/pkg/")) {
    // The agenda's stylesheet, so the saved page is readable (its name carries a content hash
    // and holds nothing personal).
    event.respondWith(networkFirst(request, url.pathname));
  }
});

/** Whose page an answer is: a person's key, "" for nobody, null when it is no page at all. */
function personOf(response) {
  if (response.type === "opaqueredirect") return null;
  const type = response.headers.get("content-type") || "";
  if (!type.startsWith("text/html")) return null;
  return response.headers.get(PERSON) || "";
}

async function owner(cache) {
  const saved = await cache.match(OWNER);
  return saved ? saved.text() : "";
}

/** Drops the saved pages (not the stylesheet) and notes whose copy may be kept from now on. */
async function startCopyFor(cache, person) {
  for (const request of await cache.keys()) {
    if (!new URL(request.url).pathname.startsWith("/pkg/")) await cache.delete(request);
  }
  if (person) await cache.put(OWNER, new Response(person));
}

async function navigation(request, agendaKey) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const person = await owner(cache);
    const saved = agendaKey && person ? await cache.match(agendaKey) : undefined;
    const fresh = saved && Date.now() - Number(saved.headers.get(SAVED_AT)) < MAX_AGE_MS;
    if (fresh && saved.headers.get(PERSON) === person) return saved;
    throw offline;
  }
  const person = personOf(response);
  if (agendaKey && response.type === "opaqueredirect") {
    // The agenda is only ever redirected to sign-in: the session has ended.
    await startCopyFor(cache, "");
  } else if (person !== null && person !== (await owner(cache))) {
    await startCopyFor(cache, person);
  }
  // Only a good agenda page of the person it is kept for (an error page is not worth keeping).
  if (agendaKey && person && response.ok && response.status === 200) {
    const headers = new Headers(response.headers);
    headers.set(SAVED_AT, String(Date.now()));
    await cache.put(agendaKey, new Response(await response.clone().blob(), { status: 200, headers }));
  }
  return response;
}

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (offline) {
    const saved = await cache.match(key);
    if (saved) return saved;
    throw offline;
  }
}
