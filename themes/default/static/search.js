/* Site search over the sharded index in search/<lang>/, loaded piecewise by script tags so that it
 * works from file:// (docs/search-format.md). Tokenizing mirrors src/search/ exactly
 * (tests/browser/tokenizer.test.mjs). Results use createElement/textContent only. */
(function (factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof document !== 'undefined') api.start(document, window);
}(function () {
  'use strict';

  var FORMAT = 'nenpo-search-2';
  var TOKENIZER = 'nenpo-tokenizer-3';
  /* Field boosts, in the order the build sums them (src/search/postings.rs). */
  var FIELDS = [['title', 4], ['heading', 2], ['section', 0.5], ['body', 1]];
  var MAX_RESULTS = 10;
  var MAX_EXPANSIONS = 300;
  /* At most this many shards are loaded for one prefix or one typo. */
  var MAX_PREFIX_SHARDS = 3;
  var WORD = /[\p{Alphabetic}\p{N}]/u;
  var DIGIT = /[0-9]/;
  var SPACE = /\s/u;

  // ---- tokenizer (mirror of src/search/tokenize.rs) ----

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
  function isJoiner(ch) { return SPACE.test(ch) || ch === '\u30FB' || ch === '\u00B7'; }

  /* Old and variant kanji forms and their standard forms, pair by pair: src/search/data/
   * kanji-variants.txt, where their source is named (a Rust test keeps this copy identical). */
  var KANJI_VARIANTS = '乘乗亂乱亞亜佛仏來来倂併假仮傳伝僞偽價価儉倹兒児兩両剩剰劍剣劑剤勞労勳勲勵励勸勧區区卷巻卽即參参單単嚴厳囑嘱圈圏國国圍囲圓円圖図團団增増墮堕壓圧壘塁壞壊壤壌壯壮壹壱壽寿奧奥奬奨孃嬢學学寢寝實実寫写寬寛寶宝將将專専對対屆届屬属峽峡嶽岳巢巣帶帯廢廃廣広廳庁彈弾彌弥徑径從従徵徴德徳恆恒惠恵惡悪惱悩愼慎慘惨應応懷懐戀恋戰戦戲戯戾戻拂払拔抜拜拝挾挟插挿揭掲搖揺搜捜擇択擊撃擔担據拠擧挙擴拡攝摂收収效効敍叙敕勅數数斷断晚晩晝昼曆暦曉暁曾曽會会條条棧桟榮栄槪概樂楽樓楼樞枢樣様橫横檢検櫻桜權権歐欧歡歓步歩歷歴歸帰殘残殼殻毆殴每毎氣気涉渉淚涙淨浄淺浅渴渇溪渓溫温滯滞滿満潛潜澁渋澤沢濕湿濟済濱浜瀧滝瀨瀬灣湾燈灯燒焼營営爐炉爭争爲為犧犠狀状狹狭獨独獵猟獸獣獻献甁瓶畫画當当疊畳瘦痩癡痴發発盜盗盡尽眞真硏研碎砕祕秘禪禅禮礼稱称稻稲穗穂穩穏竊窃竝並粹粋絲糸經経綠緑緖緒緣縁縣県縱縦總総繩縄繪絵繼継續続纖繊缺欠罐缶聲声聽聴肅粛腦脳膽胆臟臓臺台與与舊旧艷艶莊荘莖茎萬万薰薫藏蔵藝芸藥薬處処虛虚號号螢蛍蟲虫蠶蚕蠻蛮衞衛裝装襃褒覺覚覽覧觀観觸触謠謡證証譯訳譽誉讀読變変讓譲豐豊豫予貳弐賣売賴頼贊賛踐践輕軽轉転辭辞遞逓遲遅邊辺郞郎鄕郷醉酔醫医釀醸釋釈錄録錢銭鍊錬鎭鎮鐵鉄鑄鋳鑛鉱關関陷陥隨随險険隱隠雙双雜雑霸覇靈霊靜静顯顕飜翻餘余騷騒驅駆驗験驛駅髓髄體体髙高髮髪鬭闘鷄鶏鹽塩麥麦麵麺黃黄黑黒默黙點点黨党齊斉齋斎齒歯齡齢龍竜﨑崎𠮷吉';
  var STANDARD_KANJI = new Map();
  (function () {
    var cs = Array.from(KANJI_VARIANTS);
    for (var i = 0; i + 1 < cs.length; i += 2) STANDARD_KANJI.set(cs[i], cs[i + 1]);
  }());

  var SMALL_KANA = { 0x3041: 1, 0x3043: 1, 0x3045: 1, 0x3047: 1, 0x3049: 1, 0x3063: 1, 0x3083: 1, 0x3085: 1, 0x3087: 1, 0x308E: 1 };
  /* Katakana -> hiragana, small kana -> large, the prolonged sound mark -> '', old kanji forms ->
   * standard ones. */
  function foldKana(ch) {
    var c = ch.codePointAt(0);
    if (c === 0x30FC) return '';
    if (c >= 0x3400) return STANDARD_KANJI.get(ch) || ch;
    if ((c >= 0x30A1 && c <= 0x30F6) || c === 0x30FD || c === 0x30FE) c -= 0x60;
    if (SMALL_KANA[c]) c += 1;
    else if (c === 0x3095) c = 0x304B;
    else if (c === 0x3096) c = 0x3051;
    return String.fromCodePoint(c);
  }

  /* Walks text: onRun(run, from, to, at) for each CJK run (kana folded; at[i] is where run[i]
   * is), onWord(word, from, to) for each word; positions index the folded code points `chars`,
   * which may be given. With `spacesSplit`, white space ends a CJK run (queries: the reader's
   * spaces separate words; in the index a name's parts meet across them). */
  function scan(text, onRun, onWord, chars, spacesSplit) {
    chars = chars || Array.from(fold(text));
    var i = 0, n = chars.length;
    while (i < n) {
      var c = chars[i];
      if (isCjk(c)) {
        var run = [], start = i, at = [];
        while (i < n) {
          c = chars[i];
          if (isCjk(c)) {
            var k = foldKana(c);
            if (k) { run.push(k); at.push(i); }
            i++;
          } else if (isJoiner(c) && !(spacesSplit && SPACE.test(c))) {
            var j = i;
            while (j < n && isJoiner(chars[j]) && !(spacesSplit && SPACE.test(chars[j]))) j++;
            if (j < n && isCjk(chars[j])) i = j; else break;
          } else break;
        }
        if (run.length) onRun(run, start, i, at);
      } else if (isWord(c)) {
        var word = '', from = i;
        while (i < n) {
          c = chars[i];
          if (isWord(c)) { word += c; i++; }
          else if (isApostrophe(c) && i + 1 < n && isWord(chars[i + 1])) i++;
          else if (c === ',' && DIGIT.test(word[word.length - 1] || '') && i + 1 < n && DIGIT.test(chars[i + 1])) i++;
          else break;
        }
        onWord(word, from, i);
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

  // ---- pipelines (src/search/pipeline.rs; elasticlunr-rs: trimmer, stopWordFilter, stemmer) ----

  var STOP_WORDS = new Set(('a able about across after all almost also am among an and any are as at be ' +
    'because been but by can cannot could dear did do does either else ever every for from get got had ' +
    'has have he her hers him his how however i if in into is it its just least let like likely may me ' +
    'might most must my neither no nor not of off often on only or other our own rather said say says ' +
    'she should since so some than that the their them then there these they this tis to too twas us ' +
    'wants was we were what when where which while who whom why will with would yet you your').split(' '));
  STOP_WORDS.add('');

  function trimmer(token) { return token.replace(/^[^0-9a-zA-Z_]+|[^0-9a-zA-Z_]+$/g, ''); }

  var ENDINGS = [
    ['isations', 'izations'], ['isation', 'ization'], ['ising', 'izing'], ['isers', 'izers'], ['iser', 'izer'],
    ['ised', 'ized'], ['ises', 'izes'], ['ise', 'ize'], ['ysing', 'yzing'], ['ysers', 'yzers'], ['yser', 'yzer'],
    ['ysed', 'yzed'], ['yses', 'yzes'], ['yse', 'yze'], ['ourable', 'orable'], ['ouring', 'oring'],
    ['ourful', 'orful'], ['ourite', 'orite'], ['oured', 'ored'], ['ours', 'ors'], ['our', 'or'],
    ['ogues', 'ogs'], ['ogue', 'og'], ['tres', 'ters'], ['tred', 'tered'], ['tre', 'ter'], ['bres', 'bers'], ['bre', 'ber']
  ];

  /* British -> American spelling (spelling_variant in src/search/pipeline.rs). */
  function spellingVariant(word) {
    if (!/^[\x00-\x7f]*$/.test(word) || word.length < 4) return word;
    var out = word;
    if (out.indexOf('ae') >= 0 || out.indexOf('oe') >= 0) out = out.split('ae').join('e').split('oe').join('e');
    for (var i = 0; i < ENDINGS.length; i++) {
      var british = ENDINGS[i][0];
      if (out.length >= british.length && out.slice(out.length - british.length) === british) {
        var stemPart = out.slice(0, out.length - british.length);
        if (stemPart.length >= 2) out = stemPart + ENDINGS[i][1];
        break;
      }
    }
    return out;
  }

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

  function isAscii(t) { return /^[\x00-\x7f]*$/.test(t); }

  /* Returns a function token -> token|null for the pipeline names stored in the index. */
  function makePipeline(names) {
    var steps = (names || []).map(function (name) {
      if (name === 'trimmer') return trimmer;
      if (name === 'stopWordFilter') return function (t) { return STOP_WORDS.has(t) ? null : t; };
      if (name === 'spellingVariants') return spellingVariant;
      if (name === 'stemmer') return function (t) { return isAscii(t) ? stem(t) : t; };
      throw new Error('unknown pipeline function ' + name);
    });
    var cache = new Map();
    return function (token) {
      var hit = cache.get(token);
      if (hit !== undefined) return hit;
      var t = token;
      for (var i = 0; i < steps.length && t !== null; i++) t = steps[i](t);
      if (t === '') t = null;
      if (cache.size < 50000) cache.set(token, t);
      return t;
    };
  }

  function runPipeline(names, tokens) {
    var p = makePipeline(names);
    return tokens.map(p).filter(function (t) { return t !== null; });
  }

  // ---- the index files ----

  var DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var DIGIT_VALUE = {};
  for (var d = 0; d < DIGITS.length; d++) DIGIT_VALUE[DIGITS.charCodeAt(d)] = d;

  /* A term's postings string -> { pages: [page numbers], weights: [weights] }. */
  function decodePostings(s) {
    var pages = [], weights = [], v = 0, page = 0, wantPage = true;
    for (var i = 0; i < s.length; i++) {
      var x = DIGIT_VALUE[s.charCodeAt(i)];
      if (x >= 32) { v = v * 32 + (x - 32); continue; }
      v = v * 32 + x;
      if (wantPage) { page = pages.length ? page + v : v; pages.push(page); }
      else weights.push(v);
      wantPage = !wantPage;
      v = 0;
    }
    return { pages: pages, weights: weights };
  }

  /* The weight the build stores for a term in a page (src/search/postings.rs). */
  function weight(counts, lengths) {
    var w = 0;
    for (var f = 0; f < FIELDS.length; f++) {
      if (counts[f] > 0) w += FIELDS[f][1] * Math.sqrt(counts[f]) / Math.sqrt(lengths[f]);
    }
    return Math.max(1, Math.round(w * 100));
  }

  /* term -> weight of one page, from its fragment (what the build computes from the same text). */
  function pageWeights(fragment, pipe) {
    var counts = new Map(), lengths = [0, 0, 0, 0];
    function add(field, text) {
      tokenize(text).forEach(function (raw) {
        var t = pipe(raw);
        if (t === null) return;
        var c = counts.get(t);
        if (!c) counts.set(t, c = [0, 0, 0, 0]);
        c[field]++;
        lengths[field]++;
      });
    }
    add(0, fragment.title);
    fragment.chunks.forEach(function (c) { add(1, c[1]); });
    add(2, fragment.section);
    fragment.chunks.forEach(function (c) { add(3, c[2]); });
    var out = new Map();
    counts.forEach(function (c, t) { out.set(t, weight(c, lengths)); });
    return out;
  }

  /* One index; `load(key)` returns a promise of the JSON a file registered (kept once loaded). */
  function Index(prefix, load) {
    this.prefix = prefix;
    this.load = load;
    this.files = new Map();
    this.decoded = new Map();
    this.metaData = null;
  }

  Index.prototype.file = function (name) {
    var key = this.prefix + '/' + name;
    var p = this.files.get(key);
    if (!p) {
      p = this.load(key);
      this.files.set(key, p);
      var files = this.files;
      p.catch(function () { files.delete(key); });
    }
    return p;
  };

  Index.prototype.meta = function () {
    var self = this;
    return this.file('meta').then(function (meta) {
      if (meta.format !== FORMAT) throw new Error('search index format ' + meta.format + ' is not ' + FORMAT);
      if (meta.tokenizer !== TOKENIZER) throw new Error('search index tokenizer ' + meta.tokenizer + ' is not ' + TOKENIZER);
      if (!self.metaData) {
        self.metaData = meta;
        self.pipe = makePipeline(meta.pipeline);
        self.stemming = (meta.pipeline || []).indexOf('stemmer') >= 0;
      }
      return meta;
    });
  };

  /* Number of the shard that holds `term` (shards are consecutive ranges of the sorted terms). */
  Index.prototype.shardOf = function (term) {
    var b = this.metaData.shards, lo = 0, hi = b.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (b[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  /* Shards holding the terms that start with `prefix`, at most `max` of them. */
  Index.prototype.shardsFor = function (prefix, max) {
    var b = this.metaData.shards, first = this.shardOf(prefix), out = [first];
    for (var i = first + 1; i < b.length && out.length < max && b[i].slice(0, prefix.length) === prefix; i++) out.push(i);
    return out;
  };

  Index.prototype.shard = function (n) {
    if (!this.metaData.shards.length) return Promise.resolve({});
    return this.file('t/' + n);
  };

  Index.prototype.postings = function (term, shard) {
    var key = term;
    var hit = this.decoded.get(key);
    if (hit) return hit;
    var s = shard[term];
    if (typeof s !== 'string') return null;
    hit = decodePostings(s);
    this.decoded.set(key, hit);
    return hit;
  };

  /* Page `page`'s fragment, from the bundle of `meta.bundle` consecutive pages that holds it. */
  Index.prototype.fragment = function (page) {
    var size = this.metaData.bundle || 1;
    return this.file('f/' + Math.floor(page / size)).then(function (bundle) { return bundle[page % size]; });
  };

  // ---- queries ----

  /* Edit distance of a and b (arrays of code points), or max + 1 once it is above max. */
  function editDistance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var c = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) c = Math.min(c, prevPrev[j - 2] + 1);
        cur[j] = c;
        if (c < best) best = c;
      }
      if (best > max) return max + 1;
      var prevPrev = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  /* Edits a word of this many characters may have: 1 from 5, 2 from 8. */
  function allowedEdits(length) { return length >= 8 ? 2 : length >= 5 ? 1 : 0; }

  /* A query with its question words (the theme's data, per language: の, は, 何, ですか; how,
   * many, which …) taken out: each becomes a space. Hiragana of one character (particles) only
   * where they do not stand between two hiragana (inside a word: 見つかった keeps its か). Matched
   * on the folded text, where katakana are still katakana (ゲノム keeps its ノ). */
  function withoutQuestionWords(query, words) {
    if (!words || !words.length) return query;
    var chars = Array.from(fold(query)), out = '', i = 0;
    var hira = function (c) { return c !== undefined && /[\u3041-\u309F]/.test(c); };
    while (i < chars.length) {
      var hit = null;
      for (var k = 0; k < words.length && !hit; k++) {
        var w = words[k];
        if (chars.slice(i, i + w.length).join('') !== w.join('')) continue;
        if (w.length === 1 && hira(w[0]) && hira(chars[i - 1]) && hira(chars[i + w.length])) continue;
        // A Latin question word only as a whole word.
        if (isWord(w[0]) && (isWord(chars[i - 1] || ' ') || isWord(chars[i + w.length] || ' '))) continue;
        hit = w;
      }
      if (hit) { out += ' '; i += hit.length; } else { out += chars[i]; i++; }
    }
    return out;
  }

  /* The query's units: each word and each CJK run, in order. Question words are left out, unless
   * nothing else is left. */
  function parseQuery(query, pipe, stemming, questionWords) {
    var trimmed = withoutQuestionWords(query, questionWords);
    var units = parseUnits(/\s$/.test(query) ? trimmed + ' ' : trimmed, pipe, stemming);
    return units.length || trimmed === query ? units : parseUnits(query, pipe, stemming);
  }

  function parseUnits(query, pipe, stemming) {
    var units = [];
    scan(query, function (run) {
      run = withoutInflection(run);
      var text = run.join('');
      if (run.length === 1) units.push({ kind: 'char', text: text, prefix: true, source: text });
      else units.push({ kind: 'run', text: text, run: run, bigrams: bigrams(run), source: text });
    }, function (word) {
      var t = pipe(word);
      units.push({ kind: 'word', text: t, raw: word, prefix: false, stop: t === null, source: word });
    }, null, true);
    // The word being typed (no space after it yet) matches as a prefix.
    var last = units[units.length - 1];
    if (last && last.kind === 'word' && !/\s$/.test(query)) {
      var raw = trimmer(last.raw);
      last.prefix = true;
      last.stop = false;
      if (last.text === null) last.text = raw;
      last.stemRaw = stemming ? raw : '';
    }
    return units.filter(function (u) { return !u.stop && u.text; });
  }

  /* A query's run without the hiragana that end it after a kanji, two or more (an inflection:
   * 承認された → 承認, 育成されています → 育成), which the page may word otherwise. */
  function withoutInflection(run) {
    var end = run.length;
    while (end > 0 && /[\u3041-\u309F]/.test(run[end - 1])) end--;
    if (end === 0 || run.length - end < 2 || !/[\u3400-\u9FFF\uF900-\uFAFF]/.test(run[end - 1])) return run;
    return run.slice(0, end);
  }

  /* The question words of a language (a space-separated list from the theme's data), each as
   * folded code points, longest first. */
  function questionWordList(text) {
    return (text || '').split(/\s+/).filter(Boolean).map(function (w) { return Array.from(fold(w)); })
      .sort(function (a, b) { return b.length - a.length; });
  }

  /* Terms of a word or char unit: [[term, weight, kind]] with kind 'exact', 'prefix' or 'typo'. */
  function expandUnit(index, unit) {
    var found = new Map();
    function add(t, w, kind) { var old = found.get(t); if (!old || old[0] < w) found.set(t, [w, kind]); }
    var text = unit.text, chars = Array.from(text);
    var jobs = [];
    jobs.push(index.shard(index.shardOf(text)).then(function (shard) {
      if (typeof shard[text] === 'string') add(text, 1, 'exact');
    }));
    // A prefix of one Latin letter would match half the words: only whole-word then.
    var prefixOk = unit.prefix && (unit.kind === 'char' || chars.length >= 2);
    if (prefixOk) {
      index.shardsFor(text, MAX_PREFIX_SHARDS).forEach(function (n) {
        jobs.push(index.shard(n).then(function (shard) {
          var count = 0;
          for (var t in shard) {
            if (t.length > text.length && t.slice(0, text.length) === text && count++ < MAX_EXPANSIONS) {
              add(t, chars.length / Array.from(t).length, 'prefix');
            }
          }
        }));
      });
    }
    // Stems that begin the word being typed ("approv" while typing "approva").
    if (unit.stemRaw) {
      var raw = Array.from(unit.stemRaw);
      for (var len = 3; len <= raw.length; len++) {
        if (len * 2 < raw.length) continue;
        (function (p) {
          jobs.push(index.shard(index.shardOf(p)).then(function (shard) {
            if (typeof shard[p] === 'string') add(p, p.length / raw.length, 'prefix');
          }));
        }(raw.slice(0, len).join('')));
      }
    }
    return Promise.all(jobs).then(function () {
      var edits = allowedEdits(chars.length);
      if (found.size || !edits || unit.kind !== 'word') return found;
      // An unknown word: known words one or two edits away, in the shards of its first two letters.
      var head = chars.slice(0, 2).join('');
      return Promise.all(index.shardsFor(head, MAX_PREFIX_SHARDS).map(function (n) { return index.shard(n); }))
        .then(function (shards) {
          shards.forEach(function (shard) {
            for (var t in shard) {
              if (t.slice(0, head.length) !== head) continue;
              var d = editDistance(chars, Array.from(t), edits);
              if (d <= edits) add(t, d === 1 ? 0.5 : 0.3, 'typo');
            }
          });
          return found;
        });
    });
  }

  function idf(n, df) { return 1 + Math.log(n / (df + 1)); }

  /* A share of a query's rarity below which a page that lacks some of its words is not shown:
   * a query whose meaningful words are (nearly) all absent finds nothing. */
  var MIN_COVERAGE = 0.34;
  /* The share of the query's rarity that a page lacking a unit must hold to be listed after the
   * pages that hold every unit. */
  var NEAR_COMPLETE = 0.75;
  /* What a typo costs in coverage and score (one wrong character or letter). */
  var TYPO_SHARE = 0.7;

  /* Scores of one unit: { scores: Map page -> score, full: Map page -> bool (the unit is there
   * whole: the word, or every bigram of the run), cover: Map page -> how much of the unit's
   * rarity the page holds, weight: the unit's rarity, terms: [matched terms] }. A word's rarity
   * is the idf of its pages; a run's the sum of its bigrams' idfs (a bigram no page holds
   * counting as the rarest), so that a page holding part of a run holds part of its weight. */
  function scoreUnit(index, unit) {
    var n = index.metaData.pages;
    if (unit.kind === 'run') {
      return Promise.all(unit.bigrams.map(function (b) {
        return index.shard(index.shardOf(b)).then(function (shard) { return index.postings(b, shard); });
      })).then(function (lists) {
        var scores = new Map(), found = new Map(), cover = new Map(), weight = 0;
        lists.forEach(function (p) {
          var f = idf(n, p ? p.pages.length : 0);
          weight += f;
          if (!p) return;
          for (var i = 0; i < p.pages.length; i++) {
            var page = p.pages[i];
            scores.set(page, (scores.get(page) || 0) + p.weights[i] * f * f);
            found.set(page, (found.get(page) || 0) + 1);
            cover.set(page, (cover.get(page) || 0) + f);
          }
        });
        var total = unit.bigrams.length, full = new Map();
        found.forEach(function (count, page) { if (count === total) full.set(page, true); });
        var result = { scores: scores, full: full, cover: cover, weight: weight, terms: [] };
        if (full.size || unit.run.length < 3) return result;
        return runTypos(index, unit, weight).then(function (typo) {
          typo.forEach(function (s, page) {
            full.set(page, true);
            scores.set(page, Math.max(scores.get(page) || 0, s));
            cover.set(page, Math.max(cover.get(page) || 0, weight * TYPO_SHARE));
          });
          return result;
        });
      });
    }
    return expandUnit(index, unit).then(function (expansions) {
      var terms = Array.from(expansions.keys());
      return Promise.all(terms.map(function (t) {
        return index.shard(index.shardOf(t)).then(function (shard) { return index.postings(t, shard); });
      })).then(function (lists) {
        var scores = new Map(), kinds = new Map();
        lists.forEach(function (p, i) {
          if (!p) return;
          var info = expansions.get(terms[i]), f = idf(n, p.pages.length);
          for (var k = 0; k < p.pages.length; k++) {
            var page = p.pages[k], s = p.weights[k] * info[0] * f * f;
            if (!(scores.get(page) >= s)) scores.set(page, s);
            if (info[1] !== 'typo') kinds.set(page, true); else if (!kinds.has(page)) kinds.set(page, false);
          }
        });
        var weight = idf(n, scores.size), full = new Map(), cover = new Map();
        kinds.forEach(function (exact, page) {
          full.set(page, true);
          cover.set(page, exact ? weight : weight * TYPO_SHARE);
        });
        unit.matchedTerms = terms;
        return { scores: scores, full: full, cover: cover, weight: weight, terms: terms };
      });
    });
  }

  /* A run of 3+ characters that no page holds whole may have one wrong character: the runs with
   * one character (not the first) replaced by the one that follows the character before it in
   * the index (the commonest few), that some page holds whole. Map page -> score, discounted. */
  function runTypos(index, unit, weight) {
    var run = unit.run, n = index.metaData.pages, jobs = [];
    for (var i = 1; i < run.length; i++) {
      (function (i) {
        var before = run[i - 1];
        jobs.push(Promise.all(index.shardsFor(before, 2).map(function (k) { return index.shard(k); })).then(function (shards) {
          var candidates = [];
          shards.forEach(function (shard) {
            for (var t in shard) {
              var cs = Array.from(t);
              if (cs.length === 2 && cs[0] === before && cs[1] !== run[i] && isCjk(cs[1])) candidates.push([cs[1], shard[t].length]);
            }
          });
          // The commonest followers first (postings length stands for how common).
          candidates.sort(function (a, b) { return b[1] - a[1]; });
          return Promise.all(candidates.slice(0, 12).map(function (c) {
            var variant = run.slice(0, i).concat([c[0]], run.slice(i + 1));
            return scoreRunWhole(index, bigrams(variant), n);
          }));
        }));
      }(i));
    }
    return Promise.all(jobs).then(function (perPosition) {
      var out = new Map();
      perPosition.forEach(function (variants) {
        variants.forEach(function (m) {
          m.forEach(function (s, page) { if (!(out.get(page) >= s * TYPO_SHARE)) out.set(page, s * TYPO_SHARE); });
        });
      });
      return out;
    });
  }

  /* Pages holding every one of `grams`, with their score. */
  function scoreRunWhole(index, grams, n) {
    return Promise.all(grams.map(function (b) {
      return index.shard(index.shardOf(b)).then(function (shard) { return index.postings(b, shard); });
    })).then(function (lists) {
      var scores = new Map(), found = new Map();
      if (lists.some(function (p) { return !p; })) return scores;
      lists.forEach(function (p) {
        var f = idf(n, p.pages.length);
        for (var i = 0; i < p.pages.length; i++) {
          var page = p.pages[i];
          scores.set(page, (scores.get(page) || 0) + p.weights[i] * f * f);
          found.set(page, (found.get(page) || 0) + 1);
        }
      });
      found.forEach(function (count, page) { if (count < grams.length) scores.delete(page); });
      return scores;
    });
  }

  /* Orders ranked pages: those holding every unit first, by score; then the others by the share
   * of the query's rarity they hold (in tenths), then by score. */
  function byRank(a, b) {
    if (a.complete !== b.complete) return a.complete ? -1 : 1;
    if (!a.complete) {
      var d = Math.round(b.cover * 10) - Math.round(a.cover * 10);
      if (d) return d;
    }
    return b.score - a.score || a.page - b.page;
  }

  /* Runs one query: { total, partial, ranked: [{ page, score, complete, cover }], units, terms }.
   * The pages holding every unit come first; then, when the query has several units, the pages
   * holding at least NEAR_COMPLETE of its rarity (MIN_COVERAGE when no page holds every unit).
   * `partial`: no page holds every unit. */
  function rank(index, query) {
    var units = parseQuery(query, index.pipe, index.stemming, index.questionWords);
    if (!units.length) return Promise.resolve({ total: 0, ranked: [], units: units, terms: [], empty: true });
    return Promise.all(units.map(function (u) { return scoreUnit(index, u); })).then(function (per) {
      var pages = new Map(), weight = 0;
      per.forEach(function (r) {
        weight += r.weight;
        r.scores.forEach(function (s, page) {
          var e = pages.get(page);
          if (!e) pages.set(page, e = { page: page, score: 0, matched: 0, cover: 0 });
          e.score += s;
          if (r.full.get(page)) e.matched++;
          e.cover += r.cover.get(page) || 0;
        });
      });
      var list = [], complete = 0;
      pages.forEach(function (e) {
        e.cover /= weight;
        e.complete = e.matched === units.length;
        if (e.complete) complete++;
      });
      // Pages that lack a unit follow those that hold every one when they hold most of the
      // query's rarity (a question's incidental word), or when no page holds every unit.
      var bar = complete ? NEAR_COMPLETE : MIN_COVERAGE;
      pages.forEach(function (e) { if (e.complete || (units.length > 1 && e.cover >= bar)) list.push(e); });
      list.sort(byRank);
      var terms = [];
      per.forEach(function (r) { terms.push.apply(terms, r.terms); });
      var missing = units.filter(function (u, i) { return !per[i].scores.size; });
      return { total: list.length, partial: !complete && list.length > 0, ranked: list, units: units, terms: terms, missing: missing };
    });
  }

  /* A chunk's folded text as units (CJK runs; word terms in order, a run leaving a gap). */
  function chunkUnits(text, pipe) {
    var runs = [], words = [];
    scan(text, function (run) { runs.push(run.join('')); words.push('\u0000'); }, function (word) {
      var t = pipe(word);
      if (t !== null) words.push(t);
    });
    return { runs: runs, words: words };
  }

  /* How a chunk matches the query: hits (units found), phrases (whole CJK runs, words in order). */
  function chunkMatch(text, q, pipe) {
    var cu = chunkUnits(text, pipe), hits = 0, phrases = 0;
    var wordSet = new Set(cu.words);
    q.units.forEach(function (u) {
      if (u.kind === 'run' || u.kind === 'char') {
        if (cu.runs.some(function (r) { return r.indexOf(u.text) >= 0; })) {
          hits++;
          if (u.kind === 'run') phrases++;
        }
      } else if (wordSet.has(u.text) || (u.matchedTerms || []).some(function (t) { return wordSet.has(t); })) {
        hits++;
      }
    });
    var words = q.units.filter(function (u) { return u.kind === 'word'; }).map(function (u) { return u.text; });
    if (words.length > 1 && cu.words.join(' ').indexOf(words.join(' ')) >= 0) phrases++;
    return { hits: hits, phrases: phrases };
  }

  /* How a query meets the glossary's aliases (alias_key in src/search/mod.rs): its tokens after
   * the pipeline, a non-ASCII token the pipeline drops kept as it is, joined by spaces. */
  function aliasKey(text, pipe) {
    return tokenize(text).map(function (t) {
      var p = pipe(t);
      return p === null && !isAscii(t) ? t : p;
    }).filter(function (t) { return t !== null; }).join(' ');
  }

  /* The runs of what the site's bilingual texts say the query's words are in the index's language
   * (docs/search-format.md, the dictionary): for the units no page holds, the dictionary's entries
   * that most of them share; a text is searched for in their stead, with the query's other units;
   * a page (the twin of a page whose title has them) is a result when no unit was found at all. */
  function counterparts(index, query, q) {
    var bounds = index.metaData.dictionary || [];
    if (!bounds.length || !q.missing || !q.missing.length) return Promise.resolve([]);
    return Promise.all(q.missing.map(function (u) {
      return index.file('d/' + shardIn(bounds, u.text)).then(function (shard) {
        return Object.prototype.hasOwnProperty.call(shard, u.text) ? shard[u.text] : [];
      });
    })).then(function (lists) {
      var counts = new Map(), best = 0;
      lists.forEach(function (entries) {
        entries.forEach(function (e) {
          var c = (counts.get(e) || 0) + 1;
          counts.set(e, c);
          if (c > best) best = c;
        });
      });
      if (!best) return [];
      var texts = [], pages = [];
      counts.forEach(function (c, e) { if (c === best) (typeof e === 'number' ? pages : texts).push(e); });
      texts.sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1); });
      var rest = q.units.filter(function (u) { return q.missing.indexOf(u) < 0; })
        .map(function (u) { return u.source; }).join(' ');
      var runs = texts.slice(0, 3).map(function (t) { return rank(index, rest ? rest + ' ' + t : t); });
      if (!rest && pages.length) {
        var whole = best === q.missing.length;
        runs.push(Promise.resolve({
          total: pages.length, partial: !whole, units: [], terms: [], empty: false,
          ranked: pages.slice(0, MAX_RESULTS).map(function (page) {
            return { page: page, score: 1, complete: whole, cover: best / q.missing.length };
          })
        }));
      }
      return Promise.all(runs);
    });
  }

  /* The shard of sorted keys (first keys `bounds`) that holds `key`. */
  function shardIn(bounds, key) {
    var lo = 0, hi = bounds.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (bounds[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* Searches `index` for `query`: the ranked pages with, for those shown, their fragment, the
   * best chunk (heading) and the phrase bonus applied. */
  function search(index, query, aliasMap) {
    return index.meta().then(function () {
      var queries = [query], key = aliasKey(query, index.pipe);
      var aliases = aliasMap || index.metaData.aliases || {};
      // A glossary term's other names: the whole query, or one of its words.
      if (Object.prototype.hasOwnProperty.call(aliases, key)) queries.push.apply(queries, aliases[key]);
      else {
        var words = [];
        scan(query, function (run) { words.push(run.join('')); }, function (w) { words.push(w); }, null, true);
        words.forEach(function (w, i) {
          var k = aliasKey(w, index.pipe);
          if (words.length > 1 && k && Object.prototype.hasOwnProperty.call(aliases, k)) {
            aliases[k].forEach(function (name) {
              queries.push(words.slice(0, i).concat([name], words.slice(i + 1)).join(' '));
            });
          }
        });
      }
      return Promise.all(queries.map(function (q) { return rank(index, q); }));
    }).then(function (runs) {
      return counterparts(index, query, runs[0]).then(function (more) { return runs.concat(more); });
    }).then(function (runs) {
      var q = runs[0];
      // An alias's pages join the query's own, with what they match highlighted too.
      for (var i = 1; i < runs.length; i++) {
        var extra = runs[i], byPage = new Map(q.ranked.map(function (e) { return [e.page, e]; }));
        if (!extra.partial && extra.total) q.partial = false;
        extra.ranked.forEach(function (e) {
          var mine = byPage.get(e.page);
          if (!mine) { q.ranked.push(e); byPage.set(e.page, e); } else {
            if (e.score > mine.score) mine.score = e.score;
            if (e.complete && !mine.complete) { mine.complete = true; mine.cover = e.cover; }
          }
        });
        q.units = q.units.concat(extra.units);
        q.terms = q.terms.concat(extra.terms);
        q.ranked.sort(byRank);
        q.total = q.ranked.length;
        q.empty = q.empty && extra.empty;
      }
      var shown = q.ranked.slice(0, MAX_RESULTS);
      return Promise.all(shown.map(function (e) { return index.fragment(e.page); })).then(function (fragments) {
        var results = shown.map(function (e, i) {
          var f = fragments[i], best = 0, bestScore = -1, phrases = chunkMatch(f.title, q, index.pipe).phrases;
          f.chunks.forEach(function (c, k) {
            var m = chunkMatch(c[1] + '\n' + c[2], q, index.pipe);
            if (m.hits + m.phrases > bestScore) { best = k; bestScore = m.hits + m.phrases; }
            if (m.phrases > phrases) phrases = m.phrases;
          });
          var chunk = f.chunks[best] || ['', '', ''];
          return {
            page: e.page, score: e.score * (1 + 0.5 * phrases), complete: e.complete, cover: e.cover,
            url: f.url + (chunk[0] ? '#' + chunk[0] : ''),
            title: f.title, heading: chunk[1], section: f.section, body: chunk[2]
          };
        });
        results.sort(byRank);
        return { total: q.total, partial: q.partial, results: results, query: q, empty: q.empty };
      });
    });
  }

  // ---- highlighting ----

  /* Folds text one code point at a time, keeping for each folded code point its source offset. */
  function foldWithMap(text) {
    var chars = [], map = [];
    for (var i = 0; i < text.length;) {
      var cp = text.codePointAt(i), ch = String.fromCodePoint(cp);
      Array.from(fold(ch)).forEach(function (f) { chars.push(f); map.push(i); });
      i += ch.length;
    }
    map.push(text.length);
    return { chars: chars, map: map };
  }

  /* Ranges [start, end) of `text` to mark for the query: words whose term is one the query
   * matched (exactly, as a prefix, a typo or a spelling variant), and in CJK runs the query's
   * runs (or, when a run is not there whole, its bigrams). */
  function findRanges(text, q, pipe) {
    var fm = foldWithMap(text), ranges = [];
    var terms = new Set(q.terms);
    q.units.forEach(function (u) { if (u.kind === 'word') terms.add(u.text); });
    var prefixes = q.units.filter(function (u) { return u.kind === 'word' && u.prefix && Array.from(u.text).length >= 2; });
    var runs = q.units.filter(function (u) { return u.kind !== 'word'; });
    scan('', function (run, from, to, at) {
      var s = run.join('');
      runs.forEach(function (u) {
        var needles = s.indexOf(u.text) >= 0 || u.kind === 'char' ? [u.text] : u.bigrams;
        needles.forEach(function (needle) {
          for (var pos = s.indexOf(needle); pos >= 0; pos = s.indexOf(needle, pos + 1)) {
            var first = at[Array.from(s.slice(0, pos)).length];
            var last = at[Array.from(s.slice(0, pos)).length + Array.from(needle).length - 1];
            ranges.push([fm.map[first], fm.map[last + 1]]);
          }
        });
      });
    }, function (word, from, to) {
      var t = pipe(word);
      var hit = t !== null && terms.has(t);
      if (!hit) {
        var folded = trimmer(word);
        hit = prefixes.some(function (u) { return folded.slice(0, u.text.length) === u.text || (t && t.slice(0, u.text.length) === u.text); });
      }
      if (hit) ranges.push([fm.map[from], fm.map[to]]);
    }, fm.chars);
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
  function snippet(text, q, pipe, width) {
    var ranges = findRanges(text, q, pipe);
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
      if (to < text.length && back >= 0 && (!ranges.length || Math.max(from, to - 20) + back >= ranges[0][1])) to = Math.max(from, to - 20) + back;
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

  // ---- loading from file:// ----

  /* Loads index files as <script>s: each calls window.nenpoSearch(key, data). */
  function scriptLoader(doc, win, root) {
    var waiting = new Map();
    var previous = win.nenpoSearch;
    win.nenpoSearch = function (key, data) {
      var w = waiting.get(key);
      if (w) { waiting.delete(key); w.resolve(data); } else if (typeof previous === 'function') previous(key, data);
    };
    return function (key) {
      return new Promise(function (resolve, reject) {
        waiting.set(key, { resolve: resolve });
        var script = doc.createElement('script');
        script.src = root + key + '.js';
        script.async = true;
        script.onload = function () {
          script.remove();
          if (waiting.has(key)) { waiting.delete(key); reject(new Error(key + '.js registered nothing')); }
        };
        script.onerror = function () { script.remove(); waiting.delete(key); reject(new Error('cannot load ' + key + '.js')); };
        doc.head.appendChild(script);
      });
    };
  }

  // ---- user interface ----

  /* Messages from the page's data-msg-* (i18n/<lang>.toml), with {n}, {shown}, {q} filled in. */
  function messages(form) {
    function text(name) { return form.getAttribute('data-msg-' + name) || ''; }
    function fill(template, values) {
      return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? String(values[key]) : all; });
    }
    return {
      loading: text('loading'),
      failed: text('failed'),
      count: function (n) { return n === 1 ? text('count-one') : fill(text('count'), { n: n }); },
      more: function (n, shown) { return fill(text('more'), { n: n, shown: shown }); },
      partial: function (n) { return fill(text('partial'), { n: n }); },
      none: function (q) { return fill(text('none'), { q: q }); }
    };
  }

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
    var prefix = form.getAttribute('data-search-index') || 'search/' + lang;
    var msg = messages(form);
    var snippetLength = parseInt(form.getAttribute('data-snippet-length'), 10) || 160;
    var index = new Index(prefix, scriptLoader(doc, win, root));
    index.questionWords = questionWordList(form.getAttribute('data-search-question-words'));
    var find = win.nenpoWiden ? win.nenpoWiden(form, input, index, search, Index) : function (q) { return search(index, q); };
    var ready = false, failed = false, latest = 0;
    form.hidden = false;

    function setStatus(text) { if (status.textContent !== text) status.textContent = text; }

    function clearResults() {
      while (list.firstChild) list.removeChild(list.firstChild);
      list.hidden = true;
    }

    function render() {
      var query = input.value, ticket = ++latest;
      if (!query.trim()) { clearResults(); setStatus(''); done(query, 0); return; }
      if (failed) { clearResults(); setStatus(msg.failed); done(query, 0); return; }
      if (!ready) setStatus(msg.loading);
      find(query).then(function (found) {
        if (ticket !== latest) return;
        ready = true;
        clearResults();
        if (!found.total) {
          setStatus(msg.none(query.trim()));
        } else {
          list.appendChild(items(found));
          list.hidden = false;
          setStatus(found.partial ? msg.partial(found.total)
            : found.total > found.results.length ? msg.more(found.total, found.results.length) : msg.count(found.total));
        }
        done(query, found.total);
      }, function () {
        if (ticket !== latest) return;
        fail();
      });
    }

    function items(found) {
      var frag = doc.createDocumentFragment(), pipe = index.pipe;
      found.results.forEach(function (r) {
        var li = el(doc, 'li', 'search-results__item');
        var a = el(doc, 'a', 'search-results__link');
        a.setAttribute('href', root + r.url);
        var title = el(doc, 'span', 'search-results__title');
        appendParts(doc, title, snippet(r.title, found.query, pipe, 1e9));
        a.appendChild(title);
        if (r.heading) {
          var heading = el(doc, 'span', 'search-results__heading');
          appendParts(doc, heading, snippet(r.heading, found.query, pipe, 1e9));
          a.appendChild(heading);
        }
        if (r.section) a.appendChild(el(doc, 'span', 'search-results__section', r.section));
        if (r.body) {
          var snip = el(doc, 'span', 'search-results__snippet');
          appendParts(doc, snip, snippet(r.body, found.query, pipe, snippetLength));
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
      if (ready || failed) return;
      index.meta().then(function () {
        ready = true;
        form.setAttribute('data-search-state', 'ready');
      }, fail);
    }

    function fail() {
      failed = true;
      form.setAttribute('data-search-state', 'failed');
      clearResults();
      if (input.value.trim()) { setStatus(msg.failed); done(input.value, 0); }
    }

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
    FORMAT: FORMAT, TOKENIZER: TOKENIZER, FIELDS: FIELDS, fold: fold, tokenize: tokenize, stem: stem,
    spellingVariant: spellingVariant, runPipeline: runPipeline, makePipeline: makePipeline,
    decodePostings: decodePostings, weight: weight, aliasKey: aliasKey, pageWeights: pageWeights, editDistance: editDistance,
    Index: Index, search: search, questionWordList: questionWordList, withoutQuestionWords: withoutQuestionWords, findRanges: findRanges, snippet: snippet, start: start
  };
}));
