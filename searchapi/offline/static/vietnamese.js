/* Mục lục offline: Vietnamese text in the browser, the same steps as Python's `analyzers`.
 *
 * Every table comes from `tables.js`, which the export GENERATES from `analyzers.portable`
 * (the compose, tone and fold rewrite tables, syllables, Telex/VNI keys). Only the logic is
 * here, a line-by-line port of analyzers/normalise.py, fold.py, tokens.py, variants.py,
 * syllables.py and keyboard.py. tests/searchapi/test_offline_normaliser.py runs both on the
 * Vietnamese cases and thousands of generated strings and requires the same output.
 */
(function (root) {
  'use strict';

  // Longest match at each position, output not rescanned (analyzers/mapping.py). Most text has
  // no key at most positions: a key longer than one character is only tried when the next
  // character can continue it, and unchanged runs are copied in one slice.
  function mapping(rules) {
    const table = new Map(Object.entries(rules));
    let longest = 0;
    const seconds = new Map(); // first character → characters that follow it in some key
    for (const key of table.keys()) {
      longest = Math.max(longest, key.length);
      if (!seconds.has(key[0])) seconds.set(key[0], new Set());
      if (key.length > 1) seconds.get(key[0]).add(key[1]);
    }
    return function (text) {
      let out = '';
      let copied = 0;
      let i = 0;
      const n = text.length;
      while (i < n) {
        const next = seconds.get(text[i]);
        if (next === undefined) {
          i += 1;
          continue;
        }
        let size = 0;
        let replacement;
        if (i + 1 < n && next.has(text[i + 1])) {
          for (let s = Math.min(longest, n - i); s > 1; s--) {
            replacement = table.get(text.substr(i, s));
            if (replacement !== undefined) {
              size = s;
              break;
            }
          }
        }
        if (size === 0) {
          replacement = table.get(text[i]);
          if (replacement !== undefined) size = 1;
        }
        if (size === 0) {
          i += 1;
          continue;
        }
        out += text.slice(copied, i) + replacement;
        i += size;
        copied = i;
      }
      return copied === 0 ? text : out + text.slice(copied);
    };
  }

  // Catalogue values repeat (titles while typing, subjects, publishers): remember results.
  function memo(fn, limit) {
    const seen = new Map();
    return function (text) {
      let value = seen.get(text);
      if (value === undefined) {
        if (seen.size >= limit) seen.clear();
        value = fn(text);
        seen.set(text, value);
      }
      return value;
    };
  }

  function escapeClass(chars) {
    return Array.from(chars, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
      .join('');
  }

  function build(T) {
    const compose = mapping(T.compose);
    const tone = mapping(T.tone);
    const foldMap = mapping(T.fold);
    const WS = escapeClass(T.whitespace);
    // Python's `\s*[^\S ]\s*`: a whitespace run that holds anything but plain spaces.
    const SPACE_RUN = new RegExp('[' + WS + ']+', 'g');
    const ONLY_PLAIN = /^ +$/;
    const SPLIT_WS = new RegExp('[' + WS + ']+');
    const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
    const JOIN = new RegExp(
      '(?<![\\p{L}\\p{N}])([' + T.join_first + "])['\\-](?=[" + T.join_consonants + '])',
      'gu'
    );
    const IY = new RegExp('^(qu|[' + T.iy_initials + ']+)y$');
    const TOKEN_CHAR = /[\p{L}\p{M}\p{N}]/u;

    const nfc = (s) => s.normalize('NFC');

    function spaces(text) {
      return text.replace(SPACE_RUN, (run) => (ONLY_PLAIN.test(run) ? run : ' '));
    }

    const normalise = memo(normaliseText, 1 << 16);

    function normaliseText(text) {
      if (PRINTABLE_ASCII.test(text)) return text;
      let previous = null;
      while (text !== previous) {
        previous = text;
        text = nfc(text);
        text = compose(text);
        text = tone(nfc(text));
        text = spaces(nfc(text));
      }
      return text;
    }

    function fold(text) {
      if (PRINTABLE_ASCII.test(text)) return text.toLowerCase();
      return foldMap(normalise(text).toLowerCase());
    }

    function joinNames(text) {
      return text.replace(JOIN, '$1');
    }

    function split(text) {
      const out = [];
      let current = '';
      for (const char of text) {
        if (TOKEN_CHAR.test(char)) {
          current += char;
        } else if (current) {
          out.push(current);
          current = '';
        }
      }
      if (current) out.push(current);
      return out;
    }

    function tokens(text) {
      return split(joinNames(normalise(text))).map((t) => t.toLowerCase());
    }

    function foldedTokens(text) {
      return split(foldMap(joinNames(normalise(text)))).map((t) => t.toLowerCase());
    }

    function variantSyllable(folded) {
      return folded.replace(IY, '$1i');
    }

    // --- syllables (analyzers/syllables.py) ---
    const RHYMES = new Set(T.rhymes);
    const VOWELS = new Set(Array.from(T.vowels));
    const MARKED = new Set(Array.from(T.marked_vowels));
    const SECOND = new Set(T.second_vowel_toned);

    function splitSyllable(syllable) {
      for (const initial of T.initials) {
        if (!syllable.startsWith(initial)) continue;
        const rhyme = syllable.slice(initial.length);
        if (RHYMES.has(rhyme)) return [initial, rhyme];
        if (initial === 'gi' && RHYMES.has('i' + rhyme)) return [initial, rhyme];
      }
      return null;
    }

    class NotVietnamese extends Error {}

    function placeTone(syllable, toneMark) {
      const parts = splitSyllable(syllable);
      if (parts === null) throw new NotVietnamese(syllable);
      if (toneMark === null) return syllable;
      let [initial, rhyme] = parts;
      const r = Array.from(rhyme);
      let end = 0;
      while (end < r.length && VOWELS.has(r[end])) end += 1;
      let nucleus = r.slice(0, end);
      let letters = r;
      if (nucleus.length === 0) {
        const i = Array.from(initial);
        letters = [i[i.length - 1], ...r];
        initial = i.slice(0, -1).join('');
        nucleus = [letters[0]];
        end = 1;
      }
      const marked = [];
      nucleus.forEach((v, i) => { if (MARKED.has(v)) marked.push(i); });
      let at;
      if (marked.length) at = marked[marked.length - 1];
      else if (end < letters.length || nucleus.length === 1) at = nucleus.length - 1;
      else if (SECOND.has(nucleus.join(''))) at = 1;
      else if (nucleus.length === 2) at = 0;
      else at = 1;
      const toned = nfc(letters[at] + toneMark);
      return initial + letters.slice(0, at).join('') + toned + letters.slice(at + 1).join('');
    }

    // --- keyboard (analyzers/keyboard.py) ---
    const ASCII_WORD = /[A-Za-z]+/g;
    const ASCII_ALNUM = /[A-Za-z0-9]+/g;

    // Python's `[^\W\d_]+`: letters (and numerals that are not digits), so a Telex word next
    // to an accented letter is no Telex word.
    const WORD = /[\p{L}\p{Nl}\p{No}]+/gu;

    function trailingMark(body) {
      // analyzers.keyboard._trailing_mark: a vowel-mark key typed after the final consonant.
      const n = body.length;
      if (n < 3 || body[n - 2] === body[n - 1] || body[n - 2] === 'w') return null;
      const key = body[n - 1];
      const stem = body.slice(0, -1);
      if (key === 'w') {
        for (const [plain, marked] of T.telex_trailing_w) {
          const at = stem.lastIndexOf(plain);
          if (at >= 0 && !stem.includes('w')) {
            return stem.slice(0, at) + marked + stem.slice(at + plain.length);
          }
        }
        return null;
      }
      if ('aeo'.includes(key)) {
        const at = stem.lastIndexOf(key);
        if (at >= 0 && stem.slice(at + 1, at + 2) !== key) {
          return stem.slice(0, at) + T.telex_circumflex[key] + stem.slice(at + 1);
        }
      }
      return null;
    }

    function telexSyllable(word) {
      // analyzers.keyboard.telex_syllable: the syllable, or null.
      let body = word.toLowerCase();
      if (body.length < 2 || !/^[a-z]+$/.test(body)) return null;
      let first = -1;
      for (let i = 0; i < body.length; i++) {
        if (T.telex_vowels.includes(body[i])) { first = i; break; }
      }
      if (first < 0) return null;
      const toneAt = [];
      for (let i = first + 1; i < body.length; i++) {
        if (T.telex_tones[body[i]] !== undefined) toneAt.push(i);
      }
      if (toneAt.length > 1) return null;
      let toneMark = null;
      if (toneAt.length === 1) {
        toneMark = T.telex_tones[body[toneAt[0]]];
        body = body.slice(0, toneAt[0]) + body.slice(toneAt[0] + 1);
      }
      const trailing = trailingMark(body);
      const readings = [body];
      if (trailing !== null && (toneMark || !T.telex_stops.includes(trailing[trailing.length - 1]) ||
          body[body.length - 1] === 'w')) {
        readings.push(trailing); // tried second: keys next to their letter come first
      }
      for (let r = 0; r < readings.length; r++) {
        let reading = readings[r];
        let changed = toneMark !== null || r === 1;
        for (const [keys, letter] of T.telex_letters) {
          if (reading.includes(keys)) {
            reading = reading.split(keys).join(letter);
            changed = true;
          }
        }
        if (!changed) continue;
        try {
          return placeTone(reading, toneMark);
        } catch (e) {
          if (!(e instanceof NotVietnamese)) throw e;
        }
      }
      return null;
    }

    function telexWord(word) {
      const decoded = telexSyllable(word);
      return decoded === null ? word : decoded;
    }

    function addMark(letters, targets, mark) {
      for (let i = letters.length - 1; i >= 0; i--) {
        if (targets.includes(letters[i])) {
          letters[i] = nfc(letters[i] + mark);
          return;
        }
      }
      throw new NotVietnamese('mark');
    }

    function vniWord(word) {
      if (/^[0-9]+$/.test(word) || !/[1-9]/.test(word)) return word;
      const letters = [];
      let toneMark = null;
      for (const char of word.toLowerCase()) {
        if (T.vni_tones[char] !== undefined) {
          if (!letters.some((l) => VOWELS.has(l))) throw new NotVietnamese('tone');
          toneMark = T.vni_tones[char];
        } else if (T.vni_marks[char] !== undefined) {
          const [targets, mark] = T.vni_marks[char];
          addMark(letters, targets, mark);
          const n = letters.length;
          if (char === '7' && n > 1 && letters[n - 1] === 'ơ' && letters[n - 2] === 'u') {
            letters[n - 2] = 'ư';
          }
          if (char === '7' && letters.join('').includes('uư')) {
            const at = letters.join('').indexOf('uư');
            letters.splice(at, 2, 'ư', 'u');
          }
        } else if (char === '9') {
          const at = letters.lastIndexOf('d');
          if (at < 0) throw new NotVietnamese('9');
          letters[at] = 'đ';
        } else if (/[a-z]/.test(char)) {
          letters.push(char);
        } else {
          throw new NotVietnamese('0');
        }
      }
      return placeTone(letters.join(''), toneMark);
    }

    function decode(query, pattern, word) {
      const decoded = query.replace(pattern, (match) => {
        try {
          return word(match);
        } catch (e) {
          if (e instanceof NotVietnamese) return match;
          throw e;
        }
      });
      return decoded !== query ? decoded : null;
    }

    function decodeTelex(query) {
      return decode(query, WORD, telexWord);
    }

    function decodeVni(query) {
      return decode(query, ASCII_ALNUM, vniWord);
    }

    const FOLDED_TELEX = T.telex_letters.map(([keys, letter]) => [keys, fold(letter)]);

    function foldedTelexWord(word) {
      let body = word.toLowerCase();
      if (body.length > 1 && T.telex_tones[body[body.length - 1]] !== undefined) {
        const stem = body.slice(0, -1);
        const vowel = Array.from('aeiouy').some((v) => stem.includes(v));
        const ends = 'aeiouyw'.includes(stem[stem.length - 1]) ||
          T.telex_finals.some((f) => stem.endsWith(f));
        if (vowel && ends) body = stem;
      }
      for (const [keys, letter] of FOLDED_TELEX) body = body.split(keys).join(letter);
      return body !== word.toLowerCase() ? body : word;
    }

    function foldTelex(text) {
      const folded = text.replace(ASCII_WORD, foldedTelexWord);
      return folded !== text ? folded : null;
    }

    function words(text) {
      return text.split(SPLIT_WS).filter((w) => w !== '');
    }

    return {
      normalise, fold, tokens, foldedTokens, variantSyllable, joinNames, placeTone,
      decodeTelex, decodeVni, foldTelex, words,
    };
  }

  root.MuclucVi = build(root.MUCLUC_TABLES);
})(globalThis);
