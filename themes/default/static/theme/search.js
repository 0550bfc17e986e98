/* gongkai search page (output.md "Search"): the index is built by src/render/search.rs.
 *
 * No third-party code and no request beyond the site itself. The pure part (normalizing,
 * tokenizing, decoding chunks, matching, ranking, snippets) has no DOM access and is exported for
 * node (`require('search.js')`), where the test suite runs it against a built index. The page part
 * runs only in a browser.
 *
 * Matching, in short: text is normalized one character to one character (full-width ASCII →
 * ASCII, A–Z → a–z); a–z, 0–9 and Han characters are "indexed"; a query is split at the other
 * characters into terms; a term of two or more characters occurs at s when each of its covering
 * bigrams (offsets 0, 2, 4, …, and L−2) occurs at s + offset. The index stores every bigram with
 * all its positions, so this is exact. A record matches when it contains every term. A single term
 * of letters/digits also matches the pinyin initials of titles (kiosk keypad: JZDT → 加装电梯).
 * A query fetches only the chunks of its own bigrams, cheapest first, and stops early once the
 * records left can be checked against the text the results page shows anyway (see `locate`).
 */
(function (global, factory) {
  'use strict';
  var core = factory();
  if (typeof module === 'object' && module.exports) module.exports = core;
  else if (typeof document !== 'undefined') core.startPage(global, document);
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var FORMAT = 2;
  /** Results shown at a time. */
  var PAGE = 10;
  /** Postings bytes (as stored, compressed) a query fetches before it leaves the rest to checking
   *  the shown records' text: about 320 KB of postings once inflated. */
  var POSTINGS_BUDGET = 192 * 1024;

  /* ---------------- text ---------------- */

  function normCode(cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    else if (cp === 0x3000) cp = 0x20;
    if (cp >= 0x41 && cp <= 0x5A) cp += 0x20;
    return cp;
  }

  function isHan(cp) {
    return cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x323AF);
  }

  function isIndexed(cp) {
    return (cp >= 0x61 && cp <= 0x7A) || (cp >= 0x30 && cp <= 0x39) || isHan(cp);
  }

  /** Code points of a string. */
  function codes(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.codePointAt(i);
      if (c > 0xFFFF) i++;
      out.push(c);
    }
    return out;
  }

  /** Characters (as strings, one per code point) of a string. */
  function chars(s) { return Array.from(s); }

  function normalize(s) {
    return String.fromCodePoint.apply(null, codes(s).map(normCode));
  }

  /**
   * A query → { terms: [[code points]], short: [strings too short to search], initials: string|null }.
   * Terms are kept in order, duplicates dropped.
   */
  function parseQuery(q) {
    var cps = codes(String(q || '')).map(normCode);
    var runs = [];
    var cur = [];
    cps.forEach(function (c) {
      if (isIndexed(c)) cur.push(c);
      else if (cur.length) { runs.push(cur); cur = []; }
    });
    if (cur.length) runs.push(cur);
    var terms = [];
    var short = [];
    var seen = {};
    runs.forEach(function (r) {
      var key = String.fromCodePoint.apply(null, r);
      if (seen[key]) return;
      seen[key] = true;
      if (r.length >= 2) terms.push(r);
      else short.push(key);
    });
    var initials = null;
    if (terms.length === 1 && runs.length === 1) {
      var t = String.fromCodePoint.apply(null, terms[0]);
      if (/^[a-z0-9]+$/.test(t) && /[a-z]/.test(t)) initials = t;
    }
    return { terms: terms, short: short, initials: initials };
  }

  /** The covering bigrams of a term: [{token, offset}]. */
  function cover(term, prefix) {
    var out = [];
    var L = term.length;
    var push = function (o) {
      out.push({ token: (prefix || '') + String.fromCodePoint(term[o], term[o + 1]), offset: o });
    };
    for (var o = 0; o + 1 < L; o += 2) push(o);
    if (L % 2 === 1 && L >= 3) push(L - 2);
    return out;
  }

  /** Code-point order (UTF-8 byte order), as the Rust side sorts tokens. */
  function compareTokens(a, b) {
    var x = codes(a);
    var y = codes(b);
    var n = Math.min(x.length, y.length);
    for (var i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return x.length - y.length;
  }

  /** Index of the chunk that would hold `token` (a token, or a record id): the last whose first entry is ≤ it. */
  function chunkFor(firsts, token) {
    var lo = 0;
    var hi = firsts.length - 1;
    var found = -1;
    var numeric = typeof token === 'number';
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      var c = numeric ? firsts[mid] - token : compareTokens(firsts[mid], token);
      if (c <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  /* ---------------- binary chunks ---------------- */

  function Reader(bytes, pos) { this.b = bytes; this.p = pos || 0; }
  Reader.prototype.varint = function () {
    var v = 0;
    var mul = 1;
    for (;;) {
      var byte = this.b[this.p++];
      if (byte === undefined) throw new Error('truncated search chunk');
      v += (byte & 0x7F) * mul;
      if (byte < 0x80) return v;
      mul *= 128;
    }
  };

  var utf8 = typeof TextDecoder !== 'undefined' ? new TextDecoder('utf-8') : null;

  /* ---------------- inflate (RFC 1950 and 1951) ---------------- */

  // The index's chunks are zlib data: the records' text is half of the index and takes less than
  // half its size so, the postings about 60%. A small inflater (after zlib's puff.c) rather than DecompressionStream,
  // which the phones of iOS before 16.4 lack.
  var LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

  /** A canonical Huffman code from its code lengths: codes per length, symbols in code order. */
  function huffman(lengths) {
    var count = new Uint16Array(16), offs = new Uint16Array(16), symbol = new Uint16Array(lengths.length);
    var i;
    for (i = 0; i < lengths.length; i++) count[lengths[i]]++;
    count[0] = 0;
    for (i = 1; i < 16; i++) offs[i] = offs[i - 1] + count[i - 1];
    for (i = 0; i < lengths.length; i++) if (lengths[i]) symbol[offs[lengths[i]]++] = i;
    return { count: count, symbol: symbol };
  }

  var FIXED = (function () {
    var l = new Uint8Array(288), d = new Uint8Array(30), i;
    for (i = 0; i < 288; i++) l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
    for (i = 0; i < 30; i++) d[i] = 5;
    return { lit: huffman(l), dist: huffman(d) };
  })();

  /** zlib data → its bytes. Throws on data that is not zlib or is cut short. */
  function inflate(src) {
    if (src.length < 2 || (src[0] & 15) !== 8 || ((src[0] << 8) | src[1]) % 31 !== 0) throw new Error('not zlib data');
    var pos = 2, buf = 0, cnt = 0, n = 0;
    var out = new Uint8Array(src.length * 4 + 1024);
    function bits(k) {
      while (cnt < k) {
        if (pos >= src.length) throw new Error('zlib data cut short');
        buf |= src[pos++] << cnt;
        cnt += 8;
      }
      var v = buf & ((1 << k) - 1);
      buf >>>= k;
      cnt -= k;
      return v;
    }
    function put(b) {
      if (n === out.length) { var more = new Uint8Array(out.length * 2); more.set(out); out = more; }
      out[n++] = b;
    }
    function decode(h) {
      var code = 0, first = 0, index = 0;
      for (var len = 1; len < 16; len++) {
        code |= bits(1);
        var c = h.count[len];
        if (code - first < c) return h.symbol[index + code - first];
        index += c;
        first = (first + c) << 1;
        code <<= 1;
      }
      throw new Error('bad zlib code');
    }
    var last, i;
    do {
      last = bits(1);
      var type = bits(2);
      if (type === 0) {
        buf = cnt = 0; // to the byte boundary
        if (pos + 4 > src.length) throw new Error('zlib data cut short');
        var len = src[pos] | (src[pos + 1] << 8);
        pos += 4;
        if (pos + len > src.length) throw new Error('zlib data cut short');
        for (i = 0; i < len; i++) put(src[pos++]);
        continue;
      }
      var lit, dist;
      if (type === 1) {
        lit = FIXED.lit;
        dist = FIXED.dist;
      } else if (type === 2) {
        var nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
        var cl = new Uint8Array(19);
        for (i = 0; i < ncode; i++) cl[CL_ORDER[i]] = bits(3);
        var clcode = huffman(cl);
        var lengths = new Uint8Array(nlen + ndist);
        for (i = 0; i < nlen + ndist;) {
          var sym = decode(clcode);
          if (sym < 16) { lengths[i++] = sym; continue; }
          var val = 0, rep;
          if (sym === 16) {
            if (i === 0) throw new Error('bad zlib lengths');
            val = lengths[i - 1];
            rep = 3 + bits(2);
          } else if (sym === 17) rep = 3 + bits(3);
          else rep = 11 + bits(7);
          if (i + rep > nlen + ndist) throw new Error('bad zlib lengths');
          while (rep--) lengths[i++] = val;
        }
        lit = huffman(lengths.subarray(0, nlen));
        dist = huffman(lengths.subarray(nlen));
      } else throw new Error('bad zlib block');
      for (;;) {
        var s = decode(lit);
        if (s < 256) { put(s); continue; }
        if (s === 256) break;
        s -= 257;
        if (s >= 29) throw new Error('bad zlib length');
        var size = LEN_BASE[s] + bits(LEN_EXTRA[s]);
        var d = decode(dist);
        if (d >= 30) throw new Error('bad zlib distance');
        var back = DIST_BASE[d] + bits(DIST_EXTRA[d]);
        if (back > n) throw new Error('bad zlib distance');
        while (size--) put(out[n - back]);
      }
    } while (!last);
    return out.subarray(0, n);
  }

  /** A token chunk → Map token → [start, end) of its postings in the bytes (decoded lazily). */
  function parseChunk(bytes) {
    var r = new Reader(bytes, 0);
    var n = r.varint();
    var map = new Map();
    for (var i = 0; i < n; i++) {
      var len = r.varint();
      var token = utf8.decode(bytes.subarray(r.p, r.p + len));
      r.p += len;
      var blen = r.varint();
      map.set(token, { bytes: bytes, start: r.p, end: r.p + blen, decoded: null });
      r.p += blen;
    }
    return map;
  }

  /** Postings → Map doc id → sorted positions. */
  function decodePostings(entry) {
    if (entry.decoded) return entry.decoded;
    var r = new Reader(entry.bytes, entry.start);
    var docs = r.varint();
    var out = new Map();
    var next = 0;
    for (var i = 0; i < docs; i++) {
      var id = next + r.varint();
      var n = r.varint();
      var pos = new Array(n);
      var last = 0;
      for (var k = 0; k < n; k++) {
        last = k === 0 ? r.varint() : last + r.varint();
        pos[k] = last;
      }
      out.set(id, pos);
      next = id + 1;
    }
    entry.decoded = out;
    return out;
  }

  function hasSorted(arr, v) {
    var lo = 0;
    var hi = arr.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (arr[mid] === v) return true;
      if (arr[mid] < v) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }

  /** Where a term occurs: Map doc id → sorted start positions. `lists` pairs each covering bigram with its postings. */
  function occurrences(lists) {
    var result = new Map();
    if (!lists.length || lists.some(function (l) { return !l.postings; })) return result;
    var driver = lists[0];
    lists.forEach(function (l) { if (l.postings.size < driver.postings.size) driver = l; });
    driver.postings.forEach(function (positions, doc) {
      var others = [];
      for (var i = 0; i < lists.length; i++) {
        if (lists[i] === driver) continue;
        var p = lists[i].postings.get(doc);
        if (!p) return;
        others.push({ pos: p, offset: lists[i].offset });
      }
      var starts = [];
      positions.forEach(function (p) {
        var s = p - driver.offset;
        if (s < 0) return;
        for (var j = 0; j < others.length; j++) if (!hasSorted(others[j].pos, s + others[j].offset)) return;
        starts.push(s);
      });
      if (starts.length) result.set(doc, starts);
    });
    return result;
  }

  /* ---------------- the index ---------------- */

  /**
   * opts: { fetchJSON(path) → Promise<value>, fetchBytes(path) → Promise<Uint8Array> }; paths are
   * relative to the site's `search/` directory (`meta.json`, `DIR/t3.bin`, `DIR/d0.bin`).
   */
  function createIndex(opts) {
    var metaPromise = null;
    var files = new Map();

    function meta() {
      if (!metaPromise) {
        metaPromise = opts.fetchJSON('meta.json').then(function (m) {
          if (!m || m.version !== FORMAT) throw new Error('search index format ' + (m && m.version) + ' is not ' + FORMAT);
          // Doc chunks: one character per chunk = how many records it holds → first id of each chunk.
          m.docStarts = [];
          var next = 0;
          for (var i = 0; i < m.dn.length; i++) {
            m.docStarts.push(next);
            next += GROUP_ALPHABET.indexOf(m.dn.charAt(i));
          }
          return m;
        });
      }
      return metaPromise;
    }

    function tokenPath(m, token) {
      var n = chunkFor(m.tokens, token);
      return n < 0 ? null : m.dir + '/t' + n + '.bin';
    }

    function tokenChunk(path) {
      if (!files.has(path)) files.set(path, opts.fetchBytes(path).then(function (b) { return parseChunk(inflate(b)); }));
      return files.get(path);
    }

    function docChunk(m, n) {
      var path = m.dir + '/d' + n + '.bin';
      if (!files.has(path)) {
        files.set(path, opts.fetchBytes(path).then(function (b) { return JSON.parse(utf8.decode(inflate(b))); }));
      }
      return files.get(path);
    }

    /** Loads one covering bigram: sets part.postings (null when the bigram does not occur). */
    function load(m, part) {
      var path = tokenPath(m, part.token);
      if (!path) { part.postings = null; return Promise.resolve(); }
      return tokenChunk(path).then(function (map) {
        var e = map.get(part.token);
        part.postings = e ? decodePostings(e) : null;
      });
    }

    function groupOf(m, id) {
      var w = m.width || 1;
      var g = 0;
      for (var k = 0; k < w; k++) g = g * 64 + GROUP_ALPHABET.indexOf(m.g.charAt(id * w + k));
      return m.groups[g];
    }

    /**
     * The starts (among `starts`; null: anywhere) where `term` really is in the record's text
     * (title positions below base, the rest from base on).
     */
    function confirm(doc, base, term, starts) {
      var title = null;
      var rest = null;
      if (!starts) {
        starts = [];
        var tl = codes(doc.t).length;
        var xl = codes(doc.x || '').length;
        for (var i = 0; i < tl; i++) starts.push(i);
        for (var j = 0; j < xl; j++) starts.push(base + j);
      }
      return starts.filter(function (s) {
        var src;
        if (s < base) { if (!title) title = codes(doc.t); src = title; } else { if (!rest) rest = codes(doc.x || ''); src = rest; s -= base; }
        if (s + term.length > src.length) return false;
        for (var j = 0; j < term.length; j++) if (normCode(src[s + j]) !== term[j]) return false;
        return true;
      });
    }

    function rankOf(m, h) {
      h.titleTerms = h.starts.filter(function (s) { return s && s[0] < m.base; }).length;
      h.rank = h.titleTerms > 0 ? 0 : 1;
    }

    function byRank(a, b) { return a.rank - b.rank || b.titleTerms - a.titleTerms || a.id - b.id; }

    /**
     * Where the terms occur: { ids, maps: [Map id → starts (null: not looked up)] per term, exact }
     * for the records that (may) contain every term.
     *
     * The covering bigrams are fetched cheapest chunk first (`meta.ts` has each chunk's size; one
     * already here costs nothing), two in the first round, then one per round. It stops early when
     *  - at most PAGE records are left: the rest is checked against those records' text, which the
     *    first page of results loads anyway (exact);
     *  - the next chunk would pass POSTINGS_BUDGET (a long query of very common words): the records
     *    left are a superset of the answer (recall stays 100%) and `exact` is false; each page of
     *    results is then checked against the text before it is shown (see `page`).
     */
    function locate(m, terms) {
      var state = terms.map(function (t) { return { term: t, parts: cover(t, ''), done: [] }; });
      // Planned order (ties): the first and last bigram of each term, then the middle ones.
      var queue = [];
      state.forEach(function (st) {
        var ps = st.parts;
        (ps.length > 1 ? [ps[0], ps[ps.length - 1]] : ps).forEach(function (p) { p.st = st; queue.push(p); });
      });
      var longest = Math.max.apply(null, state.map(function (st) { return st.parts.length; }));
      for (var k = 1; k < longest - 1; k++) {
        state.forEach(function (st) { if (k < st.parts.length - 1) { st.parts[k].st = st; queue.push(st.parts[k]); } });
      }
      queue.forEach(function (p, i) { p.order = i; });
      var spent = 0;
      /** Bytes fetching a bigram's chunk would cost now (0 when it is here or being fetched). */
      function cost(p) {
        var path = tokenPath(m, p.token);
        if (!path || files.has(path)) return 0;
        var n = chunkFor(m.tokens, p.token);
        return Math.max(1, GROUP_ALPHABET.indexOf(m.ts.charAt(n))) * 2048;
      }
      function current() {
        var maps = state.map(function (st) { return st.done.length ? occurrences(st.done) : null; });
        var known = maps.filter(Boolean);
        var smallest = known.reduce(function (a, b) { return b.size < a.size ? b : a; });
        var ids = [];
        smallest.forEach(function (_, id) { if (known.every(function (mp) { return mp.has(id); })) ids.push(id); });
        return { maps: maps, ids: ids };
      }
      function none() { return { ids: [], maps: state.map(function () { return new Map(); }), exact: true }; }
      function restrict(cur, exact) {
        return {
          ids: cur.ids,
          maps: cur.maps.map(function (mp) {
            var out = new Map();
            cur.ids.forEach(function (id) { out.set(id, mp ? mp.get(id) : null); });
            return out;
          }),
          exact: exact
        };
      }
      /** One round: every bigram that costs nothing, plus the `want` cheapest others within the budget. */
      function round(want, cur) {
        queue.sort(function (a, b) { return cost(a) - cost(b) || a.order - b.order; });
        var batch = [];
        while (queue.length) {
          var c = cost(queue[0]);
          if (c > 0) {
            if (want <= 0) break;
            // Over budget: stop, unless nothing is known yet.
            if (cur && spent + c > POSTINGS_BUDGET) break;
            want--;
            spent += c;
          }
          var p = queue.shift();
          batch.push(p);
          p.st.done.push(p);
        }
        if (!batch.length) return Promise.resolve(restrict(cur, false));
        return Promise.all(batch.map(function (p) { return load(m, p); })).then(function () {
          if (state.some(function (st) { return st.done.some(function (p) { return !p.postings; }); })) return none();
          var next = current();
          if (!next.ids.length) return none();
          if (!queue.length) return restrict(next, true);
          if (next.ids.length <= PAGE) return verify(next);
          return round(1, next);
        });
      }
      function verify(cur) {
        return docs(cur.ids).then(function (list) {
          var out = state.map(function () { return new Map(); });
          var ids = [];
          list.forEach(function (doc, k) {
            var id = cur.ids[k];
            var all = state.map(function (st, i) { return confirm(doc, m.base, st.term, cur.maps[i] ? cur.maps[i].get(id) : null); });
            if (all.every(function (a) { return a.length > 0; })) {
              ids.push(id);
              all.forEach(function (a, i) { out[i].set(id, a); });
            }
          });
          return { ids: ids, maps: out, exact: true };
        });
      }
      return round(2, null);
    }

    /** Pinyin-initials hits: Map id → starts in the title's joined readings. */
    function locateInitials(m, initials) {
      var parts = cover(codes(initials), '#');
      return Promise.all(parts.map(function (p) { return load(m, p); })).then(function () { return occurrences(parts); });
    }

    /**
     * Runs a query. Resolves to { query, parsed, base, exact, hits: [{id, group, starts: [[…] per
     * term] | null, initials: [...] | null, titleTerms, rank, unsure}] } in rank order: records
     * with more terms in the title first (rank 0), then matches in the rest of the text (rank 1),
     * then records matched by the pinyin initials of their title only (the most common reading
     * first, rank 2, then other readings, rank 3); newest first within a rank. When `exact` is
     * false, hits marked `unsure` may still turn out not to match: show them through `page`.
     */
    function search(q) {
      var parsed = parseQuery(q);
      if (!parsed.terms.length) return Promise.resolve({ query: q, parsed: parsed, hits: [], base: 0, exact: true });
      return meta().then(function (m) {
        var jobs = [locate(m, parsed.terms), parsed.initials ? locateInitials(m, parsed.initials) : Promise.resolve(new Map())];
        return Promise.all(jobs).then(function (res) {
          var found = res[0];
          var initials = res[1];
          var hits = [];
          found.ids.forEach(function (id) {
            var h = { id: id, starts: found.maps.map(function (mp) { return mp.get(id); }), initials: initials.get(id) || null,
                      unsure: !found.exact };
            rankOf(m, h);
            hits.push(h);
          });
          var seen = new Set(hits.map(function (h) { return h.id; }));
          initials.forEach(function (starts, id) {
            // Matches of a title's most common reading (positions below base) before other readings.
            if (!seen.has(id)) hits.push({ id: id, starts: null, initials: starts, titleTerms: 0, rank: starts[0] < m.base ? 2 : 3, unsure: false });
          });
          hits.sort(byRank);
          hits.forEach(function (h) { h.group = groupOf(m, h.id); });
          return { query: q, parsed: parsed, hits: hits, base: m.base, exact: found.exact };
        });
      });
    }

    /**
     * The first `n` hits that pass `keep` (a filter), each checked against its text when the
     * search was not exact, with their display data: Promise<{ hits, docs }>. Hits that turn out
     * not to match are removed from `res.hits`; when none is left unsure, `res.exact` becomes true.
     */
    function page(res, keep, n) {
      return meta().then(function (m) {
        function loop() {
          var list = res.hits.filter(keep).slice(0, n);
          return docs(list.map(function (h) { return h.id; })).then(function (ds) {
            var changed = false;
            list.forEach(function (h, i) {
              if (!h.unsure) return;
              h.unsure = false;
              var starts = h.starts.map(function (s, t) { return confirm(ds[i], m.base, res.parsed.terms[t], s); });
              if (starts.every(function (s) { return s.length > 0; })) {
                var rank = h.rank;
                h.starts = starts;
                rankOf(m, h);
                if (h.rank !== rank) changed = true;
              } else if (h.initials) {
                h.starts = null;
                h.titleTerms = 0;
                h.rank = h.initials[0] < m.base ? 2 : 3;
                changed = true;
              } else {
                h.drop = true;
                changed = true;
              }
            });
            if (changed) {
              res.hits = res.hits.filter(function (h) { return !h.drop; });
              res.hits.sort(byRank);
              return loop();
            }
            if (!res.hits.some(function (h) { return h.unsure; })) res.exact = true;
            return { hits: list, docs: ds };
          });
        }
        return loop();
      });
    }

    /** The display data of records, in the order asked: [{u, t, d, x, i?, p?, w?, dl?, cl?}]. */
    function docs(ids) {
      return meta().then(function (m) {
        return Promise.all(ids.map(function (id) {
          var n = chunkFor(m.docStarts, id);
          return docChunk(m, n).then(function (list) { return list[id - m.docStarts[n]]; });
        }));
      });
    }

    return { meta: meta, search: search, page: page, docs: docs };
  }

  var GROUP_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';

  /** Whether a hit passes the kind (record type) and status filters. */
  function passes(hit, kind, status) {
    var g = hit.group || {};
    if (kind && g.type !== kind) return false;
    if (status === 'overdue') return !!g.overdue;
    if (status && g.status !== status) return false;
    return true;
  }

  /* ---------------- highlighting and snippets ---------------- */

  /** Marks every occurrence of the terms in `text`: [{text, mark}] segments. `extra` = [[from, to)] code-point ranges to mark too. */
  function highlight(text, terms, extra) {
    var cs = chars(text);
    var n = cs.map(function (c) { return normCode(c.codePointAt(0)); });
    var marked = new Array(cs.length).fill(false);
    terms.forEach(function (t) {
      for (var i = 0; i + t.length <= n.length; i++) {
        var ok = true;
        for (var k = 0; k < t.length; k++) if (n[i + k] !== t[k]) { ok = false; break; }
        if (ok) for (var j = 0; j < t.length; j++) marked[i + j] = true;
      }
    });
    (extra || []).forEach(function (r) { for (var i = Math.max(0, r[0]); i < Math.min(cs.length, r[1]); i++) marked[i] = true; });
    var out = [];
    cs.forEach(function (c, i) {
      var last = out[out.length - 1];
      if (last && last.mark === marked[i]) last.text += c;
      else out.push({ text: c, mark: marked[i] });
    });
    return out;
  }

  /** Title character ranges matched by an initials hit (positions in the joined variants). */
  function initialsRanges(doc, starts, length, base) {
    if (!doc.i || !starts) return [];
    var aligned = chars(doc.i);
    var bearing = [];
    aligned.forEach(function (c, i) { if (c !== '.') bearing.push(i); });
    var L = bearing.length;
    return starts.map(function (s) {
      // The most common reading at 0..L, the others joined by '|' from base on.
      var k = s < base ? s : (s - base) % (L + 1);
      var from = bearing[k];
      var to = bearing[Math.min(L - 1, k + length - 1)] + 1;
      return [from, to];
    });
  }

  /**
   * The title and snippet of one hit as highlighted segments: { title: [...], snippet: [...] }.
   * The snippet is cut around the first match in the record's text (or its start).
   */
  function present(doc, hit, parsed, base, width) {
    width = width || 90;
    var terms = parsed.terms;
    var extra = hit.initials && parsed.initials ? initialsRanges(doc, hit.initials, parsed.initials.length, base) : [];
    var title = highlight(doc.t, terms, extra);
    var text = chars(doc.x || '');
    var at = -1;
    var len = 0;
    (hit.starts || []).forEach(function (s, i) {
      var inBody = s.filter(function (p) { return p >= base; });
      if (inBody.length && (at < 0 || inBody[0] - base < at)) { at = inBody[0] - base; len = terms[i].length; }
    });
    var from = 0;
    if (at >= 0) {
      from = Math.max(0, at - Math.floor((width - len) / 3));
      // Start after a line break when one is close before the match.
      for (var b = at - 1; b >= from; b--) if (text[b] === '\n') { from = b + 1; break; }
    }
    var to = Math.min(text.length, from + width);
    var piece = text.slice(from, to).join('').replace(/\n/g, ' ');
    var snippet = highlight(piece, terms);
    if (from > 0) snippet.unshift({ text: '…', mark: false });
    if (to < text.length) snippet.push({ text: '…', mark: false });
    return { title: title, snippet: snippet };
  }

  /* ---------------- the page ---------------- */

  function startPage(win, doc) {
    var form = doc.getElementById('search-form');
    var input = doc.getElementById('search-q');
    var results = doc.getElementById('search-results');
    if (!form || !input || !results) return;
    var kindSel = doc.getElementById('search-kind');
    var statusSel = doc.getElementById('search-status');
    var statusLine = doc.getElementById('search-status-line');
    var root = doc.documentElement.getAttribute('data-root') || '/';
    var searchBase = root + 'search/';

    function fetchOk(path) {
      return win.fetch(searchBase + path, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' ' + path);
        return r;
      });
    }
    var index = createIndex({
      fetchJSON: function (p) { return fetchOk(p).then(function (r) { return r.json(); }); },
      fetchBytes: function (p) { return fetchOk(p).then(function (r) { return r.arrayBuffer(); }).then(function (b) { return new Uint8Array(b); }); }
    });

    var seq = 0;
    var last = null;     // the last completed search
    var shown = PAGE;
    var timer = null;

    function el(tag, cls, text) {
      var e = doc.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined && text !== null) e.textContent = text;
      return e;
    }
    function appendSegments(parent, segs) {
      segs.forEach(function (s) {
        if (s.mark) parent.appendChild(el('mark', '', s.text));
        else parent.appendChild(doc.createTextNode(s.text));
      });
    }
    function zhDate(iso) {
      var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
      return m ? (+m[1]) + '年' + (+m[2]) + '月' + (+m[3]) + '日' : '';
    }
    function say(text) {
      if (statusLine) statusLine.textContent = text;
    }

    function syncUrl() {
      try {
        var params = new URLSearchParams(win.location.search);
        var set = function (k, v) { if (v) params.set(k, v); else params.delete(k); };
        set('q', input.value.trim());
        set('kind', kindSel ? kindSel.value : '');
        set('status', statusSel ? statusSel.value : '');
        var qs = params.toString();
        win.history.replaceState(win.history.state, '', win.location.pathname + (qs ? '?' + qs : '') + win.location.hash);
      } catch (e) { /* file:// or old browser: the URL just does not follow */ }
    }

    function optionCounts(sel, hits, key) {
      if (!sel) return;
      Array.prototype.forEach.call(sel.options, function (o) {
        if (!o.hasAttribute('data-label')) o.setAttribute('data-label', o.textContent);
        var label = o.getAttribute('data-label');
        if (!o.value || !hits) { o.textContent = label; return; }
        var n = hits.filter(function (h) { return key(h, o.value); }).length;
        o.textContent = label + '（' + n + '）';
      });
    }

    function statusBadge(g, d) {
      if (!g.status) return null;
      var b = el('span', 'badge status-' + g.status, g.status_label);
      if (g.type === 'notice' && d.p) {
        b.setAttribute('data-gk-status', 'publicity');
        b.setAttribute('data-start', d.p[0]);
        b.setAttribute('data-end', d.p[1]);
        b.setAttribute('data-withdrawn', d.w || '');
      }
      return b;
    }

    function card(hit, d, res) {
      var g = hit.group || {};
      var p = present(d, hit, res.parsed, res.base);
      var art = el('article', 'card search-hit card-' + (g.type || 'page') + (g.overdue ? ' is-overdue' : ''));
      var h = el('h3', 'card-title');
      var a = el('a');
      a.href = d.u;
      appendSegments(a, p.title);
      h.appendChild(a);
      art.appendChild(h);
      var labels = el('p', 'card-labels');
      if (g.type_label) labels.appendChild(el('span', 'chip chip-type', g.type_label));
      if (g.kind_label && g.kind_label !== g.type_label) labels.appendChild(el('span', 'chip', g.kind_label));
      if (hit.rank >= 2) labels.appendChild(el('span', 'chip chip-plain', '拼音首字母'));
      art.appendChild(labels);
      var facts = el('p', 'card-status search-facts');
      var badge = statusBadge(g, d);
      if (badge) facts.appendChild(badge);
      if (g.type === 'problem' && g.overdue && d.cl === false) {
        var od = el('span', 'badge deadline-overdue', '已逾期');
        od.setAttribute('data-gk-status', 'problem');
        od.setAttribute('data-deadline', d.dl || '');
        od.setAttribute('data-closed', 'false');
        facts.appendChild(od);
      }
      if (d.d) {
        var t = el('time', 'search-date', zhDate(d.d));
        t.setAttribute('datetime', d.d);
        facts.appendChild(t);
      }
      if (facts.childNodes.length) art.appendChild(facts);
      var sn = el('p', 'card-summary search-snippet');
      appendSegments(sn, p.snippet);
      art.appendChild(sn);
      return art;
    }

    function render(res) {
      var kind = kindSel ? kindSel.value : '';
      var status = statusSel ? statusSel.value : '';
      var mine = seq;
      var q = input.value.trim();
      if (!res || !res.parsed.terms.length) {
        optionCounts(kindSel, null);
        optionCounts(statusSel, null);
        results.textContent = '';
        say(q ? '请至少输入两个字，或两个以上的拼音首字母。' : '');
        return Promise.resolve();
      }
      var keep = function (h) { return passes(h, kind, status); };
      return index.page(res, keep, shown).then(function (pg) {
        if (mine !== seq) return;
        var hits = res.hits;
        optionCounts(kindSel, hits.filter(function (h) { return passes(h, '', status); }), function (h, v) { return passes(h, v, ''); });
        optionCounts(statusSel, hits.filter(function (h) { return passes(h, kind, ''); }), function (h, v) { return passes(h, '', v); });
        results.textContent = '';
        var filtered = hits.filter(keep);
        // A long query of very common words is checked record by record as it is shown; until
        // then its count is an upper bound.
        var about = res.exact ? '' : '约';
        var parsed = res.parsed;
        var note = parsed.short.length ? '（单个的字“' + parsed.short.join('”“') + '”不参与搜索）' : '';
        var narrowed = filtered.length !== hits.length ? '，筛选后' + about + filtered.length + '条' : '';
        if (!hits.length) say('没有找到包含“' + q + '”的内容' + note + '。');
        else say('找到' + about + hits.length + '条结果' + narrowed + note + '。');
        if (!filtered.length) {
          if (hits.length) results.appendChild(el('p', 'empty', '按当前的类别和状态筛选，没有结果。'));
          return;
        }
        var list = el('ol', 'cards search-hits');
        list.setAttribute('role', 'list');
        pg.hits.forEach(function (h, i) {
          var li = el('li');
          li.appendChild(card(h, pg.docs[i], res));
          list.appendChild(li);
        });
        results.appendChild(list);
        if (filtered.length > pg.hits.length) {
          var more = el('button', 'button search-more', '显示更多结果（还有' + about + (filtered.length - pg.hits.length) + '条）');
          more.type = 'button';
          more.addEventListener('click', function () {
            var firstNew = pg.hits.length;
            shown += PAGE;
            seq++;
            render(last).then(function () {
              var links = results.querySelectorAll('.search-hit .card-title a');
              if (links[firstNew]) links[firstNew].focus();
            });
          });
          results.appendChild(more);
        }
      }).catch(function (e) {
        if (mine !== seq) return;
        say('搜索暂时不可用：索引没有加载成功，请稍后再试。');
        try { console.warn('gongkai search', e); } catch (_) { /* no console */ }
      });
    }

    function run() {
      clearTimeout(timer);
      var q = input.value;
      var mine = ++seq;
      shown = PAGE;
      syncUrl();
      if (!q.trim()) { last = null; return render(null); }
      results.setAttribute('aria-busy', 'true');
      return index.search(q).then(function (res) {
        if (mine !== seq) return;
        last = res;
        return render(res);
      }).catch(function (e) {
        if (mine !== seq) return;
        last = null;
        results.textContent = '';
        say('搜索暂时不可用：索引没有加载成功，请稍后再试。');
        try { console.warn('gongkai search', e); } catch (_) { /* no console */ }
      }).then(function () {
        if (mine === seq) results.removeAttribute('aria-busy');
      });
    }

    function refilter() {
      shown = PAGE;
      syncUrl();
      seq++;
      render(last);
    }

    form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
    input.addEventListener('input', function (e) {
      clearTimeout(timer);
      // Not while an input method is still composing (pinyin typed, characters not chosen yet).
      if (e.isComposing) return;
      timer = setTimeout(run, 200);
    });
    input.addEventListener('compositionend', function () {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    });
    if (kindSel) kindSel.addEventListener('change', refilter);
    if (statusSel) statusSel.addEventListener('change', refilter);

    // The keypad is wired by gongkai.js (it types into the box and fires `input`); if that script
    // did not run, wire it here so the kiosk still works.
    var pad = doc.getElementById('initials-keypad');
    if (pad && pad.hidden) {
      pad.hidden = false;
      pad.addEventListener('click', function (e) {
        var key = e.target.closest ? e.target.closest('button') : null;
        if (!key) return;
        var k = key.getAttribute('data-key');
        var action = key.getAttribute('data-action');
        if (k) input.value += k;
        else if (action === 'delete') input.value = Array.from(input.value).slice(0, -1).join('');
        else if (action === 'clear') input.value = '';
        else return;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    }

    var params = new URLSearchParams(win.location.search);
    var pick = function (sel, v) {
      if (sel && v && Array.prototype.some.call(sel.options, function (o) { return o.value === v; })) sel.value = v;
    };
    pick(kindSel, params.get('kind'));
    pick(statusSel, params.get('status'));
    var q0 = params.get('q');
    if (q0) input.value = q0;
    if (input.value.trim()) run();
    results.setAttribute('data-ready', 'true');
  }

  return {
    FORMAT: FORMAT,
    normCode: normCode,
    isIndexed: isIndexed,
    normalize: normalize,
    parseQuery: parseQuery,
    cover: cover,
    compareTokens: compareTokens,
    chunkFor: chunkFor,
    parseChunk: parseChunk,
    inflate: inflate,
    decodePostings: decodePostings,
    occurrences: occurrences,
    createIndex: createIndex,
    passes: passes,
    highlight: highlight,
    present: present,
    startPage: startPage
  };
});
