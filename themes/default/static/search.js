/* Site search. Loads search-index.<lang>.js (written by the build: src/index.rs) when the reader
 * first focuses the search box, then searches it as the reader types. Tokenizing must match
 * src/index.rs exactly: tests/browser/tokenizer.test.mjs checks both against each other.
 * No third-party code; results are built with createElement/textContent only. */
(function (factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof document !== 'undefined') api.start(document, window);
}(function () {
  'use strict';

  var TOKENIZER = 'nfkc-lower-words-cjk-bigrams-1';
  var BOOST = { title: 4, heading: 2, section: 0.5, body: 1 };
  var MAX_RESULTS = 10;
  var MAX_EXPANSIONS = 300;
  var WORD = /[\p{Alphabetic}\p{N}]/u;

  // ---- tokenizer (mirror of tokenize() in src/index.rs) ----

  function fold(text) { return text.normalize('NFKC').toLowerCase(); }

  function isCjk(ch) {
    var c = ch.codePointAt(0);
    return (c >= 0x3005 && c <= 0x3007) || (c >= 0x3041 && c <= 0x3096) ||
      (c >= 0x3099 && c <= 0x309F) || (c >= 0x30A1 && c <= 0x30FA) ||
      (c >= 0x30FC && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
      (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
      (c >= 0x20000 && c <= 0x3FFFF);
  }
  function isWord(ch) { return !isCjk(ch) && WORD.test(ch); }
  function isApostrophe(ch) { return ch === "'" || ch === '\u2019'; }

  /* Walks folded text: onRun(chars) for each CJK run, onWord(word) for each word. */
  function scan(text, onRun, onWord) {
    var chars = Array.from(fold(text));
    var i = 0;
    while (i < chars.length) {
      var c = chars[i];
      if (isCjk(c)) {
        var start = i;
        while (i < chars.length && isCjk(chars[i])) i++;
        onRun(chars.slice(start, i));
      } else if (isWord(c)) {
        var word = '';
        while (i < chars.length) {
          c = chars[i];
          if (isWord(c)) { word += c; i++; }
          else if (isApostrophe(c) && i + 1 < chars.length && isWord(chars[i + 1])) i++;
          else break;
        }
        onWord(word);
      } else {
        i++;
      }
    }
  }

  function bigrams(run) {
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
    return out;
  }

  function tokenize(text) {
    var tokens = [];
    scan(text, function (run) {
      tokens.push.apply(tokens, bigrams(run));
      tokens.push(run[run.length - 1]);
    }, function (word) { tokens.push(word); });
    return tokens;
  }

  // ---- English pipeline (elasticlunr-rs: trimmer, stopWordFilter, stemmer) ----

  var STOP_WORDS = new Set(('a able about across after all almost also am among an and any are as at be ' +
    'because been but by can cannot could dear did do does either else ever every for from get got had ' +
    'has have he her hers him his how however i if in into is it its just least let like likely may me ' +
    'might most must my neither no nor not of off often on only or other our own rather said say says ' +
    'she should since so some than that the their them then there these they this tis to too twas us ' +
    'wants was we were what when where which while who whom why will with would yet you your').split(' '));
  STOP_WORDS.add('');

  function trimmer(token) { return token.replace(/^[^0-9a-zA-Z_]+|[^0-9a-zA-Z_]+$/g, ''); }

  /* Porter stemmer, a line-by-line port of elasticlunr-rs's (src/lang/en.rs). ASCII only. */
  function stem(word) {
    if (word.length <= 2) return word;
    var b = word.split('');
    var k = b.length;
    var j = 0;
    function cons(i) {
      var ch = b[i];
      if (ch === 'a' || ch === 'e' || ch === 'i' || ch === 'o' || ch === 'u') return false;
      if (ch === 'y') return i === 0 ? true : !cons(i - 1);
      return true;
    }
    function measure() {
      var n = 0, i = 0;
      for (;;) { if (i >= j) return n; if (!cons(i)) break; i++; }
      i++;
      for (;;) {
        for (;;) { if (i >= j) return n; if (cons(i)) break; i++; }
        i++; n++;
        for (;;) { if (i >= j) return n; if (!cons(i)) break; i++; }
        i++;
      }
    }
    function hasVowel() { for (var i = 0; i < j; i++) if (!cons(i)) return true; return false; }
    function doubleC(i) { return i >= 1 && b[i] === b[i - 1] && cons(i); }
    function cvc(i) {
      if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
      return !(b[i] === 'w' || b[i] === 'x' || b[i] === 'y');
    }
    function ends(s) {
      if (s.length > k) return false;
      for (var i = 0; i < s.length; i++) if (b[k - s.length + i] !== s[i]) return false;
      j = k - s.length;
      return true;
    }
    function setTo(s) { for (var i = 0; i < s.length; i++) b[j + i] = s[i]; k = j + s.length; }
    function r(s) { if (measure() > 0) setTo(s); }
    var rules2 = {
      a: [['ational', 'ate'], ['tional', 'tion']], c: [['enci', 'ence'], ['anci', 'ance']],
      e: [['izer', 'ize']], l: [['bli', 'ble'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous']],
      o: [['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate']],
      s: [['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous']],
      t: [['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble']], g: [['logi', 'log']]
    };
    var rules3 = {
      e: [['icate', 'ic'], ['ative', ''], ['alize', 'al']], i: [['iciti', 'ic']],
      l: [['ical', 'ic'], ['ful', '']], s: [['ness', '']]
    };
    var rules4 = {
      a: ['al'], c: ['ance', 'ence'], e: ['er'], i: ['ic'], l: ['able', 'ible'],
      n: ['ant', 'ement', 'ment', 'ent'], s: ['ism'], t: ['ate', 'iti'], u: ['ous'], v: ['ive'], z: ['ize']
    };
    function applyRules(list) {
      if (!list) return;
      for (var i = 0; i < list.length; i++) if (ends(list[i][0])) { r(list[i][1]); return; }
    }
    // step1ab
    if (b[k - 1] === 's') {
      if (ends('sses')) k -= 2;
      else if (ends('ies')) setTo('i');
      else if (b[k - 2] !== 's') k -= 1;
    }
    if (ends('eed')) {
      if (measure() > 0) k -= 1;
    } else if ((ends('ed') || ends('ing')) && hasVowel()) {
      k = j;
      if (ends('at')) setTo('ate');
      else if (ends('bl')) setTo('ble');
      else if (ends('iz')) setTo('ize');
      else if (doubleC(k - 1)) {
        k -= 1;
        if (b[k - 1] === 'l' || b[k - 1] === 's' || b[k - 1] === 'z') k += 1;
      } else if (measure() === 1 && cvc(k - 1)) setTo('e');
    }
    // step1c
    if (k > 2 && ends('y') && 'aeiou'.indexOf(b[k - 2]) < 0) b[k - 1] = 'i';
    // step2
    if (k >= 2) applyRules(rules2[b[k - 2]]);
    // step3
    applyRules(rules3[b[k - 1]]);
    // step4
    if (k >= 2) {
      var matched = false, list = rules4[b[k - 2]];
      if (list) {
        for (var i = 0; i < list.length && !matched; i++) matched = ends(list[i]);
      } else if (b[k - 2] === 'o') {
        matched = (ends('ion') && j > 0 && (b[j - 1] === 's' || b[j - 1] === 't')) || ends('ou');
      }
      if (matched && measure() > 1) k = j;
    }
    // step5
    j = k;
    if (b[k - 1] === 'e') {
      var a = measure();
      if (a > 1 || (a === 1 && !cvc(k - 2))) k -= 1;
    }
    if (b[k - 1] === 'l' && doubleC(k - 1) && measure() > 1) k -= 1;
    return b.slice(0, k).join('');
  }

  /* Returns a function token -> token|null for the pipeline names stored in the index. */
  function makePipeline(names) {
    var steps = (names || []).map(function (name) {
      if (name === 'trimmer') return trimmer;
      if (name === 'stopWordFilter') return function (t) { return STOP_WORDS.has(t) ? null : t; };
      if (name === 'stemmer') return function (t) { return /^[\x00-\x7f]*$/.test(t) ? stem(t) : t; };
      throw new Error('unknown pipeline function ' + name);
    });
    return function (token) {
      for (var i = 0; i < steps.length && token !== null; i++) token = steps[i](token);
      return token === null || token === '' ? null : token;
    };
  }

  function runPipeline(names, tokens) {
    var p = makePipeline(names);
    return tokens.map(p).filter(function (t) { return t !== null; });
  }

  // ---- index and search ----

  function Searcher(json) {
    if (json.tokenizer !== TOKENIZER) throw new Error('search index tokenizer ' + json.tokenizer + ' is not ' + TOKENIZER);
    this.json = json;
    this.pipe = makePipeline(json.pipeline);
    this.stemming = (json.pipeline || []).indexOf('stemmer') >= 0;
    this.docs = json.documentStore.docs;
    this.info = json.documentStore.docInfo;
    this.n = json.documentStore.length;
    this.fields = Object.keys(BOOST).filter(function (f) { return json.index[f]; });
    this.folded = {};
  }

  Searcher.prototype.node = function (field, term) {
    var node = this.json.index[field].root;
    for (var ch of term) { node = node[ch]; if (!node) return null; }
    return node;
  };

  /* Index terms for one query term: [term, weight] pairs. */
  Searcher.prototype.expand = function (term) {
    var seen = new Map();
    var self = this;
    function add(t, w) { if (!(seen.get(t) >= w)) seen.set(t, w); }
    if (!term.prefix) { add(term.text, 1); return seen; }
    var base = Array.from(term.text).length;
    this.fields.forEach(function (field) {
      var start = self.node(field, term.text);
      if (start) {
        var stack = [[start, term.text]];
        while (stack.length && seen.size < MAX_EXPANSIONS) {
          var item = stack.pop(), node = item[0];
          if (node.docs && node.df > 0) add(item[1], base / Array.from(item[1]).length);
          for (var key in node) if (key !== 'docs' && key !== 'df') stack.push([node[key], item[1] + key]);
        }
      }
      // Stems that begin the word being typed ("approv" while typing "approva").
      if (term.raw) {
        var node = self.json.index[field].root, path = '', chars = Array.from(term.raw);
        for (var i = 0; i < chars.length && node; i++) {
          node = node[chars[i]]; path += chars[i];
          if (node && node.docs && node.df > 0 && i + 1 >= 3 && (i + 1) * 2 >= chars.length) add(path, (i + 1) / chars.length);
        }
      }
    });
    return seen;
  };

  /* Query -> { terms: [{text, prefix, raw}], needles: folded strings to highlight, phrases } */
  Searcher.prototype.parse = function (query) {
    var self = this, terms = [], needles = [], phrases = [], lastWord = null;
    scan(query, function (run) {
      var s = run.join('');
      needles.push(s);
      lastWord = null;
      if (run.length === 1) { terms.push({ text: s, prefix: true }); return; }
      phrases.push(s);
      bigrams(run).forEach(function (t) { terms.push({ text: t, prefix: false }); });
    }, function (word) {
      var t = self.pipe(word);
      needles.push(word);
      if (t && t !== word && t.length >= 3) needles.push(t);
      terms.push(t === null ? null : { text: t, prefix: false });
      lastWord = { word: word, at: terms.length - 1 };
    });
    // The word being typed (no space after it yet) matches as a prefix.
    if (lastWord && !/\s$/.test(query)) {
      var raw = trimmer(lastWord.word), term = terms[lastWord.at];
      var base = term ? term.text : raw;
      terms[lastWord.at] = base ? { text: base, prefix: true, raw: this.stemming ? raw : '' } : null;
    }
    return { terms: terms.filter(Boolean), needles: needles, phrases: phrases };
  };

  Searcher.prototype.foldedText = function (ref) {
    var t = this.folded[ref];
    if (t === undefined) {
      var d = this.docs[ref];
      t = this.folded[ref] = fold(d.title + '\n' + d.heading + '\n' + d.body);
    }
    return t;
  };

  /* Returns { total, results: [{ doc, ref, score }], needles } with one result per page. */
  Searcher.prototype.search = function (query) {
    var q = this.parse(query);
    if (!q.terms.length) return { total: 0, results: [], needles: q.needles, empty: true };
    var self = this, scores = null;
    for (var ti = 0; ti < q.terms.length; ti++) {
      var termScores = new Map();
      this.expand(q.terms[ti]).forEach(function (weight, t) {
        self.fields.forEach(function (field) {
          var node = self.node(field, t);
          if (!node || !node.docs || !node.df) return;
          var idf = 1 + Math.log(self.n / (node.df + 1));
          for (var ref in node.docs) {
            if (scores && !scores.has(ref)) continue;
            var len = self.info[ref][field] || 1;
            var s = BOOST[field] * weight * node.docs[ref].tf * idf * idf / Math.sqrt(len);
            termScores.set(ref, (termScores.get(ref) || 0) + s);
          }
        });
      });
      if (scores) termScores.forEach(function (s, ref) { termScores.set(ref, s + scores.get(ref)); });
      scores = termScores;
      if (!scores.size) break;
    }
    var byPage = new Map();
    scores.forEach(function (score, ref) {
      for (var i = 0; i < q.phrases.length; i++) if (self.foldedText(ref).indexOf(q.phrases[i]) >= 0) score *= 2;
      var page = self.docs[ref].url.split('#')[0];
      var best = byPage.get(page);
      if (!best || score > best.score || (score === best.score && +ref < +best.ref)) byPage.set(page, { ref: ref, score: score, doc: self.docs[ref] });
    });
    var results = Array.from(byPage.values()).sort(function (a, b) { return b.score - a.score || a.ref - b.ref; });
    return { total: results.length, results: results.slice(0, MAX_RESULTS), needles: q.needles };
  };

  // ---- highlighting ----

  /* Folds text one character at a time, keeping for each folded UTF-16 unit its source offset. */
  function foldWithMap(text) {
    var folded = '', map = [];
    for (var i = 0; i < text.length;) {
      var cp = text.codePointAt(i), ch = String.fromCodePoint(cp), f = fold(ch);
      for (var u = 0; u < f.length; u++) map.push(i);
      folded += f;
      i += ch.length;
    }
    map.push(text.length);
    return { text: folded, map: map };
  }

  /* Ranges [start, end) of `text` to mark for the folded needles. Latin needles match at a word
   * start and the mark runs to the end of the word. */
  function findRanges(text, needles) {
    var fm = foldWithMap(text), ranges = [];
    needles.forEach(function (needle) {
      if (!needle) return;
      var latin = isWord(Array.from(needle)[0]);
      for (var at = fm.text.indexOf(needle); at >= 0; at = fm.text.indexOf(needle, at + 1)) {
        var end = at + needle.length;
        if (latin) {
          if (at > 0 && isWord(String.fromCodePoint(fm.text.codePointAt(at - 1)))) continue;
          while (end < fm.text.length && isWord(String.fromCodePoint(fm.text.codePointAt(end)))) end++;
        }
        ranges.push([fm.map[at], fm.map[end]]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  /* Snippet of `text` around the first match: [{ text, mark }] segments. */
  function snippet(text, needles, width) {
    var ranges = findRanges(text, needles);
    var from = 0, to = text.length;
    if (text.length > width) {
      var first = ranges.length ? ranges[0][0] : 0;
      from = Math.max(0, first - Math.floor(width / 4));
      to = Math.min(text.length, from + width);
      from = Math.max(0, Math.min(from, to - width));
      // Do not cut a word in two where words are separated by spaces.
      var sp = text.slice(from, from + 20).search(/\s/);
      if (from > 0 && sp >= 0 && (!ranges.length || from + sp < ranges[0][0])) from += sp + 1;
      var back = text.slice(Math.max(from, to - 20), to).search(/\s\S*$/);
      if (to < text.length && back >= 0) to = Math.max(from, to - 20) + back;
      if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from])) from--;
      if (to < text.length && /[\uDC00-\uDFFF]/.test(text[to])) to++;
    }
    var parts = [], pos = from;
    if (from > 0) parts.push({ text: '… ', mark: false });
    ranges.forEach(function (r) {
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      if (e <= s || s < pos) return;
      if (s > pos) parts.push({ text: text.slice(pos, s), mark: false });
      parts.push({ text: text.slice(s, e), mark: true });
      pos = e;
    });
    if (pos < to) parts.push({ text: text.slice(pos, to), mark: false });
    if (to < text.length) parts.push({ text: ' …', mark: false });
    return parts;
  }

  // ---- user interface ----

  var MESSAGES = {
    ja: {
      loading: '検索インデックスを読み込んでいます…',
      failed: '検索インデックスを読み込めませんでした。',
      count: function (n) { return n + '件見つかりました'; },
      more: function (n, shown) { return n + '件見つかりました（上位' + shown + '件を表示）'; },
      none: function (q) { return '「' + q + '」に一致するページはありません。言葉を減らすか、別の言葉で検索してください。'; }
    },
    en: {
      loading: 'Loading the search index…',
      failed: 'The search index could not be loaded.',
      count: function (n) { return n === 1 ? '1 result' : n + ' results'; },
      more: function (n, shown) { return n + ' results (top ' + shown + ' shown)'; },
      none: function (q) { return 'No pages match \u201c' + q + '\u201d. Try fewer or different words.'; }
    }
  };

  function el(doc, tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function appendParts(doc, parent, parts) {
    parts.forEach(function (p) {
      parent.appendChild(p.mark ? el(doc, 'mark', 'search-results__mark', p.text) : doc.createTextNode(p.text));
    });
  }

  function start(doc, win) {
    var form = doc.querySelector('[data-search-lang]');
    if (!form) return;
    var input = form.querySelector('input[type="search"]');
    var list = form.querySelector('.search-results');
    var status = form.querySelector('.search-form__status');
    if (!input || !list || !status) return;
    var lang = form.getAttribute('data-search-lang');
    var root = form.getAttribute('data-search-root') || '';
    var msg = MESSAGES[lang] || MESSAGES.en;
    var searcher = null, loading = false, failed = false;
    form.hidden = false;

    function setStatus(text) { if (status.textContent !== text) status.textContent = text; }

    function clearResults() {
      while (list.firstChild) list.removeChild(list.firstChild);
      list.hidden = true;
    }

    function render() {
      var query = input.value;
      if (!query.trim()) { clearResults(); setStatus(''); done(query, 0); return; }
      if (failed) { clearResults(); setStatus(msg.failed); return; }
      if (!searcher) { setStatus(msg.loading); load(); return; }
      var found = searcher.search(query);
      clearResults();
      if (!found.total) {
        setStatus(msg.none(query.trim()));
      } else {
        list.appendChild(items(found));
        list.hidden = false;
        setStatus(found.total > found.results.length ? msg.more(found.total, found.results.length) : msg.count(found.total));
      }
      done(query, found.total);
    }

    function items(found) {
      var frag = doc.createDocumentFragment();
      found.results.forEach(function (r) {
        var li = el(doc, 'li', 'search-results__item');
        var a = el(doc, 'a', 'search-results__link');
        a.setAttribute('href', root + r.doc.url);
        var title = el(doc, 'span', 'search-results__title');
        appendParts(doc, title, snippet(r.doc.title, found.needles, 1e9));
        a.appendChild(title);
        if (r.doc.heading) {
          var heading = el(doc, 'span', 'search-results__heading');
          appendParts(doc, heading, snippet(r.doc.heading, found.needles, 1e9));
          a.appendChild(heading);
        }
        if (r.doc.section) a.appendChild(el(doc, 'span', 'search-results__section', r.doc.section));
        if (r.doc.body) {
          var snip = el(doc, 'span', 'search-results__snippet');
          appendParts(doc, snip, snippet(r.doc.body, found.needles, lang === 'ja' ? 90 : 160));
          a.appendChild(snip);
        }
        li.appendChild(a);
        frag.appendChild(li);
      });
      return frag;
    }

    /* Tells tests and benchmarks which query is on screen. */
    function done(query, total) {
      form.setAttribute('data-search-rendered', query);
      form.dispatchEvent(new win.CustomEvent('search:rendered', { detail: { query: query, total: total } }));
    }

    function load() {
      if (searcher || loading || failed) return;
      var store = win.SEARCH_INDEX && win.SEARCH_INDEX[lang];
      if (store) { ready(store); return; }
      loading = true;
      var script = doc.createElement('script');
      script.src = root + 'search-index.' + lang + '.js';
      script.async = true;
      script.onload = function () {
        loading = false;
        var json = win.SEARCH_INDEX && win.SEARCH_INDEX[lang];
        if (json) ready(json); else fail();
      };
      script.onerror = function () { loading = false; fail(); };
      doc.head.appendChild(script);
    }

    function ready(json) {
      try { searcher = new Searcher(json); } catch (e) { fail(); return; }
      // Warm up (regular expressions, JIT) so that the reader's first key is as fast as the rest.
      items(searcher.search('a')); items(searcher.search('\u306e'));
      form.setAttribute('data-search-state', 'ready');
      if (input.value.trim()) render();
    }

    function fail() { failed = true; form.setAttribute('data-search-state', 'failed'); if (input.value.trim()) render(); }

    function links() { return Array.prototype.slice.call(list.querySelectorAll('a')); }

    function open(link) { if (link) win.location.href = link.href; }

    function reset() { input.value = ''; clearResults(); setStatus(''); input.focus(); }

    input.addEventListener('focus', load);
    input.addEventListener('input', function (e) { if (!e.isComposing) render(); });
    input.addEventListener('compositionend', render);
    input.addEventListener('keydown', function (e) {
      if (e.isComposing || e.keyCode === 229) return;
      if (e.key === 'ArrowDown') {
        var first = links()[0];
        if (first) { e.preventDefault(); first.focus(); }
      } else if (e.key === 'Enter') {
        e.preventDefault();
        open(links()[0]);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        if (input.value) reset(); else input.blur();
      }
    });
    list.addEventListener('keydown', function (e) {
      var all = links(), at = all.indexOf(doc.activeElement);
      if (at < 0) return;
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        if (at + 1 < all.length) all[at + 1].focus();
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        if (at > 0) all[at - 1].focus(); else input.focus();
      } else if (e.key === 'Home' || e.key === 'End') {
        e.preventDefault();
        all[e.key === 'Home' ? 0 : all.length - 1].focus();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        reset();
      } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
        input.focus(); // keep typing: the key goes to the box
      }
    });
    doc.addEventListener('keydown', function (e) {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }

  return {
    TOKENIZER: TOKENIZER, fold: fold, tokenize: tokenize, stem: stem, runPipeline: runPipeline,
    Searcher: Searcher, snippet: snippet, start: start
  };
}));
