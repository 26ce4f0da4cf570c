/* Mục lục — <mucluc-search>, the embeddable union-catalogue search widget.
   One script tag, no framework, no build step, no third-party requests. GPL-3.0-or-later.
   Attributes: api, library, size, lang (vi|en), mode (inline|link), href, url-param.
   With url-param (inline mode) the search lives in the page's address: q, page, sort, filters,
   so it can be shared and reloaded, and Back/Forward step through it. Server-rendered results
   (<script type="application/json" class="mucluc-data"> inside the element) are shown at once. */
(() => {
  "use strict";
  if (!window.customElements || customElements.get("mucluc-search")) return;
  const SCRIPT = document.currentScript;
  const ORIGIN = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href).origin : location.origin;

  const T = {
    vi: {
      code: "vi",
      label: "Tìm sách trong các thư viện",
      ph: "Tên sách, tác giả, chủ đề, ISBN…",
      go: "Tìm",
      hint: "Gõ từ hai ký tự để xem gợi ý, dùng phím mũi tên lên xuống để chọn, Enter để tìm.",
      sugg: "Gợi ý",
      nSugg: (n) => `Có ${n} gợi ý.`,
      results: "Kết quả tìm kiếm",
      found: (n, q, p, P) =>
        `Tìm thấy ${n.toLocaleString("vi")} kết quả${q ? ` cho “${q}”` : ""}` +
        (P > 1 ? `, trang ${p}/${P}` : "") + ".",
      none: (q) => `Không tìm thấy kết quả nào${q ? ` cho “${q}”` : ""}.`,
      didYou: "Có phải bạn muốn tìm",
      err: "Không kết nối được với thư viện. Vui lòng thử lại sau.",
      filters: "Lọc kết quả",
      library: "Thư viện",
      kind: "Cấp thư viện",
      type: "Loại tài liệu",
      lang: "Ngôn ngữ",
      year: "Năm xuất bản",
      any: "Tất cả",
      before: (y) => `Trước ${y}`,
      since: (y) => `Từ ${y}`,
      clear: "Xoá bộ lọc",
      at: "Có tại:",
      copies: (n) => `${n} bản`,
      prev: "Trang trước",
      next: "Trang sau",
      page: (n) => `Trang ${n}`,
      pages: "Phân trang",
      loading: "Đang tải…",
      dErr: "Không tải được chi tiết của tài liệu này.",
      author: "Tác giả",
      pub: "Xuất bản",
      edition: "Lần xuất bản",
      pagesN: "Số trang",
      series: "Tùng thư",
      subjects: "Chủ đề",
      isbn: "ISBN",
      summary: "Tóm tắt",
      holdings: "Các thư viện có tài liệu",
      editions: (n, m) => `${n} ấn bản ở ${m} thư viện`,
      call: "Ký hiệu xếp giá",
      rec: "Mã biểu ghi",
      open: "Trang của sách",
      sort: "Sắp xếp",
      sorts: ["Phù hợp nhất", "Nhan đề A–Z", "Mới nhất", "Cũ nhất"],
      types: {
        book: "Sách", serial: "Ấn phẩm định kỳ", map: "Bản đồ", score: "Bản nhạc",
        music: "Âm nhạc", audio: "Ghi âm", video: "Phim, video", image: "Hình ảnh",
        electronic: "Tài liệu điện tử", manuscript: "Bản thảo", kit: "Bộ tài liệu",
        mixed: "Tài liệu hỗn hợp", object: "Hiện vật",
      },
      langs: {
        vie: "Tiếng Việt", eng: "Tiếng Anh", fre: "Tiếng Pháp", rus: "Tiếng Nga",
        chi: "Tiếng Trung", tha: "Tiếng Thái", hmn: "Tiếng H'Mông", lao: "Tiếng Lào",
      },
    },
    en: {
      code: "en",
      label: "Search the libraries' catalogue",
      ph: "Title, author, subject, ISBN…",
      go: "Search",
      hint: "Type two or more characters for suggestions; use the up and down arrow keys to choose, Enter to search.",
      sugg: "Suggestions",
      nSugg: (n) => `${n} suggestion${n === 1 ? "" : "s"} available.`,
      results: "Search results",
      found: (n, q, p, P) =>
        `${n.toLocaleString("en")} result${n === 1 ? "" : "s"}${q ? ` for “${q}”` : ""}` +
        (P > 1 ? `, page ${p} of ${P}` : "") + ".",
      none: (q) => `No results${q ? ` for “${q}”` : ""}.`,
      didYou: "Did you mean",
      err: "Could not reach the library catalogue. Please try again later.",
      filters: "Filter results",
      library: "Library",
      kind: "Library level",
      type: "Material type",
      lang: "Language",
      year: "Year published",
      any: "Any",
      before: (y) => `Before ${y}`,
      since: (y) => `${y} or later`,
      clear: "Clear filters",
      at: "Available at:",
      copies: (n) => `${n} ${n === 1 ? "copy" : "copies"}`,
      prev: "Previous page",
      next: "Next page",
      page: (n) => `Page ${n}`,
      pages: "Pagination",
      loading: "Loading…",
      dErr: "Could not load the details of this item.",
      author: "Author",
      pub: "Published",
      edition: "Edition",
      pagesN: "Pages",
      series: "Series",
      subjects: "Subjects",
      isbn: "ISBN",
      summary: "Summary",
      holdings: "Libraries holding it",
      editions: (n, m) => `${n} editions in ${m} libraries`,
      call: "Call number",
      rec: "Record id",
      open: "Book page",
      sort: "Sort by",
      sorts: ["Relevance", "Title A–Z", "Newest", "Oldest"],
      types: {
        book: "Book", serial: "Serial", map: "Map", score: "Score", music: "Music",
        audio: "Audio", video: "Video", image: "Image", electronic: "Electronic",
        manuscript: "Manuscript", kit: "Kit", mixed: "Mixed materials", object: "Object",
      },
      langs: {
        vie: "Vietnamese", eng: "English", fre: "French", rus: "Russian", chi: "Chinese",
        tha: "Thai", hmn: "Hmong", lao: "Lao",
      },
    },
  };
  // Year ranges: [value, year_from, year_to, label(t)].
  const YEARS = [
    ["", null, null, (t) => t.any],
    ["-1974", null, 1974, (t) => t.before(1975)],
    ["1975-1999", 1975, 1999, () => "1975–1999"],
    ["2000-2009", 2000, 2009, () => "2000–2009"],
    ["2010-", 2010, null, (t) => t.since(2010)],
  ];
  const FACETS = ["library", "kind", "type", "lang"];
  const SORTS = ["relevance", "title", "year", "year_asc"];
  const STATE = ["page", "sort", "year_from", "year_to", ...FACETS];
  const MAX_WINDOW = 1000; // the API pages only the first 1,000 results

  const CSS = `
:host{all:initial!important;display:block!important}
:host([hidden]){display:none!important}
.w{--a:var(--mucluc-accent,#0b5cad);--at:var(--mucluc-accent-text,#fff);--tx:var(--mucluc-text,#1b1b1b);--mu:var(--mucluc-muted,#4d4d4d);--bg:var(--mucluc-bg,#fff);--sf:var(--mucluc-surface,#f3f5f8);--bd:var(--mucluc-border,#6e6e6e);--rd:var(--mucluc-radius,6px);--fo:var(--mucluc-focus,var(--a));
display:block;font:normal var(--mucluc-font-size,16px)/1.5 var(--mucluc-font,system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif);color:var(--tx);background:var(--bg);container-type:inline-size;text-align:left;padding:var(--mucluc-padding,0);overflow-wrap:anywhere;min-width:0}
*,::before,::after{box-sizing:border-box}
[hidden]{display:none!important}
.sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.l{display:block;font-weight:600;margin:0 0 4px}
.b{display:flex;gap:8px}
.cb{position:relative;flex:1;min-width:0}
input,button{font:inherit;color:inherit;margin:0;letter-spacing:normal}
#q{display:block;width:100%;min-height:44px;padding:8px 12px;border:2px solid var(--bd);border-radius:var(--rd);background:var(--bg)}
#q::placeholder{color:var(--mu);opacity:1}
button{cursor:pointer;border-radius:var(--rd)}
.go{min-height:44px;padding:8px 18px;border:2px solid var(--a);background:var(--a);color:var(--at);font-weight:600}
:focus-visible,#q:focus{outline:3px solid var(--fo);outline-offset:2px}
#sg{position:absolute;z-index:2;left:0;right:0;top:100%;margin:4px 0 0;padding:4px 0;list-style:none;background:var(--bg);border:1px solid var(--bd);border-radius:var(--rd);box-shadow:0 4px 12px #0003;max-height:20em;overflow:auto}
#sg li{padding:8px 12px;cursor:pointer}
#sg li:hover{background:var(--sf)}
#sg li[aria-selected=true]{background:var(--a);color:var(--at)}
.m{display:grid;gap:16px;margin-top:16px}
@container (min-width:700px){.m{grid-template-columns:15em minmax(0,1fr)}}
.f{align-self:start;border:1px solid #c4c8cf;border-radius:var(--rd);padding:8px 12px;background:var(--sf)}
summary{cursor:pointer;font-weight:600;padding:4px 0}
fieldset{border:0;margin:8px 0 0;padding:0;min-width:0}
legend{font-weight:600;padding:0;margin:0 0 4px}
.o{display:flex;gap:8px;align-items:baseline;padding:3px 0;cursor:pointer}
.o input{accent-color:var(--a);width:18px;height:18px;flex:none}
.n,.c,.mt{color:var(--mu)}
.rh{font-size:1.25em;margin:0 0 4px;line-height:1.3}
.rh:focus{outline-offset:4px}
.c,.mt,.e{margin:0 0 8px}
.rl{list-style:none;margin:0;padding:0}
.h{padding:12px 0;border-top:1px solid #d5d9de}
.ht{font-size:1.1em;margin:0 0 4px;line-height:1.35}
.t,.lk{background:none;border:0;padding:0;text-align:left;color:var(--a);font-weight:600;text-decoration:underline;text-underline-offset:3px}
mark{background:var(--mucluc-mark,#fff3b0);color:inherit}
.ho{margin:4px 0 0}
.d{margin-top:8px;padding:8px 12px;background:var(--sf);border-radius:var(--rd)}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 12px;margin:0}
@container (max-width:480px){dl{grid-template-columns:minmax(0,1fr)}dt{margin-top:6px}}
dt{font-weight:600}dd{margin:0}
.hh{font-weight:600;margin:8px 0 0}
.hl{margin:4px 0 0;padding-left:1.2em}
nav ul{display:flex;flex-wrap:wrap;gap:6px;list-style:none;margin:16px 0 0;padding:0}
nav button,.cur{display:inline-block;min-width:44px;min-height:44px;padding:8px 12px;border:1px solid var(--bd);background:var(--bg);text-align:center;border-radius:var(--rd)}
nav button:disabled{cursor:default;border-color:#c4c8cf}
.cur{background:var(--a);color:var(--at);border-color:var(--a);font-weight:600}
.e{font-weight:600}
.er{color:#a4000f;font-weight:600}
.sb{display:flex;flex-wrap:wrap;gap:4px 8px;align-items:center;margin:0 0 8px}
select{font:inherit;color:inherit;min-height:44px;padding:6px 8px;border:1px solid var(--bd);border-radius:var(--rd);background:var(--bg)}
.pg{display:inline-block;margin-top:4px;color:var(--a)}
.x{margin-top:12px;min-height:44px;padding:6px 12px;border:1px solid var(--bd);background:var(--bg)}
`;

  const h = (tag, props, ...kids) => {
    const e = document.createElement(tag);
    for (const k in props || {}) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of kids.flat(3)) if (c != null && c !== false && c !== "") e.append(c);
    return e;
  };
  // Engine highlights are HTML-escaped text with <mark> tags: keep the tags, decode the
  // entities, and never hand the text to an HTML parser.
  const ENT = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  const unescape = (s) =>
    s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e) =>
      e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : +e.slice(1)) : ENT[e.toLowerCase()]);
  const marks = (s) => {
    let on = false;
    const out = [];
    for (const p of String(s).split(/(<\/?mark>)/)) {
      if (p === "<mark>") on = true;
      else if (p === "</mark>") on = false;
      else if (p) out.push(on ? h("mark", { text: unescape(p) }) : unescape(p));
    }
    return out;
  };
  const join = (a, sep) => (Array.isArray(a) ? a : [a]).filter((x) => x || x === 0).join(sep);

  class MuclucSearch extends HTMLElement {
    static get observedAttributes() {
      return ["lang", "mode"];
    }

    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      this.s = { q: "", page: 1, sort: "relevance", f: { library: [], kind: [], type: [], lang: [] }, y: "" };
      this.sg = [];
      this.ai = -1;
      this.seq = 0;
      this.sseq = 0;
    }

    get t() {
      return T[(this.getAttribute("lang") || "vi").slice(0, 2).toLowerCase()] || T.vi;
    }

    get api() {
      return (this.getAttribute("api") || ORIGIN).replace(/\/+$/, "");
    }

    get size() {
      const n = parseInt(this.getAttribute("size"), 10);
      return n > 0 && n <= 100 ? n : 10;
    }

    // The URL parameter of the query when the search keeps its state in the page's address.
    get up() {
      return this.getAttribute("mode") !== "link" && this.getAttribute("url-param");
    }

    connectedCallback() {
      if (this.built) {
        if (this.pop) addEventListener("popstate", this.pop); // moved in the page
        return;
      }
      const lib = this.getAttribute("library");
      if (lib) this.s.f.library = [lib];
      const el = this.querySelector("script.mucluc-data");
      let pre = null;
      try {
        pre = el && JSON.parse(el.textContent);
      } catch (err) {}
      this.build();
      if (!this.up) return;
      this.pop = () => this.fromURL(true);
      addEventListener("popstate", this.pop);
      this.fromURL(!(pre && Array.isArray(pre.hits)));
      if (pre && Array.isArray(pre.hits)) {
        this.data = pre;
        this.render(pre);
      }
    }

    disconnectedCallback() {
      if (this.pop) removeEventListener("popstate", this.pop);
    }

    fromURL(go) {
      const u = new URLSearchParams(location.search);
      const s = this.s;
      const had = STATE.some((k) => u.has(k)) || u.has(this.up);
      if (!had && !go) return;
      s.q = (u.get(this.up) || "").trim();
      s.page = Math.max(1, parseInt(u.get("page"), 10) || 1);
      s.sort = SORTS.includes(u.get("sort")) ? u.get("sort") : "relevance";
      const lib = this.getAttribute("library");
      for (const k of FACETS) s.f[k] = had ? u.getAll(k) : k === "library" && lib ? [lib] : [];
      const y = YEARS.find((r) => String(r[1] ?? "") === (u.get("year_from") || "") && String(r[2] ?? "") === (u.get("year_to") || ""));
      s.y = y ? y[0] : "";
      this.$q.value = s.q;
      if (!go) return;
      if (s.q || this.hasFilter()) this.search(s.page, false, true);
      else if (this.$m) {
        if (this.ab) this.ab.abort();
        this.seq++;
        this.data = null;
        this.$m.hidden = true;
      }
    }

    toURL() {
      const u = new URL(location.href);
      const p = u.searchParams;
      [this.up, ...STATE].forEach((k) => p.delete(k));
      const a = this.apiParams();
      p.set(this.up, this.s.q);
      for (const k of STATE) if (k !== "page" || this.s.page > 1) for (const v of a.getAll(k)) p.append(k, v);
      if (this.s.sort === "relevance") p.delete("sort");
      if (u.href !== location.href) history.pushState(null, "", u.href);
    }

    attributeChangedCallback(name, old, now) {
      if (!this.built || old === now) return;
      const v = this.$q.value;
      this.build();
      this.$q.value = v;
      if (this.data) this.render(this.data);
    }

    build() {
      const t = this.t;
      const r = this.shadowRoot;
      const link = this.getAttribute("mode") === "link";
      r.innerHTML = `<style>${CSS}</style><div class="w" lang="${t.code}" part="root">
<form class="s" role="search" novalidate><label class="l" for="q">${t.label}</label>
<div class="b"><div class="cb"><input id="q" name="q" type="text" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="sg" aria-describedby="hint" autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="search" maxlength="500" placeholder="${t.ph}">
<ul id="sg" role="listbox" aria-label="${t.sugg}" hidden></ul></div>
<button class="go" type="submit">${t.go}</button></div><p id="hint" class="sr">${t.hint}</p></form>
<div id="live" class="sr" role="status" aria-live="polite" aria-atomic="true"></div>
${link ? "" : `<div class="m" id="m" hidden><details class="f" id="fd"><summary>${t.filters}</summary><div id="fc"></div></details>
<section class="r" id="r" aria-labelledby="rh"><h2 class="rh" id="rh" tabindex="-1">${t.results}</h2>
<p class="c" id="cnt"></p><p class="sb"><label for="so">${t.sort}</label><select id="so">${SORTS.map((v, i) => `<option value="${v}">${t.sorts[i]}</option>`).join("")}</select></p><div id="emp"></div><ol class="rl" id="rl"></ol><nav id="pn" aria-label="${t.pages}" hidden></nav></section></div>`}</div>`;
      const $ = (id) => r.getElementById(id);
      ["q", "sg", "live", "m", "fd", "fc", "r", "rh", "cnt", "emp", "rl", "pn", "so"].forEach((id) => (this["$" + id] = $(id)));
      const q = this.$q;
      q.addEventListener("input", () => this.suggestSoon());
      q.addEventListener("keydown", (e) => this.key(e));
      q.addEventListener("blur", () => this.close());
      r.querySelector("form").addEventListener("submit", (e) => {
        e.preventDefault();
        this.submit();
      });
      this.$sg.addEventListener("mousedown", (e) => e.preventDefault());
      this.$sg.addEventListener("click", (e) => {
        const o = e.target.closest("[role=option]");
        if (o) this.pick(+o.dataset.i);
      });
      this.built = true;
      if (link) return;
      this.$so.addEventListener("change", () => {
        this.s.sort = this.$so.value;
        this.search(1);
      });
      this.$fc.addEventListener("change", (e) => {
        const i = e.target;
        if (i.dataset.f) {
          const a = this.s.f[i.dataset.f];
          if (i.checked) a.push(i.value);
          else a.splice(a.indexOf(i.value), 1);
        } else if (i.dataset.y != null) this.s.y = i.value;
        this.search(1);
      });
      this.$fc.addEventListener("click", (e) => {
        if (!e.target.closest(".x")) return;
        this.s.f = { library: [], kind: [], type: [], lang: [] };
        this.s.y = "";
        this.search(1, true);
      });
      this.$rl.addEventListener("click", (e) => {
        const b = e.target.closest("button.t");
        if (b) this.toggle(b);
      });
      this.$emp.addEventListener("click", (e) => {
        const b = e.target.closest("button[data-s]");
        if (!b) return;
        this.$q.value = b.dataset.s;
        this.submit();
        this.$q.focus();
      });
      this.$pn.addEventListener("click", (e) => {
        const b = e.target.closest("button[data-p]");
        if (b && !b.disabled) this.search(+b.dataset.p, true);
      });
    }

    say(msg) {
      const l = this.$live;
      l.textContent = "";
      clearTimeout(this.st);
      this.st = setTimeout(() => (l.textContent = msg), 30);
    }

    /* ---- autocomplete: the ARIA 1.2 combobox with a listbox popup ---- */
    key(e) {
      const n = this.sg.length;
      const open = !this.$sg.hidden;
      switch (e.key) {
        case "ArrowDown":
        case "ArrowUp":
          if (!n) return;
          e.preventDefault();
          if (!open) {
            this.open();
            if (e.altKey) return;
          }
          if (e.key === "ArrowDown") this.move(this.ai + 1 >= n ? 0 : this.ai + 1);
          else this.move(this.ai <= 0 ? n - 1 : this.ai - 1);
          return;
        case "Enter":
          if (open && this.ai >= 0) {
            e.preventDefault();
            this.pick(this.ai);
          }
          return;
        case "Escape":
          if (open) {
            e.preventDefault();
            this.close();
          } else if (this.$q.value) {
            e.preventDefault();
            this.$q.value = "";
            this.sg = [];
          }
          return;
        case "Tab":
          this.close(); // never selects a suggestion
      }
    }

    open() {
      this.$sg.hidden = false;
      this.$q.setAttribute("aria-expanded", "true");
    }

    close() {
      this.$sg.hidden = true;
      this.$q.setAttribute("aria-expanded", "false");
      this.$q.removeAttribute("aria-activedescendant");
      this.ai = -1;
      for (const o of this.$sg.children) o.setAttribute("aria-selected", "false");
    }

    move(i) {
      this.ai = i;
      [...this.$sg.children].forEach((o, j) => o.setAttribute("aria-selected", String(i === j)));
      const o = this.$sg.children[i];
      this.$q.setAttribute("aria-activedescendant", o.id);
      o.scrollIntoView({ block: "nearest" });
    }

    pick(i) {
      this.$q.value = this.sg[i];
      this.close();
      this.submit();
    }

    stopSuggest() {
      clearTimeout(this.tm);
      this.sseq++;
      if (this.sab) this.sab.abort();
      this.close();
    }

    suggestSoon() {
      clearTimeout(this.tm);
      const v = this.$q.value.trim();
      if (this.noSuggest || v.length < 2) {
        this.sg = [];
        this.close();
        return;
      }
      this.tm = setTimeout(() => this.suggest(v), 150);
    }

    async suggest(v) {
      const id = ++this.sseq;
      if (this.sab) this.sab.abort();
      const ac = (this.sab = new AbortController());
      let list = [];
      try {
        const res = await fetch(`${this.api}/api/v1/suggest?${new URLSearchParams({ q: v })}`, { signal: ac.signal });
        if (!res.ok) {
          // Not deployed (yet) on this API: stop asking, keep the plain search box.
          if ([404, 405, 501].includes(res.status)) this.noSuggest = true;
          throw res.status;
        }
        let d = await res.json();
        if (!Array.isArray(d)) d = (d && (d.suggestions || d.items)) || [];
        list = [...new Set(d.map((x) => (typeof x === "string" ? x : x && (x.text || x.title || x.value || x.label))).filter(Boolean).map(String))].slice(0, 8);
      } catch (err) {
        list = [];
      }
      if (id !== this.sseq || this.$q.value.trim() !== v || this.shadowRoot.activeElement !== this.$q) return;
      this.sg = list;
      this.$sg.replaceChildren(...list.map((s, i) => h("li", { id: "o" + i, role: "option", "aria-selected": "false", "data-i": i, text: s })));
      this.close();
      if (list.length) {
        this.open();
        this.say(this.t.nSugg(list.length));
      }
    }

    /* ---- search ---- */
    hasFilter() {
      return this.s.y !== "" || FACETS.some((k) => this.s.f[k].length);
    }

    submit() {
      this.stopSuggest();
      const v = this.$q.value.trim();
      if (this.getAttribute("mode") === "link") {
        if (!v) return;
        const u = new URL(this.getAttribute("href") || this.api + "/", location.href);
        u.searchParams.set(this.getAttribute("url-param") || "q", v);
        location.assign(u.href);
        return;
      }
      if (!v && !this.hasFilter()) return;
      this.s.q = v;
      this.search(1);
    }

    apiParams() {
      const s = this.s;
      const p = new URLSearchParams({ q: s.q, page: s.page, size: this.size });
      if (s.sort !== "relevance") p.set("sort", s.sort);
      for (const k of FACETS) for (const v of s.f[k]) p.append(k, v);
      const y = YEARS.find((r) => r[0] === s.y);
      if (y && y[1] != null) p.set("year_from", y[1]);
      if (y && y[2] != null) p.set("year_to", y[2]);
      return p;
    }

    // keep: the state came from the address (load, Back, Forward), so the address stays.
    async search(page, focus, keep) {
      this.s.page = page;
      const p = this.apiParams();
      if (this.up && !keep) this.toURL();
      if (this.ab) this.ab.abort();
      const ac = (this.ab = new AbortController());
      const id = ++this.seq;
      this.$m.hidden = false;
      this.$r.setAttribute("aria-busy", "true");
      let d;
      try {
        const res = await fetch(`${this.api}/api/v1/search?${p}`, { signal: ac.signal });
        d = await res.json();
        if (!res.ok || !Array.isArray(d.hits)) throw d;
      } catch (err) {
        if (id === this.seq) this.fail();
        return;
      }
      if (id !== this.seq) return;
      this.data = d;
      this.render(d, focus);
    }

    fail() {
      const t = this.t;
      this.data = null;
      this.$r.removeAttribute("aria-busy");
      this.$cnt.textContent = "";
      this.$rl.replaceChildren();
      this.$pn.hidden = true;
      this.$emp.replaceChildren(h("p", { class: "er", text: t.err }));
      this.say(t.err);
    }

    render(d, focus) {
      const t = this.t;
      const q = this.s.q;
      if (this.$m.hidden) this.$m.hidden = false;
      this.$r.removeAttribute("aria-busy");
      const size = d.size || this.size;
      const pages = Math.max(1, Math.min(Math.ceil(d.total / size), Math.floor(MAX_WINDOW / size)));
      const msg = d.total ? t.found(d.total, q, d.page, pages) : t.none(q);
      this.$cnt.textContent = d.total ? msg : "";
      this.$emp.replaceChildren(
        ...(d.total
          ? []
          : [
              h("p", { class: "e", text: msg }),
              d.suggestion &&
                h("p", {}, t.didYou + " ", h("button", { type: "button", class: "lk", "data-s": d.suggestion, text: d.suggestion }), "?"),
            ]
        ).filter(Boolean)
      );
      this.$rl.replaceChildren(...d.hits.map((x) => this.hit(x)));
      this.$so.value = this.s.sort;
      this.facets(d.facets || {});
      this.pager(d.page, pages);
      if (this.fdSet !== true) {
        this.$fd.open = this.$m.clientWidth >= 700;
        this.fdSet = true;
      }
      this.say(msg + (!d.total && d.suggestion ? ` ${t.didYou} “${d.suggestion}”?` : ""));
      if (focus) this.$rh.focus();
      this.dispatchEvent(new CustomEvent("mucluc-results", { bubbles: true, composed: true, detail: { q, total: d.total, page: d.page } }));
    }

    hit(x) {
      const t = this.t;
      const id = "d-" + x.id;
      const hl = ((x.highlight && x.highlight.title) || []).find((v) => unescape(v.replace(/<\/?mark>/g, "")) === x.title);
      const title = hl ? marks(hl) : [x.title];
      const type = x.type && x.type !== "book" ? t.types[x.type] || x.type : "";
      const meta = join([join(x.authors, "; "), x.publisher, x.year, type], " · ");
      const hold = (x.holdings || [])
        .map((o) => `${o.library_name || o.library} (${join([o.call_number, t.copies(o.copies || 1)], ", ")})`)
        .join("; ");
      return h("li", { class: "h" },
        h("h3", { class: "ht" },
          h("button", { type: "button", class: "t", id: "b-" + x.id, "aria-expanded": "false", "aria-controls": id, "data-id": x.id },
            title, x.subtitle ? " : " + x.subtitle : "", x.part ? ". " + x.part : "")),
        meta && h("p", { class: "mt", text: meta }),
        hold && h("p", { class: "ho" }, h("strong", { text: t.at }), " " + hold),
        x.work && x.work.editions > 1 && h("p", { class: "wk" }, h("a", { href: `${this.api}/?q=*&work=${encodeURIComponent(x.work.id)}`, text: t.editions(x.work.editions, x.work.libraries) })),
        h("a", { class: "pg", href: `${this.api}/records/${encodeURIComponent(x.id)}`, "aria-describedby": "b-" + x.id, text: t.open }),
        h("div", { id, class: "d", hidden: true }));
    }

    async toggle(b) {
      const d = this.shadowRoot.getElementById(b.getAttribute("aria-controls"));
      const open = b.getAttribute("aria-expanded") !== "true";
      b.setAttribute("aria-expanded", String(open));
      d.hidden = !open;
      if (!open || d.dataset.ok) return;
      d.replaceChildren(h("p", { text: this.t.loading }));
      try {
        const res = await fetch(`${this.api}/api/v1/records/${encodeURIComponent(b.dataset.id)}`);
        const r = await res.json();
        if (!res.ok) throw r;
        d.replaceChildren(this.detail(r));
        d.dataset.ok = "1";
      } catch (err) {
        d.replaceChildren(h("p", { class: "er", text: this.t.dErr }));
      }
    }

    detail(r) {
      const t = this.t;
      const rows = [
        [t.author, join(r.authors, "; ")],
        [t.pub, join([r.place, r.publisher, r.year], ", ")],
        [t.edition, r.edition],
        [t.pagesN, r.pages],
        [t.series, join(r.series, "; ")],
        [t.subjects, join(r.subjects, "; ")],
        [t.isbn, join(r.isbns, ", ")],
        [t.summary, r.summary],
      ].filter((x) => x[1]);
      return h("div", {},
        h("dl", {}, rows.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: String(v) })])),
        h("p", { class: "hh", text: t.holdings }),
        h("ul", { class: "hl" }, (r.holdings || []).map((o) =>
          h("li", { text: `${o.library_name || o.library}: ${join([o.call_number && `${t.call} ${o.call_number}`, t.copies(o.copies || 1), o.location, o.record_id && `${t.rec} ${o.record_id}`], ", ")}` }))));
    }

    facets(f) {
      const t = this.t;
      const s = this.s;
      const fc = this.$fc;
      const act = this.shadowRoot.activeElement;
      const focusKey = act && fc.contains(act) ? act.dataset.k : null;
      const groups = FACETS.map((k) => {
        const b = (f[k] || []).slice();
        for (const v of s.f[k]) if (!b.some((x) => x.value === v)) b.push({ value: v, label: v, count: 0 });
        if (!b.length) return null;
        return h("fieldset", {}, h("legend", { text: t[k] }), b.map((x) => {
          const label = k === "type" ? t.types[x.value] || x.value : k === "lang" ? t.langs[x.value] || x.value : x.label || x.value;
          return h("label", { class: "o" },
            h("input", { type: "checkbox", "data-f": k, "data-k": k + ":" + x.value, value: x.value, checked: s.f[k].includes(x.value) }),
            h("span", {}, label + " ", h("span", { class: "n", text: `(${x.count})` })));
        }));
      });
      const years = h("fieldset", {}, h("legend", { text: t.year }), YEARS.map(([v, , , label]) =>
        h("label", { class: "o" },
          h("input", { type: "radio", name: "y", "data-y": "", "data-k": "y:" + v, value: v, checked: s.y === v }),
          h("span", { text: label(t) }))));
      fc.replaceChildren(...[...groups, years, this.hasFilter() && h("button", { type: "button", class: "x", text: t.clear })].filter(Boolean));
      if (focusKey) {
        const e = [...fc.querySelectorAll("input")].find((i) => i.dataset.k === focusKey);
        if (e) e.focus();
      }
    }

    pager(p, P) {
      const t = this.t;
      const nav = this.$pn;
      nav.hidden = P < 2;
      if (P < 2) return nav.replaceChildren();
      const nums = [...new Set([1, p - 1, p, p + 1, P])].filter((n) => n >= 1 && n <= P).sort((a, b) => a - b);
      const btn = (n, text, extra) => h("button", Object.assign({ type: "button", "data-p": n, text }, extra));
      const items = [h("li", {}, btn(p - 1, t.prev, { disabled: p <= 1 }))];
      let last = 0;
      for (const n of nums) {
        if (n - last > 1) items.push(h("li", { "aria-hidden": "true", text: "…" }));
        last = n;
        items.push(h("li", {}, n === p
          ? h("span", { class: "cur", "aria-current": "page" }, h("span", { class: "sr", text: t.page("") }), String(n))
          : btn(n, String(n), { "aria-label": t.page(n) })));
      }
      items.push(h("li", {}, btn(p + 1, t.next, { disabled: p >= P })));
      nav.replaceChildren(h("ul", {}, items));
    }
  }

  customElements.define("mucluc-search", MuclucSearch);
})();
