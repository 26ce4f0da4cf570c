/* Mục lục offline: the service worker (version and file list filled in by the export).
 * On install it caches every file of the site, so after one visit over HTTP the catalogue
 * searches with no network; answers come from the cache first. A new export (another
 * version) replaces the old cache of the same site.
 */
const VERSION = '__VERSION__';
const FILES = __FILES__;
const PREFIX = 'mucluc-offline:' + self.registration.scope + ':';
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  if (event.request.method !== 'GET') return;
  // The folder itself ("…/van/") is its index.html, whatever the server does with folders.
  const url = new URL(event.request.url);
  const request = url.pathname.endsWith('/') ? url.origin + url.pathname + 'index.html'
    : event.request;
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(request, { ignoreSearch: true }))
    .then((hit) => hit || fetch(event.request)));
});
