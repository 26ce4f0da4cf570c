/* Mục lục offline: search, facets and requests in the reader's browser, with no server.
 *
 * Data arrive as scripts calling MuclucOffline.catalogue/records/index (Chrome runs
 * <script src> under file:// but refuses fetch() there). Ranking follows analyzers/query.py:
 * every folded (i/y-merged) syllable must match (a quarter may be missing past three), exact
 * diacritics and phrases score above folded matches, Telex/VNI decodings are lower-weighted
 * alternatives, and a whole title or author equal to the query ranks first.
 */
(function () {
  'use strict';
  const V = globalThis.MuclucVi;
  const WEIGHTS = [4, 3, 2, 1.5]; // title, authors, subtitle+series, subjects+publisher
  const DECODED_FIELDS = 0b0111; // decodings search the three heaviest fields, as the API does
  const ALL_EXACT = 4, PHRASE = 2, FOLDED_PHRASE = 1, EQUAL = 8, DECODED = 0.2;
  const MAX_WORDS = 40, PAGE = 20, RERANK = 60, PREFIX_KEYS = 64;
  const STORE_KEY = 'mucluc.offline.requests.v1';
  const LANG_KEY = 'mucluc.offline.lang';

  const TEXT = {
    vi: {
      skip: 'Đến ô tìm kiếm', switch: 'English', searchForm: 'Tìm trong mục lục',
      label: 'Tìm sách (tên sách, tác giả, chủ đề)', go: 'Tìm',
      hint: 'Gõ có dấu hay không dấu đều được: "dien bien phu", "Điện Biên Phủ", "nguyeenx du".',
      libraries: 'Thư viện', results: 'Kết quả', more: 'Xem thêm',
      requests: 'Sách đề nghị mang đến lần sau',
      requestsNote: 'Lưu ngay trên máy này, kể cả khi đóng trang.',
      requester: 'Người đề nghị (tên, lớp, trường)', csv: 'Tải danh sách (CSV)',
      clear: 'Xoá danh sách', found: (n, q) => `${n} cuốn sách cho «${q}»`,
      none: (q) => `Không tìm thấy sách nào cho «${q}»`, heldAt: 'Có tại',
      callNumber: 'Ký hiệu xếp giá', copies: (n) => `${n} bản`, recordId: 'Số biểu ghi',
      subjects: 'Chủ đề', request: 'Đề nghị mang đến', remove: 'Bỏ đề nghị',
      noRequests: 'Chưa có sách nào được đề nghị.',
      cleared: 'Đã xoá danh sách đề nghị.', confirmClear: 'Xoá toàn bộ danh sách đề nghị?',
      about: (n, d) => `${n} cuốn sách, xuất ngày ${d}. Tìm kiếm ngay trên máy, không cần mạng.`,
      notSaved: 'Không lưu được trên máy này (bộ nhớ đầy hoặc bị tắt).',
      loading: 'Đang tải…', filterBy: (l, n) => `${l} (${n})`,
    },
    en: {
      skip: 'Skip to search', switch: 'Tiếng Việt', searchForm: 'Search the catalogue',
      label: 'Search books (title, author, subject)', go: 'Search',
      hint: 'With or without diacritics: "dien bien phu", "Điện Biên Phủ", "nguyeenx du".',
      libraries: 'Libraries', results: 'Results', more: 'Show more',
      requests: 'Books requested for the next visit',
      requestsNote: 'Kept on this device at once, even if the page is closed.',
      requester: 'Requested by (name, class, school)', csv: 'Download the list (CSV)',
      clear: 'Clear the list',
      found: (n, q) => `${n} ${n === 1 ? 'book' : 'books'} for “${q}”`,
      none: (q) => `No books found for “${q}”`, heldAt: 'Held at',
      callNumber: 'Call number', copies: (n) => (n === 1 ? '1 copy' : `${n} copies`),
      recordId: 'Record no.', subjects: 'Subjects', request: 'Request this book',
      remove: 'Remove request', noRequests: 'No books requested yet.',
      cleared: 'The request list was cleared.', confirmClear: 'Clear the whole request list?',
      about: (n, d) => `${n} books, exported on ${d}. Searches on this device, no network needed.`,
      notSaved: 'Could not save on this device (storage full or switched off).',
      loading: 'Loading…', filterBy: (l, n) => `${l} (${n})`,
    },
  };

  const $ = (id) => document.getElementById(id);
  const state = {
    catalogue: null, records: new Map(), shards: new Map(), loading: new Map(),
    decoded: new Map(), lang: 'vi', result: null, shown: 0, chosen: new Set(), generation: 0,
  };

  // ---------- data loading ----------
  function load(src) {
    if (!state.loading.has(src)) {
      state.loading.set(src, new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = src;
        script.onload = () => resolve();
        script.onerror = () => { state.loading.delete(src); reject(new Error('cannot load ' + src)); };
        document.head.appendChild(script);
      }));
    }
    return state.loading.get(src);
  }

  function shardOf(key) {
    const head = key.slice(0, 2);
    return /^[a-z0-9]{1,2}$/.test(head) ? head : '_';
  }

  async function loadShards(keys) {
    const wanted = new Set(keys.map(shardOf));
    await Promise.all([...wanted].filter((s) => state.catalogue.shards.includes(s))
      .map((s) => load(`ix-${s}.js`)));
  }

  async function loadRecords(numbers) {
    const per = state.catalogue.perShard;
    const wanted = new Set(numbers.map((n) => Math.floor(n / per)));
    await Promise.all([...wanted].map((s) => load(`rec-${String(s).padStart(4, '0')}.js`)));
  }

  function postings(kind, key, shardKey) {
    const shard = state.shards.get(shardOf(shardKey === undefined ? key : shardKey));
    if (!shard) return null;
    const cacheKey = kind + key;
    if (state.decoded.has(cacheKey)) return state.decoded.get(cacheKey);
    let deltas = shard[kind][key];
    if (deltas === undefined) return null;
    if (deltas === 1) return postings('k', V.variantSyllable(V.fold(key)));
    const codes = new Int32Array(deltas.length);
    let at = 0;
    for (let i = 0; i < deltas.length; i++) { at += deltas[i]; codes[i] = at; }
    state.decoded.set(cacheKey, codes);
    return codes;
  }

  // ---------- search ----------
  function maxWeight(mask) {
    for (let f = 0; f < WEIGHTS.length; f++) if (mask & (1 << f)) return WEIGHTS[f];
    return 0;
  }

  // Field bits per book of one syllable, in a byte per book (a province has 250 k books: typed
  // arrays, not Maps). `touched` lists the books set, so nothing scans all of them.
  function masks(lists, allowed, total) {
    const bits = new Uint8Array(total);
    const touched = [];
    for (const codes of lists) {
      if (!codes) continue;
      for (let i = 0; i < codes.length; i++) {
        const bit = 1 << (codes[i] & 3);
        if (!(bit & allowed)) continue;
        const rec = codes[i] >> 2;
        if (bits[rec] === 0) touched.push(rec);
        bits[rec] |= bit;
      }
    }
    return { bits, touched };
  }

  function prefixKeys(prefix) {
    const shard = state.shards.get(shardOf(prefix));
    if (!shard || prefix.length < 2) return [prefix];
    const keys = Object.keys(shard.k).filter((k) => k.startsWith(prefix));
    keys.sort((a, b) => shard.k[b].length - shard.k[a].length);
    return [prefix, ...keys.slice(0, PREFIX_KEYS)];
  }

  async function alternative(text, boost, allowed, prefix, scores, matched) {
    const folded = V.foldedTokens(text).map(V.variantSyllable);
    const exact = V.tokens(text);
    const n = folded.length;
    if (!n) return;
    const paired = exact.length === n;
    await loadShards([...folded, ...(paired ? exact.map((e) => V.variantSyllable(V.fold(e))) : [])]);
    const total = state.catalogue.books;
    const required = n <= 3 ? n : n - Math.floor(n * 0.25);
    const counts = new Uint8Array(total);
    const candidates = [];
    const perToken = [];
    for (let i = 0; i < n; i++) {
      const keys = prefix && i === n - 1 ? prefixKeys(folded[i]) : [folded[i]];
      const found = masks(keys.map((k) => postings('k', k)), allowed, total);
      const exactFound = paired
        ? masks([postings('x', exact[i], V.variantSyllable(V.fold(exact[i])))], allowed, total)
        : null;
      const df = found.touched.length;
      perToken.push({ found: found.bits, exactFound: exactFound && exactFound.bits,
        idf: Math.log(1 + (total - df + 0.5) / (df + 0.5)) });
      for (const rec of found.touched) if (counts[rec]++ === 0) candidates.push(rec);
    }
    for (const rec of candidates) {
      if (counts[rec] < required) continue;
      let score = 0;
      let allExact = allowed;
      for (const { found, exactFound, idf } of perToken) {
        const mask = found[rec];
        const emask = exactFound ? exactFound[rec] : 0;
        if (mask) score += idf * maxWeight(mask);
        for (let f = 0; f < WEIGHTS.length; f++) if (emask & (1 << f)) score += idf * WEIGHTS[f];
        allExact &= emask;
      }
      for (let f = 0; f < WEIGHTS.length; f++) if (allExact & (1 << f)) score += ALL_EXACT * WEIGHTS[f];
      matched.add(rec);
      scores[rec] += score * boost;
    }
  }

  function contains(hay, needle) {
    outer: for (let i = 0; i + needle.length <= hay.length; i++) {
      for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
      return true;
    }
    return false;
  }

  function same(a, b) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  const valueTokens = new Map();
  function tokenised(value) {
    let found = valueTokens.get(value);
    if (found === undefined) {
      if (valueTokens.size > 50000) valueTokens.clear();
      found = [V.tokens(value), V.foldedTokens(value)];
      valueTokens.set(value, found);
    }
    return found;
  }

  // Phrases and whole-value equality need the text itself: scored on the best candidates only.
  function bonus(rec, alternatives) {
    const r = state.records.get(rec);
    if (!r) return 0;
    const fields = [[r[1]], r[4], [r[2]]];
    let score = 0;
    for (const [text, boost] of alternatives) {
      const exact = V.tokens(text);
      const folded = V.foldedTokens(text);
      if (!exact.length) continue;
      fields.forEach((values, f) => {
        let best = 0;
        for (const value of values) {
          if (!value) continue;
          const [ve, vf] = tokenised(value);
          let s = 0;
          if (contains(ve, exact)) s += PHRASE * WEIGHTS[f];
          if (contains(vf, folded)) s += FOLDED_PHRASE * WEIGHTS[f];
          if (same(ve, exact)) s += EQUAL * WEIGHTS[f];
          else if (same(vf, folded)) s += (EQUAL / 4) * WEIGHTS[f];
          best = Math.max(best, s);
        }
        score += best * boost;
      });
    }
    return score;
  }

  async function search(query, typing) {
    const text = V.words(V.normalise(query)).slice(0, MAX_WORDS).join(' ');
    if (!text) return null;
    const alternatives = [[text, 1, 0b1111]];
    const seen = new Set([text.toLowerCase()]);
    for (const decoded of [V.decodeTelex(text), V.decodeVni(text)]) {
      if (decoded && !seen.has(decoded.toLowerCase())) {
        seen.add(decoded.toLowerCase());
        alternatives.push([decoded, DECODED, DECODED_FIELDS]);
      }
    }
    const scores = new Float64Array(state.catalogue.books);
    const matched = new Set();
    for (const [alt, boost, allowed] of alternatives) {
      await alternative(alt, boost, allowed, typing && boost === 1, scores, matched);
    }
    const order = (a, b) => scores[b] - scores[a] || a - b;
    const ranked = [...matched];
    const head = top(ranked, scores, RERANK);
    await loadRecords(head);
    for (const rec of head) scores[rec] += bonus(rec, alternatives);
    head.sort(order);
    const inHead = new Set(head);
    const rest = ranked.filter((rec) => !inHead.has(rec));
    return { query: query.trim(), ranked: head.concat(rest), sorted: head.length, scores, order };
  }

  // The `count` best books, without sorting all of a common word's candidates.
  function top(ranked, scores, count) {
    if (ranked.length > 4 * count) {
      const values = Float64Array.from(ranked, (rec) => scores[rec]).sort();
      const floor = values[values.length - count];
      ranked = ranked.filter((rec) => scores[rec] >= floor);
    }
    return ranked.sort((a, b) => scores[b] - scores[a] || a - b).slice(0, count);
  }

  // Pages past the re-scored head are ordered when first shown.
  function ensureSorted(result, upTo) {
    if (result.sorted >= Math.min(upTo, result.ranked.length)) return;
    const tail = result.ranked.slice(result.sorted).sort(result.order);
    result.ranked = result.ranked.slice(0, result.sorted).concat(tail);
    result.sorted = result.ranked.length;
  }

  // ---------- facets and results ----------
  function heldBy(rec) {
    const held = state.catalogue.heldBy[rec];
    return typeof held === 'number' ? [held] : held;
  }

  function filtered() {
    const { ranked } = state.result;
    if (!state.chosen.size) return ranked;
    return ranked.filter((rec) => heldBy(rec).some((l) => state.chosen.has(l)));
  }

  function t(key, ...args) {
    const value = TEXT[state.lang][key];
    return typeof value === 'function' ? value(...args) : value;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function renderFacets() {
    const list = $('facet-list');
    list.replaceChildren();
    const counts = new Map();
    for (const rec of state.result.ranked) {
      for (const l of heldBy(rec)) counts.set(l, (counts.get(l) || 0) + 1);
    }
    const libs = state.catalogue.libraries;
    const order = [...counts].sort((a, b) => b[1] - a[1] || libs[a[0]][1].localeCompare(libs[b[0]][1], 'vi'));
    for (const [l, count] of order) {
      const box = el('input', { type: 'checkbox', id: `lib-${l}`, value: libs[l][0] });
      box.checked = state.chosen.has(l);
      box.addEventListener('change', () => {
        if (box.checked) state.chosen.add(l); else state.chosen.delete(l);
        renderResults(true);
      });
      list.append(el('li', {}, el('label', { for: `lib-${l}` }, box, t('filterBy', libs[l][1], count))));
    }
    $('facets').hidden = order.length === 0;
  }

  function requests() {
    try {
      return JSON.parse(localStorage.getItem(STORE_KEY) || '[]');
    } catch (e) {
      return [];
    }
  }

  function saveRequests(list) {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(list));
    } catch (e) { // storage full or switched off: say so, never pretend it was kept
      $('status').textContent = t('notSaved');
      return false;
    }
    renderRequests();
    return true;
  }

  function book(rec, requested) {
    const r = state.records.get(rec);
    const libs = state.catalogue.libraries;
    const [id, title, subtitle, part, authors, year, publisher, subjects, , holdings] = r;
    const full = [title, subtitle].filter(Boolean).join(' : ') + (part ? ` ${part}` : '');
    const item = el('li', { class: 'book', 'data-id': id, 'data-rec': String(rec) });
    item.append(el('h3', { text: full }));
    const meta = [authors.join('; '), [publisher, year].filter(Boolean).join(', ')].filter(Boolean);
    if (meta.length) item.append(el('p', { class: 'meta', text: meta.join(' · ') }));
    if (subjects.length) item.append(el('p', { class: 'subjects', text: `${t('subjects')}: ${subjects.join('; ')}` }));
    const list = el('ul', { class: 'holdings', 'aria-label': `${t('heldAt')}: ${full}` });
    for (const [l, recordId, callNumber, copies] of holdings) {
      const parts = [callNumber && `${t('callNumber')} ${callNumber}`, t('copies', copies),
        recordId && `${t('recordId')} ${recordId}`].filter(Boolean);
      list.append(el('li', { 'data-library': libs[l][0] }, el('strong', { text: libs[l][1] }),
        document.createTextNode(' — ' + parts.join(' · '))));
    }
    item.append(el('p', { class: 'held', text: t('heldAt') + ':' }), list);
    const asked = requested.has(id);
    // A toggle keeps its name; the state is aria-pressed (and a check mark drawn by CSS).
    const button = el('button', { type: 'button', class: 'request secondary', 'aria-pressed': String(asked) },
      t('request'), el('span', { class: 'visually-hidden', text: `: ${full}` }));
    button.addEventListener('click', () => toggleRequest(rec, button));
    item.append(button);
    return item;
  }

  async function renderResults(reset) {
    const generation = state.generation;
    if (reset) state.shown = 0;
    ensureSorted(state.result, state.chosen.size ? Infinity : state.shown + PAGE);
    const list = filtered();
    const next = list.slice(state.shown, state.shown + PAGE);
    await loadRecords(next);
    if (generation !== state.generation) return;
    if (reset) $('results').replaceChildren();
    const requested = new Set(requests().map((q) => q.id));
    for (const rec of next) $('results').append(book(rec, requested));
    state.shown += next.length;
    $('more').hidden = state.shown >= list.length;
    const q = state.result.query;
    $('status').textContent = list.length ? t('found', list.length, q) : t('none', q);
  }

  async function run(query, typing) {
    const generation = ++state.generation;
    const started = performance.now();
    if (!query.trim()) {
      state.result = null;
      $('results').replaceChildren();
      $('status').textContent = '';
      $('facets').hidden = true;
      $('more').hidden = true;
      return;
    }
    const result = await search(query, typing);
    if (generation !== state.generation || !result) return;
    state.result = result;
    renderFacets();
    await renderResults(true);
    if (generation !== state.generation) return;
    document.dispatchEvent(new CustomEvent('mucluc-offline-results', {
      detail: { query, typing, total: filtered().length, ms: performance.now() - started },
    }));
  }

  // ---------- requests ----------
  function toggleRequest(rec, button) {
    const r = state.records.get(rec);
    const list = requests();
    const at = list.findIndex((q) => q.id === r[0]);
    if (at >= 0) {
      list.splice(at, 1);
    } else {
      const libs = state.catalogue.libraries;
      list.push({
        id: r[0], title: [r[1], r[2]].filter(Boolean).join(' : ') + (r[3] ? ` ${r[3]}` : ''),
        authors: r[4].join('; '), year: r[5] == null ? '' : String(r[5]),
        held: r[9].map(([l, , callNumber]) => `${libs[l][1]}${callNumber ? ' ' + callNumber : ''}`).join('; '),
        requester: $('requester').value.trim(), at: new Date().toISOString(),
      });
    }
    if (saveRequests(list)) button.setAttribute('aria-pressed', String(at < 0));
  }

  function renderRequests() {
    const list = requests();
    const ul = $('request-list');
    ul.replaceChildren();
    if (!list.length) ul.append(el('li', { text: t('noRequests') }));
    for (const q of list) {
      const remove = el('button', { type: 'button', class: 'secondary' }, t('remove'),
        el('span', { class: 'visually-hidden', text: `: ${q.title}` }));
      remove.addEventListener('click', () => {
        saveRequests(requests().filter((x) => x.id !== q.id));
        const shown = document.querySelector(`.book[data-id="${CSS.escape(q.id)}"] .request`);
        if (shown) shown.setAttribute('aria-pressed', 'false');
      });
      const who = q.requester ? ` — ${q.requester}` : '';
      ul.append(el('li', { 'data-id': q.id }, document.createTextNode(`${q.title}${who}`), remove));
    }
    $('export-csv').disabled = !list.length;
    $('clear-requests').disabled = !list.length;
  }

  function csvCell(value) {
    const text = String(value == null ? '' : value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function exportCsv() {
    const head = ['requested_at', 'book_id', 'title', 'authors', 'year', 'held_at', 'requester'];
    const rows = requests().map((q) => [q.at, q.id, q.title, q.authors, q.year, q.held, q.requester]);
    const text = '\ufeff' + [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const link = el('a', { href: url, download: `de-nghi-${new Date().toISOString().slice(0, 10)}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---------- language ----------
  function applyLanguage(lang) {
    state.lang = lang;
    document.documentElement.lang = lang;
    for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
    for (const node of document.querySelectorAll('[data-t-label]')) {
      node.setAttribute('aria-label', t(node.dataset.tLabel));
    }
    $('lang').setAttribute('lang', lang === 'vi' ? 'en' : 'vi');
    const c = state.catalogue;
    $('about').textContent = t('about', c.books, c.built);
    renderRequests();
    if (state.result) { renderFacets(); renderResults(true); }
  }

  // ---------- start ----------
  function start() {
    const params = new URLSearchParams(location.search);
    let lang = params.get('lang') || localStorage.getItem(LANG_KEY) || 'vi';
    if (!TEXT[lang]) lang = 'vi';
    applyLanguage(lang);
    $('lang').addEventListener('click', () => {
      const next = state.lang === 'vi' ? 'en' : 'vi';
      localStorage.setItem(LANG_KEY, next);
      applyLanguage(next);
    });
    $('search').addEventListener('submit', (e) => { e.preventDefault(); run($('q').value, false); });
    $('q').addEventListener('input', () => {
      const value = $('q').value;
      run(value, !/\s$/.test(value));
    });
    $('more').addEventListener('click', () => renderResults(false));
    $('export-csv').addEventListener('click', exportCsv);
    $('clear-requests').addEventListener('click', () => {
      if (window.confirm(t('confirmClear'))) {
        saveRequests([]);
        for (const b of document.querySelectorAll('.request')) b.setAttribute('aria-pressed', 'false');
        $('status').textContent = t('cleared');
      }
    });
    window.addEventListener('storage', (e) => { if (e.key === STORE_KEY) renderRequests(); });
    if (params.get('q')) { $('q').value = params.get('q'); run(params.get('q'), false); }
    if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
      navigator.serviceWorker.register('sw.js').catch(() => {});
    }
  }

  globalThis.MuclucOffline = {
    catalogue(c) { state.catalogue = c; start(); },
    records(number, rows) {
      const first = number * state.catalogue.perShard;
      rows.forEach((row, i) => state.records.set(first + i, row));
    },
    index(shard, content) { state.shards.set(shard, content); },
    search,
  };
})();
