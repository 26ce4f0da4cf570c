/* Mục lục offline: the page — results, facets by library, requests kept on the device (and
 * their CSV), Vietnamese and English. The search itself is search.js.
 *
 * Search as you type fits a frame: the input handler only notes the query; the search and the
 * DOM update run in the next animation frame (keystrokes typed meanwhile are coalesced into one
 * search), so a keystroke's results are painted in the frame that computed them. The result
 * rows stay in the page and only their text is rewritten (the first page only; "more" adds
 * pages), facet counts and the status line only when they changed, so a keystroke lays out only
 * the rows on screen whose book changed.
 */
(function () {
  'use strict';
  const S = globalThis.MuclucSearch;
  const data = S.data;
  const PAGE = 20;
  const FIRST = 3; // books painted in a keystroke's own frame (a screenful, at 1280x720 too)
  const PAUSE = 400; // ms without a key after which a bounded typed search is done in full
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
    lang: 'vi', result: null, shown: 0, chosen: new Set(), generation: 0,
    slots: [], facetNodes: new Map(), requested: null, pending: null, frame: false,
    refine: 0,
  };

  // ---------- facets and results ----------
  const heldBy = S.heldBy;

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

  function facetNode(l) {
    let node = state.facetNodes.get(l);
    if (!node) {
      const libs = data.catalogue.libraries;
      const box = el('input', { type: 'checkbox', id: `lib-${l}`, value: libs[l][0] });
      box.addEventListener('change', () => {
        if (box.checked) state.chosen.add(l); else state.chosen.delete(l);
        renderResults(true);
      });
      const text = document.createTextNode('');
      node = el('li', {}, el('label', { for: `lib-${l}` }, box, text));
      node.mucluc = { box, text };
      state.facetNodes.set(l, node);
    }
    return node;
  }

  // Only what changed is written: a keystroke that keeps the same libraries and counts costs
  // no layout here.
  function renderFacets() {
    const list = $('facet-list');
    const counts = [];
    S.libraryCounts(state.result.ranked).forEach((count, l) => { if (count) counts.push([l, count]); });
    const libs = data.catalogue.libraries;
    const order = [...counts].sort((a, b) => b[1] - a[1] || libs[a[0]][1].localeCompare(libs[b[0]][1], 'vi'));
    place(list, order.map(([l, count]) => {
      const node = facetNode(l);
      const { box, text } = node.mucluc;
      if (box.checked !== state.chosen.has(l)) box.checked = state.chosen.has(l);
      const label = t('filterBy', libs[l][1], count);
      if (text.data !== label) text.data = label;
      return node;
    }));
    if ($('facets').hidden !== (order.length === 0)) $('facets').hidden = order.length === 0;
  }

  function requests() {
    try {
      return JSON.parse(localStorage.getItem(STORE_KEY) || '[]');
    } catch (e) {
      return [];
    }
  }

  // The ids requested, read from storage once per change (not once per keystroke).
  function requestedIds() {
    if (!state.requested) state.requested = new Set(requests().map((q) => q.id));
    return state.requested;
  }

  // Make `parent`'s children exactly `nodes`, moving or inserting only where they differ.
  function place(parent, nodes) {
    let at = parent.firstChild;
    for (const node of nodes) {
      if (node === at) { at = at.nextSibling; continue; }
      parent.insertBefore(node, at);
    }
    while (at) { const next = at.nextSibling; at.remove(); at = next; }
  }

  function saveRequests(list) {
    state.requested = null;
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(list));
    } catch (e) { // storage full or switched off: say so, never pretend it was kept
      $('status').textContent = t('notSaved');
      return false;
    }
    renderRequests();
    return true;
  }

  // A result row ("slot"): its elements are built once and stay in the list; a keystroke
  // writes the text of the book it now shows into them (Text nodes' data, changed attributes)
  // instead of building or moving rows. A new or moved row is a new layout (and, off screen,
  // Chromium's first visibility check of `content-visibility: auto`); text changed in a row
  // already in place is laid out again only if it is on screen.
  function slot(first) {
    const text = () => document.createTextNode('');
    const s = {
      rec: -1, lang: null, detailRec: -1, detailLang: null, detailStale: false, title: text(), meta: text(), subjects: text(), held: text(),
      request: text(), name: text(), lines: [],
    };
    s.metaLine = el('p', { class: 'meta' }, s.meta);
    s.subjectsLine = el('p', { class: 'subjects' }, s.subjects);
    s.holdings = el('ul', { class: 'holdings' });
    // A toggle keeps its name; the state is aria-pressed (and a check mark drawn by CSS).
    s.button = el('button', { type: 'button', class: 'request secondary', 'aria-pressed': 'false' },
      s.request, el('span', { class: 'visually-hidden' }, s.name));
    s.button.addEventListener('click', () => toggleRequest(s.rec, s.button));
    // The details (subjects, holdings, the request button) of a keystroke's first screenful are
    // written by the frame completing it: the keystroke's own frame lays out titles and authors.
    s.detail = el('div', { class: 'detail' }, s.subjectsLine, el('p', { class: 'held' }, s.held),
      s.holdings, s.button);
    s.item = el('li', { class: first ? 'book first' : 'book' }, el('h3', {}, s.title), s.metaLine,
      s.detail);
    return s;
  }

  function setText(node, value) {
    if (node.data !== value) node.data = value;
  }

  function setAttr(node, name, value) {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }

  function setHidden(node, hidden) {
    if (node.hidden !== hidden) node.hidden = hidden;
  }

  // The details of a row whose title is new but whose details are not written yet:
  // `content-visibility: hidden` (app.css) keeps their box and skips their content.
  function setDetailStale(s, stale) {
    if (s.detailStale !== stale) { s.detailStale = stale; s.detail.classList.toggle('stale', stale); }
  }

  function fullTitle(r) {
    const [, title, subtitle, part] = r;
    return [title, subtitle].filter(Boolean).join(' : ') + (part ? ` ${part}` : '');
  }

  // Slot `s` shows book `rec` (only what differs from the book it showed is written);
  // `headOnly`: its title and authors line only, its details left to the next frame.
  function show(s, rec, requested, headOnly = false) {
    const r = data.records.get(rec);
    const id = r[0];
    if (s.rec !== rec || s.lang !== state.lang) {
      s.rec = rec;
      s.lang = state.lang;
      const [, , , , authors, year, publisher] = r;
      setAttr(s.item, 'data-id', id);
      setAttr(s.item, 'data-rec', String(rec));
      setText(s.title, fullTitle(r));
      const meta = [authors.join('; '), [publisher, year].filter(Boolean).join(', ')].filter(Boolean);
      setText(s.meta, meta.join(' · '));
      setHidden(s.metaLine, !meta.length);
    }
    const current = s.detailRec === rec && s.detailLang === state.lang;
    if (headOnly) { setDetailStale(s, !current); return s.item; }
    if (!current) {
      s.detailRec = rec;
      s.detailLang = state.lang;
      const libs = data.catalogue.libraries;
      const [, , , , , , , subjects, , holdings] = r;
      const full = fullTitle(r);
      setText(s.subjects, subjects.length ? `${t('subjects')}: ${subjects.join('; ')}` : '');
      setHidden(s.subjectsLine, !subjects.length);
      setText(s.held, t('heldAt') + ':');
      setAttr(s.holdings, 'aria-label', `${t('heldAt')}: ${full}`);
      holdings.forEach(([l, recordId, callNumber, copies], i) => {
        let line = s.lines[i];
        if (!line) {
          line = { library: document.createTextNode(''), rest: document.createTextNode('') };
          line.item = el('li', {}, el('strong', {}, line.library), line.rest);
          s.lines.push(line);
        }
        const parts = [callNumber && `${t('callNumber')} ${callNumber}`, t('copies', copies),
          recordId && `${t('recordId')} ${recordId}`].filter(Boolean);
        setAttr(line.item, 'data-library', libs[l][0]);
        setText(line.library, libs[l][1]);
        setText(line.rest, ' — ' + parts.join(' · '));
      });
      place(s.holdings, s.lines.slice(0, holdings.length).map((line) => line.item));
      setText(s.request, t('request'));
      setText(s.name, `: ${full}`);
    }
    setDetailStale(s, false);
    setAttr(s.button, 'aria-pressed', String(requested.has(id)));
    return s.item;
  }

  // `count` books from the `state.shown`th (a page; the first screenful while typing). `more`:
  // whether the page is complete after these (false on a keystroke's first frame: the rest
  // follows in the next one, and until then the rows after these stay in the list as they
  // were: off screen, `content-visibility: auto` skips them, and hiding them for that frame
  // cost more style, layout and paint than it saved, measured in docs/offline.md).
  async function renderResults(reset, count = PAGE, more = true) {
    const generation = state.generation;
    if (reset) state.shown = 0;
    S.ensureSorted(state.result, state.chosen.size ? Infinity : state.shown + count);
    const list = filtered();
    const next = list.slice(state.shown, state.shown + count);
    await S.loadRecords(next);
    if (generation !== state.generation) return false;
    const requested = requestedIds();
    next.forEach((rec, i) => {
      const at = state.shown + i;
      if (!state.slots[at]) state.slots[at] = slot(at < FIRST);
      show(state.slots[at], rec, requested, !more);
    });
    state.shown += next.length;
    // (rows not in the list yet wait for the frame completing it: inserting one costs more)
    const kept = Math.min(list.length, $('results').childElementCount);
    const rows = more ? state.shown : Math.max(state.shown, kept);
    place($('results'), state.slots.slice(0, rows).map((s) => s.item));
    const done = state.shown >= list.length;
    if (more && $('more').hidden !== done) $('more').hidden = done;
    const q = state.result.query;
    const status = list.length ? t('found', list.length, q) : t('none', q);
    if ($('status').textContent !== status) $('status').textContent = status;
    return true;
  }

  // Typing: note the query; the next animation frame searches and renders it (see the top).
  // A page in the background gets no frames: there a task does.
  function schedule(query, typing) {
    state.pending = { query, typing };
    if (state.frame) return;
    state.frame = true;
    const go = (inFrame) => {
      state.frame = false;
      const job = state.pending;
      state.pending = null;
      if (job) run(job.query, job.typing, inFrame);
    };
    if (document.hidden) setTimeout(() => go(false), 0); else requestAnimationFrame(() => go(true));
  }

  // `inFrame`: called at the start of an animation frame. A typed search renders in two frames:
  // this one paints the answer's first screenful (FIRST books and the status line; the rows
  // after them, off screen, wait as they were); the next frame writes the rest of the page, the
  // facet counts and the "more" button, unless another key came first. Enter renders all at
  // once. Each step's event says whether it was rendered in the frame it started in
  // (nothing to load, so only microtasks ran in between) and whether it had to load index or
  // record files first: `mucluc-offline-results` when the first screenful (or, for Enter, the
  // whole page) is in the page, `mucluc-offline-complete` (`complete: true`) when all of it is.
  async function run(query, typing, inFrame) {
    const generation = ++state.generation;
    const started = performance.now();
    const loads = S.loads();
    const sameTask = inTask();
    const blank = !query.trim();
    if (blank || (typing && S.tooShort(query))) {
      clearTimeout(state.refine);
      answer(null);
      $('results').replaceChildren();
      $('status').textContent = '';
      $('facets').hidden = true;
      $('more').hidden = true;
      if (blank) return;
      // (a letter alone is not searched while typing: said, like any keystroke's answer)
      const detail = { query, typing, total: 0, complete: true };
      announce('mucluc-offline-results', {
        ...detail, ms: performance.now() - started, frame: Boolean(inFrame && sameTask()),
        loaded: false,
      });
      announce('mucluc-offline-complete', detail);
      return;
    }
    clearTimeout(state.refine);
    const result = await S.search(query, typing);
    if (generation !== state.generation || !result) { S.release(result); return; }
    answer(result);
    if (result.bounded) state.refine = setTimeout(() => refine(query, generation), PAUSE);
    const split = typing && inFrame;
    if (!split) renderFacets();
    if (!(await renderResults(true, split ? FIRST : PAGE, !split))) return;
    const detail = { query, typing, total: filtered().length };
    announce('mucluc-offline-results', {
      ...detail, ms: performance.now() - started, frame: Boolean(inFrame && sameTask()),
      loaded: S.loads() > loads, complete: !split,
    });
    if (!split) { announce('mucluc-offline-complete', { ...detail, complete: true }); return; }
    const first = state.shown;
    requestAnimationFrame(async () => {
      if (generation !== state.generation) return;
      const restStarted = performance.now();
      const restTask = inTask();
      renderFacets();
      // (a facet ticked or the language switched meanwhile rendered the whole page itself)
      if (state.shown === first) {
        const requested = requestedIds();
        for (let i = 0; i < first; i++) show(state.slots[i], state.slots[i].rec, requested);
        if (!(await renderResults(false, PAGE - FIRST))) return;
      }
      announce('mucluc-offline-complete', {
        ...detail, ms: performance.now() - restStarted, frame: restTask(),
        loaded: S.loads() > loads, complete: true,
      });
    });
  }

  // Typing paused after a bounded search (common words: only their heads' books were scored,
  // see search.js): the full search of the same text replaces it, unless a key came meanwhile.
  // It runs in slices of a few ms (`S.limits.slice`; a province's two-letter prefix is a few hundred ms on a
  // phone): a key typed meanwhile is handled after the current slice, and stops it.
  async function refine(query, generation) {
    if (generation !== state.generation) return;
    const result = await S.search(query, true, true, slices(generation));
    if (generation !== state.generation || !result) { S.release(result); return; }
    answer(result);
    renderFacets();
    if (!(await renderResults(true))) return;
    announce('mucluc-offline-results', {
      query, typing: true, total: filtered().length, refined: true, complete: true,
    });
  }

  // A sliced search's pacing (see search.js): each slice runs its ms, then the page's tasks
  // waiting (input, frames) run before the next, which happens only if no search began since.
  // The next slice is a message task: nested timers would be clamped to 4 ms of idling each.
  const resumed = [];
  let channel = null; // (made by the first sliced search: most pages never need one)
  function slices(generation) {
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => resumed.shift()();
    }
    let started = performance.now();
    return {
      due: () => performance.now() - started >= S.limits.slice,
      next: () => new Promise((resolve) => {
        resumed.push(() => {
          started = performance.now();
          resolve(generation === state.generation);
        });
        channel.port2.postMessage(null);
      }),
    };
  }

  // The answer shown from now on; the one it replaces is given back to the search (its
  // per-book arrays are reused).
  function answer(result) {
    if (state.result !== result) S.release(state.result);
    state.result = result;
  }

  // A function telling whether the current task is still running (only microtasks since).
  function inTask() {
    let same = true;
    setTimeout(() => { same = false; }, 0);
    return () => same;
  }

  function announce(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail }));
  }

  // ---------- requests ----------
  function toggleRequest(rec, button) {
    const r = data.records.get(rec);
    const list = requests();
    const at = list.findIndex((q) => q.id === r[0]);
    if (at >= 0) {
      list.splice(at, 1);
    } else {
      const libs = data.catalogue.libraries;
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
    state.facetNodes.clear();
    $('results').replaceChildren();
    $('facet-list').replaceChildren();
    for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
    for (const node of document.querySelectorAll('[data-t-label]')) {
      node.setAttribute('aria-label', t(node.dataset.tLabel));
    }
    $('lang').setAttribute('lang', lang === 'vi' ? 'en' : 'vi');
    const c = data.catalogue;
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
    $('search').addEventListener('submit', (e) => {
      e.preventDefault();
      state.pending = null; // a typed search still waiting for its frame would replace this one
      run($('q').value, false);
    });
    $('q').addEventListener('input', () => {
      const value = $('q').value;
      schedule(value, true);
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
    window.addEventListener('storage', (e) => {
      if (e.key === STORE_KEY) { state.requested = null; renderRequests(); }
    });
    if (params.get('q')) { $('q').value = params.get('q'); run(params.get('q'), false); }
    if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
      navigator.serviceWorker.register('sw.js').catch(() => {});
    }
  }

  globalThis.MuclucApp = { start };
})();
