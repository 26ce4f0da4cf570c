/* Mục lục offline: the search engine, in the reader's browser with no server.
 *
 * Data arrive as scripts calling MuclucOffline.catalogue/records/index (Chrome runs
 * <script src> under file:// but refuses fetch() there). Ranking follows analyzers/query.py:
 * every folded (i/y-merged) syllable must match (a quarter may be missing past three), exact
 * diacritics and phrases score above folded matches, Telex/VNI decodings are lower-weighted
 * alternatives, and a whole title or author equal to the query ranks first. The page itself
 * (results, facets, requests, languages) is app.js.
 */
(function () {
  'use strict';
  const V = globalThis.MuclucVi;
  const WEIGHTS = [4, 3, 2, 1.5]; // title, authors, subtitle+series, subjects+publisher
  const DECODED_FIELDS = 0b0111; // decodings search the three heaviest fields, as the API does
  const ALL_EXACT = 4, PHRASE = 2, FOLDED_PHRASE = 1, EQUAL = 8, DECODED = 0.2;
  const MAX_WORDS = 40, RERANK = 60, PREFIX_KEYS = 64;
  // A typed search that would scan more postings than this scores only the books of the tokens'
  // heads (see boundedAlternative); a typed prefix is then checked against this many of its keys.
  // (`limits`: exported so tests can reach the bounded path on a small catalogue)
  // A full search in slices (`slices`, see search; the page's slices run `slice` ms) checks
  // whether to pause every `chunk` postings or books.
  const limits = { typedPostings: 6000, typedKeys: 16, chunk: 4096, slice: 4 };
  const STOPPED = new Error('search stopped: a newer one began');
  const state = {
    catalogue: null, records: new Map(), shards: new Map(), loading: new Map(), decoded: new Map(),
    sortedKeys: new Map(), prefixes: new Map(), loads: 0,
  };

  // ---------- data loading ----------
  function load(src) {
    if (!state.loading.has(src)) {
      state.loads += 1;
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
    let deltas = shard[kind] && shard[kind][key];
    if (deltas === undefined) return null;
    if (deltas === 1) return postings('k', V.variantSyllable(V.fold(key)));
    const skip = kind === 'h' || kind === 'p' ? 1 : 0; // a head starts with its book count
    const codes = new Int32Array(deltas.length - skip);
    let at = 0;
    for (let i = skip; i < deltas.length; i++) { at += deltas[i]; codes[i - skip] = at; }
    state.decoded.set(cacheKey, codes);
    return codes;
  }

  // How many postings a key's list holds, without decoding it.
  function volume(key) {
    const shard = state.shards.get(shardOf(key));
    const deltas = shard && shard.k[key];
    return deltas ? deltas.length : 0;
  }

  // A head's book count (the full list's), or 0 when the key or prefix has no head.
  function headBooks(kind, key) {
    const shard = state.shards.get(shardOf(key));
    const head = shard && shard[kind] && shard[kind][key];
    return head ? head[0] : 0;
  }

  // ---------- search ----------
  function maxWeight(mask) {
    for (let f = 0; f < WEIGHTS.length; f++) if (mask & (1 << f)) return WEIGHTS[f];
    return 0;
  }

  // Field bits per book of one syllable, in a byte per book (a province has 250 k books: typed
  // arrays, not Maps). `touched` lists the books set, so nothing scans all of them.
  function masks(lists, allowed, total) {
    const found = { bits: new Uint8Array(total), touched: [] };
    for (const codes of lists) if (codes) maskRange(codes, 0, codes.length, allowed, found);
    return found;
  }

  // The same in slices (a sliced search): a pause every `limits.chunk` postings.
  async function maskSlices(lists, allowed, total, slices) {
    const found = { bits: new Uint8Array(total), touched: [] };
    for (const codes of lists) {
      if (!codes) continue;
      for (let from = 0; from < codes.length; from += limits.chunk) {
        await pause(slices);
        maskRange(codes, from, Math.min(codes.length, from + limits.chunk), allowed, found);
      }
    }
    return found;
  }

  function maskRange(codes, from, to, allowed, { bits, touched }) {
    for (let i = from; i < to; i++) {
      const bit = 1 << (codes[i] & 3);
      if (!(bit & allowed)) continue;
      const rec = codes[i] >> 2;
      if (bits[rec] === 0) touched.push(rec);
      bits[rec] |= bit;
    }
  }

  // Between two slices of a sliced search: once the slice has run its time, let the page
  // handle what is waiting (a key), and stop if the search is no longer wanted. (Called only
  // when there are slices: a keystroke's search takes no extra microtask per list.)
  async function pause(slices) {
    if (slices.due() && !(await slices.next())) throw STOPPED;
  }

  // A shard's keys in code-unit order, built once per shard: a prefix's keys are then one
  // binary search away, instead of a scan of every key of the shard at each keystroke.
  function sortedKeys(name, shard) {
    let keys = state.sortedKeys.get(name);
    if (!keys) {
      keys = Object.keys(shard.k).sort();
      state.sortedKeys.set(name, keys);
    }
    return keys;
  }

  // The prefix itself and its PREFIX_KEYS commonest completions (the longest posting lists;
  // ties in key order). Answers are kept per prefix (a few hundred, then dropped).
  function prefixKeys(prefix) {
    const name = shardOf(prefix);
    const shard = state.shards.get(name);
    if (!shard || prefix.length < 2) return [prefix];
    let found = state.prefixes.get(prefix);
    if (found) return found;
    const keys = sortedKeys(name, shard);
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    const all = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) all.push(keys[i]);
    all.sort((a, b) => shard.k[b].length - shard.k[a].length || (a < b ? -1 : 1));
    found = [prefix, ...all.slice(0, PREFIX_KEYS)];
    if (state.prefixes.size > 500) state.prefixes.clear();
    state.prefixes.set(prefix, found);
    return found;
  }

  async function alternative(text, boost, allowed, prefix, scores, matched, bounded, slices) {
    const folded = V.foldedTokens(text).map(V.variantSyllable);
    const exact = V.tokens(text);
    const n = folded.length;
    if (!n) return false;
    const paired = exact.length === n;
    await loadShards([...folded, ...(paired ? exact.map((e) => V.variantSyllable(V.fold(e))) : [])]);
    const total = state.catalogue.books;
    // While typing, a last word of one letter does not count (books with it still score more):
    // most letters begin many syllables and are none, so "truyen c" would otherwise find
    // nothing until "truyen co".
    const words = prefix && n > 1 && oneLetter(folded[n - 1]) ? n - 1 : n;
    const required = words <= 3 ? words : words - Math.floor(words * 0.25);
    const tokenKeys = folded.map((f, i) => (prefix && i === n - 1 ? prefixKeys(f) : [f]));
    const exactCodes = (i) => (paired
      ? postings('x', exact[i], V.variantSyllable(V.fold(exact[i]))) : null);
    if (bounded) {
      let scanned = 0;
      for (const keys of tokenKeys) for (const k of keys) scanned += volume(k);
      if (scanned > limits.typedPostings) {
        const tokens = tokenKeys.map((keys, i) => ({
          keys: prefix && i === n - 1 ? keys.slice(0, limits.typedKeys + 1) : keys,
          isPrefix: prefix && i === n - 1, exactCodes: exactCodes(i),
        }));
        boundedAlternative(tokens, boost, allowed, required, scores, matched);
        return true;
      }
    }
    const counts = new Uint8Array(total);
    const candidates = [];
    const perToken = [];
    for (let i = 0; i < n; i++) {
      const lists = [];
      for (const k of tokenKeys[i]) {
        if (slices) await pause(slices);
        lists.push(postings('k', k));
      }
      const exactLists = paired ? [exactCodes(i)] : null;
      const found = slices ? await maskSlices(lists, allowed, total, slices)
        : masks(lists, allowed, total);
      let exactFound = null;
      if (exactLists) {
        exactFound = slices ? await maskSlices(exactLists, allowed, total, slices)
          : masks(exactLists, allowed, total);
      }
      const df = found.touched.length;
      const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
      // idf times the heaviest field of each of the 16 field masks: one lookup per book.
      perToken.push({ found: found.bits, exactFound: exactFound && exactFound.bits, idf,
        weighted: weightedBy(idf) });
      const { touched } = found;
      for (let from = 0; from < touched.length; from += limits.chunk) {
        if (slices) await pause(slices);
        const to = Math.min(touched.length, from + limits.chunk);
        for (let j = from; j < to; j++) if (counts[touched[j]]++ === 0) candidates.push(touched[j]);
      }
    }
    const bits = new Uint8Array(n);
    const exactBits = new Uint8Array(n);
    for (let c = 0; c < candidates.length; c++) {
      if (slices && c % limits.chunk === 0) await pause(slices);
      const rec = candidates[c];
      if (counts[rec] < required) continue;
      for (let t = 0; t < n; t++) {
        const { found, exactFound } = perToken[t];
        bits[t] = found[rec];
        exactBits[t] = exactFound ? exactFound[rec] : 0;
      }
      const score = scoreBook(perToken, allowed, bits, exactBits);
      if (!matched.flags[rec]) { matched.flags[rec] = 1; matched.list.push(rec); }
      scores[rec] += score * boost;
    }
    return false;
  }

  // One book's score from its field bits per token (`masks`, exact syllables: `exactMasks`).
  function scoreBook(perToken, allowed, masks, exactMasks) {
    let score = 0;
    let allExact = allowed;
    for (let t = 0; t < perToken.length; t++) {
      const { idf, weighted } = perToken[t];
      const m = masks[t];
      const emask = exactMasks[t];
      if (m) score += weighted[m];
      if (emask) {
        for (let f = 0; f < WEIGHTS.length; f++) if (emask & (1 << f)) score += idf * WEIGHTS[f];
      }
      allExact &= emask;
    }
    for (let f = 0; f < WEIGHTS.length; f++) if (allExact & (1 << f)) score += ALL_EXACT * WEIGHTS[f];
    return score;
  }

  function weightedBy(idf) {
    const weighted = new Float64Array(16);
    for (let mask = 1; mask < 16; mask++) weighted[mask] = idf * maxWeight(mask);
    return weighted;
  }

  // The first index at or after `from` whose code is at least `code`: galloping from `from`
  // (steps 1, 2, 4… then a binary search in the last step), so a list read for books in
  // increasing order costs the log of the gap between them, not of the whole list.
  function seek(codes, from, code) {
    let lo = from, hi = from, step = 1;
    while (hi < codes.length && codes[hi] < code) { lo = hi + 1; hi += step; step *= 2; }
    if (hi > codes.length) hi = codes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (codes[mid] < code) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  // The field bits of book `rec` in `codes` from index `at` (where its postings start, if any).
  function bitsAt(codes, at, rec) {
    let bits = 0;
    for (let i = at; i < codes.length && codes[i] >> 2 === rec; i++) bits |= 1 << (codes[i] & 3);
    return bits;
  }

  // A book flag per book and a list of the books flagged, reused by every bounded search (it
  // clears what it set): a Set of a few thousand books cost a third of the search.
  let candidateFlags = new Uint8Array(0);
  const candidateList = [];

  // Search as you type on a large catalogue: instead of scanning every posting of common words
  // (tens of thousands of books), the candidates are the books of each token's head (its best
  // HEAD books by static rank, built at export; a short list is its own head), and each
  // candidate's fields per token are looked up by binary search in the full lists (a typed
  // prefix: in its own key's and its `typedKeys` commonest keys' lists). The scoring is the
  // exact one; what may be missed are matching books in no token's head, which the full search
  // (Enter, or typing paused: app.js) finds. idf comes from the full lists' book counts.
  function boundedAlternative(tokens, boost, allowed, required, scores, matched) {
    const total = state.catalogue.books;
    if (candidateFlags.length !== total) candidateFlags = new Uint8Array(total);
    const flags = candidateFlags, list = candidateList;
    const perToken = tokens.map(({ keys, isPrefix, exactCodes }) => {
      const key = keys[0];
      const prefixHead = isPrefix && key.length >= 2 && key.length <= 3 ? postings('p', key) : null;
      let df = 0;
      const heads = [];
      if (prefixHead) {
        heads.push(prefixHead);
        df = headBooks('p', key);
      } else {
        for (const k of keys) {
          const head = postings('h', k);
          heads.push(head || postings('k', k));
          df += head ? headBooks('h', k) : distinctBooks(postings('k', k));
        }
      }
      for (const codes of heads) {
        if (!codes) continue;
        for (let i = 0; i < codes.length; i++) {
          const rec = codes[i] >> 2;
          if ((1 << (codes[i] & 3)) & allowed && !flags[rec]) { flags[rec] = 1; list.push(rec); }
        }
      }
      const idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
      const lists = keys.map((k) => postings('k', k)).filter(Boolean);
      return { lists, at: new Int32Array(lists.length), exactCodes, exactAt: 0, idf,
        weighted: weightedBy(idf) };
    });
    // Books in increasing order: each list is then read forward from where the last book's
    // lookup left it (`seek`), instead of a binary search of the whole list per book.
    const candidates = Int32Array.from(list).sort();
    for (const rec of list) flags[rec] = 0;
    list.length = 0;
    const bits = new Uint8Array(perToken.length);
    const exactBits = new Uint8Array(perToken.length);
    // Tokens with the fewest lists are looked up first, and a book stops being looked at once
    // more tokens are missing than may be (a prefix's head brings many books lacking the other
    // words); a token's lists stop at the title, its heaviest field (the score reads only the
    // heaviest field of the mask). The same score as looking everything up.
    const order = perToken.map((_, t) => t)
      .sort((a, b) => perToken[a].lists.length - perToken[b].lists.length || a - b);
    const mayMiss = perToken.length - required;
    for (let c = 0; c < candidates.length; c++) {
      const rec = candidates[c], code = rec * 4;
      let missing = 0;
      for (const t of order) {
        const token = perToken[t];
        let found = 0;
        for (let j = 0; j < token.lists.length; j++) {
          const codes = token.lists[j];
          const at = seek(codes, token.at[j], code);
          token.at[j] = at;
          found |= bitsAt(codes, at, rec) & allowed;
          if (found & 1) break;
        }
        bits[t] = found;
        exactBits[t] = 0;
        if (found && token.exactCodes) {
          token.exactAt = seek(token.exactCodes, token.exactAt, code);
          exactBits[t] = bitsAt(token.exactCodes, token.exactAt, rec) & allowed;
        }
        if (!found && ++missing > mayMiss) break;
      }
      if (missing > mayMiss) continue;
      const score = scoreBook(perToken, allowed, bits, exactBits);
      if (!matched.flags[rec]) { matched.flags[rec] = 1; matched.list.push(rec); }
      scores[rec] += score * boost;
    }
  }

  function distinctBooks(codes) {
    if (!codes) return 0;
    let books = 0, last = -1;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] >> 2 !== last) { books++; last = codes[i] >> 2; }
    }
    return books;
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
  // `alternatives`: [exact tokens, folded tokens, boost] of each alternative of the query.
  function bonus(rec, alternatives) {
    const r = state.records.get(rec);
    if (!r) return 0;
    const fields = [[r[1]], r[4], [r[2]]];
    let score = 0;
    for (const [exact, folded, boost] of alternatives) {
      for (let f = 0; f < fields.length; f++) {
        let best = 0;
        for (const value of fields[f]) {
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
      }
    }
    return score;
  }

  function searchedText(query) {
    return V.words(V.normalise(query)).slice(0, MAX_WORDS).join(' ');
  }

  function oneLetter(word) {
    return [...word].length === 1;
  }

  // A typed query of one letter is not searched yet (the widget suggests from two letters as
  // well): a letter alone begins too many words to say anything; Enter searches it.
  function tooShort(query, text = searchedText(query)) {
    return !/\s$/.test(query) && !text.includes(' ') && oneLetter(V.fold(text));
  }

  // `typing`: a keystroke's search. The last word is also a prefix (unless a space follows it),
  // and a search of common words scores only their heads' books (`bounded` in the answer;
  // `full` turns that off: typing paused). Enter's search (typing false) is always full.
  // `slices` (optional): the search runs in slices — `slices.due()` says the current one has
  // run its time, `await slices.next()` lets the page handle input and says whether to go on —
  // and answers null when told to stop. The same answer as in one piece.
  async function search(query, typing, full, slices) {
    const prefix = typing && !/\s$/.test(query);
    const text = searchedText(query);
    if (!text || (typing && tooShort(query, text))) return null;
    // [text, weight, fields]; while typing, every alternative's last word is also a prefix
    const alternatives = [[text, 1, 0b1111]];
    const seen = new Set([text.toLowerCase()]);
    const readings = [V.decodeTelex(text), V.decodeVni(text)];
    // While typing, also the letters of unfinished Telex words ("nguyee" → "nguye", "ddie" →
    // "die"), as the API's suggestions read them: a word decodes only once it is a syllable.
    const unfinished = prefix ? V.foldTelex(text) : null;
    if (unfinished && !readings.some((r) => r && V.fold(r) === unfinished)) {
      readings.push(unfinished);
    }
    for (const decoded of readings) {
      if (decoded && !seen.has(decoded.toLowerCase())) {
        seen.add(decoded.toLowerCase());
        alternatives.push([decoded, DECODED, DECODED_FIELDS]);
      }
    }
    const arrays = perBook(state.catalogue.books);
    const { scores } = arrays;
    // Books matched by any alternative: a flag per book and their list (a Set of 100 k books
    // costs more than the scoring itself).
    const matched = { flags: arrays.flags, list: [] };
    let bounded = false;
    const order = (a, b) => scores[b] - scores[a] || a - b;
    const ranked = matched.list;
    try {
      for (const [alt, boost, allowed] of alternatives) {
        if (await alternative(alt, boost, allowed, prefix, scores, matched, typing && !full,
          slices)) {
          bounded = true;
        }
      }
      if (slices) await pause(slices);
      const head = top(ranked, scores, RERANK);
      if (slices) await pause(slices);
      await loadRecords(head);
      const phrases = alternatives
        .map(([alt, boost]) => [V.tokens(alt), V.foldedTokens(alt), boost])
        .filter(([exact]) => exact.length);
      for (const rec of head) scores[rec] += bonus(rec, phrases);
      head.sort(order);
      for (const rec of head) matched.flags[rec] = 2;
      if (slices) await pause(slices);
      const rest = ranked.filter((rec) => matched.flags[rec] !== 2);
      return {
        query: query.trim(), ranked: head.concat(rest), sorted: head.length, scores, order,
        bounded, arrays,
      };
    } catch (e) {
      if (e !== STOPPED) throw e;
      release({ ranked, arrays }); // (every book its arrays touched)
      return null;
    }
  }

  // The per-book arrays of a search (scores and matched flags: 2.25 MB for a province's 250 k
  // books) are reused: allocating and zeroing them, and collecting them, at every keystroke
  // cost more than a typed search's scoring. `release(answer)` (the page calls it when an
  // answer is replaced or dropped; it must not be used after) clears its arrays through its
  // list of matched books, which holds every book they touched, and keeps them for the next
  // search. An answer never released is simply collected.
  const spare = [];
  function perBook(total) {
    const found = spare.pop();
    if (found && found.scores.length === total) return found;
    return { scores: new Float64Array(total), flags: new Uint8Array(total) };
  }

  function release(result) {
    if (!result || !result.arrays) return;
    const { scores, flags } = result.arrays;
    result.arrays = null;
    for (const rec of result.ranked) { scores[rec] = 0; flags[rec] = 0; }
    if (spare.length < 2) spare.push({ scores, flags });
  }

  // The `count` best books, without sorting all of a common word's candidates: the count-th
  // best score is selected in linear time (quickselect), then only books at or above it sorted.
  function top(ranked, scores, count) {
    if (ranked.length > 4 * count) {
      const values = new Float64Array(ranked.length);
      for (let i = 0; i < ranked.length; i++) values[i] = scores[ranked[i]];
      const floor = select(values, values.length - count);
      ranked = ranked.filter((rec) => scores[rec] >= floor);
    }
    return ranked.sort((a, b) => scores[b] - scores[a] || a - b).slice(0, count);
  }

  // The value that would be at index k if `a` were sorted ascending (`a` is reordered).
  function select(a, k) {
    let lo = 0, hi = a.length - 1;
    while (hi > lo) {
      const pivot = a[(lo + hi) >> 1];
      let i = lo, j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) { const swap = a[i]; a[i] = a[j]; a[j] = swap; i++; j--; }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return a[k];
    }
    return a[k];
  }

  // Pages past the re-scored head are ordered when first shown.
  function ensureSorted(result, upTo) {
    if (result.sorted >= Math.min(upTo, result.ranked.length)) return;
    const tail = result.ranked.slice(result.sorted).sort(result.order);
    result.ranked = result.ranked.slice(0, result.sorted).concat(tail);
    result.sorted = result.ranked.length;
  }

  // Books per library among `ranked` (an array indexed by library number).
  function libraryCounts(ranked) {
    const counts = new Int32Array(state.catalogue.libraries.length);
    const held = state.catalogue.heldBy;
    for (let i = 0; i < ranked.length; i++) {
      const h = held[ranked[i]];
      if (typeof h === 'number') counts[h]++;
      else for (let j = 0; j < h.length; j++) counts[h[j]]++;
    }
    return counts;
  }

  function heldBy(rec) {
    const held = state.catalogue.heldBy[rec];
    return typeof held === 'number' ? [held] : held;
  }

  globalThis.MuclucSearch = {
    data: state, search, release, loadRecords, ensureSorted, heldBy, libraryCounts,
    tooShort, loads: () => state.loads, prefixKeys, select, seek, limits, // (the last four for tests)
  };
  globalThis.MuclucOffline = {
    catalogue(c) { state.catalogue = c; globalThis.MuclucApp.start(); },
    records(number, rows) {
      const first = number * state.catalogue.perShard;
      rows.forEach((row, i) => state.records.set(first + i, row));
    },
    index(shard, content) {
      state.shards.set(shard, content);
      state.sortedKeys.delete(shard);
      state.prefixes.clear();
    },
  };
})();
