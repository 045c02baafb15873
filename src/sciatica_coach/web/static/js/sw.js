// The service worker (served at /sw.js with CACHE and PRECACHE written in above this line by the server).
// - install: precache the static files (not the camera's large vendor files), /learn, /exercises, each exercise
//   page and the offline page;
// - pages: network first, the cached copy when there is no network, else the offline page. Only the content
//   pages and the player are kept (they hold nothing personal); other pages are never stored;
// - /static/: cache first; POSTs, /api/ and everything else go to the network untouched.
// - activate: every older cache of ours is deleted.
// - the sign-in page (where signing out lands): the kept player pages, and the sessions the player kept in IndexedDB
//   for a reload offline, are deleted, so the next person on a shared device does not find them (the content pages
//   are the same for everyone and stay; saves not yet sent stay too, to go out with the next sign-in).
const KEPT_PAGES = [/^\/learn$/, /^\/exercises(\/[\w-]+)?$/, /^\/session\/[\w-]+$/, /^\/offline$/];

async function precache() {
  const cache = await caches.open(CACHE);
  await Promise.all(
    PRECACHE.map(async (url) => {
      const response = await fetch(url, { cache: "reload", credentials: "same-origin" });
      // A page that sent us to sign in is not the page: it is left for a visit after signing in.
      if (response.ok && !response.redirected) await cache.put(url, response);
    }),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("sc-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, keep) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (keep && response.ok && !response.redirected) await cache.put(request, response.clone());
    return response;
  } catch (offline) {
    return (await cache.match(request, { ignoreSearch: true })) || (await cache.match("/offline")) || Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const found = await cache.match(request);
  if (found) return found;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

// The player's kept sessions (js/player/outbox.js's "states" store), emptied; nothing when it was never made.
function forgetKeptStates() {
  return new Promise((resolve) => {
    const open = indexedDB.open("sc-outbox");
    open.onerror = () => resolve();
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("states")) return resolve(db.close());
      const clearing = db.transaction("states", "readwrite");
      clearing.objectStore("states").clear();
      clearing.oncomplete = clearing.onerror = () => resolve(db.close());
    };
  });
}

async function forgetSessions() {
  const cache = await caches.open(CACHE);
  const kept = await cache.keys();
  await Promise.all(kept.filter((r) => new URL(r.url).pathname.startsWith("/session/")).map((r) => cache.delete(r)));
  await forgetKeptStates();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/signin") event.waitUntil(forgetSessions());
  if (url.pathname.startsWith("/static/vendor/")) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, KEPT_PAGES.some((p) => p.test(url.pathname))));
  }
});
