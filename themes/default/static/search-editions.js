/* Search across the editions of a series. Loaded before search.js only on a series' pages; the
 * form's checkbox [data-search-editions] lists the other editions' indexes ("prefix|label;" for
 * each). Unticked, only the current edition's index is used; ticked, the others are loaded (then
 * only) and the results of all are merged by score, each labelled with its edition. */
(function (win) {
  'use strict';
  /* Called by search.js's start(): returns the function it searches with. */
  win.nenpoWiden = function (form, input, index, search, Index) {
    var box = form.querySelector('input[data-search-editions]');
    if (!box) return function (q) { return search(index, q); };
    var label = box.getAttribute('data-edition-label') || '';
    var others = box.getAttribute('data-search-editions').split(';').filter(Boolean).map(function (line) {
      var at = line.indexOf('|');
      return { prefix: line.slice(0, at), label: line.slice(at + 1), index: null };
    });
    box.closest('.search-form__editions').hidden = false;
    box.addEventListener('change', function () {
      form.setAttribute('data-search-widened', box.checked ? 'true' : 'false');
      if (input.value.trim()) input.dispatchEvent(new win.Event('input'));
    });
    function tag(found, name) {
      found.results.forEach(function (r) { r.section = r.section ? name + ' · ' + r.section : name; });
      return found;
    }
    return function (q) {
      if (!box.checked) return search(index, q);
      var all = [search(index, q).then(function (f) { return tag(f, label); })].concat(others.map(function (o) {
        if (!o.index) { o.index = new Index(o.prefix, index.load); o.index.questionWords = index.questionWords; }
        return search(o.index, q).then(function (f) { return tag(f, o.label); });
      }));
      return Promise.all(all).then(function (runs) {
        var first = runs[0], results = [];
        runs.forEach(function (f) { results = results.concat(f.results); });
        results.sort(function (a, b) { return b.score - a.score; });
        return {
          total: runs.reduce(function (n, f) { return n + f.total; }, 0),
          partial: runs.every(function (f) { return f.partial || !f.total; }) && runs.some(function (f) { return f.total; }),
          results: results.slice(0, 10), query: first.query, empty: first.empty
        };
      });
    };
  };
}(window));
