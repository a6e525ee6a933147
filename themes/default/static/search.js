// The search page: finds cases in the static index that `generator build` writes (see generator/src/render/search_index.rs),
// in the browser, with no server. Without JavaScript the page says so and points to the category pages.
(function () {
  "use strict";

  // Search terms exactly as the generator's render/search_index.rs makes them: CJK characters and pairs, Latin words.
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  function isCjk(c) {
    var n = c.codePointAt(0);
    return (n >= 0x2E80 && n <= 0x2FDF) || (n >= 0x3000 && n <= 0x303F) || (n >= 0x3040 && n <= 0x30FF) ||
      (n >= 0x3100 && n <= 0x312F) || (n >= 0x31A0 && n <= 0x31FF) || (n >= 0x3400 && n <= 0x4DBF) ||
      (n >= 0x4E00 && n <= 0x9FFF) || (n >= 0xF900 && n <= 0xFAFF) || (n >= 0xFE30 && n <= 0xFE4F) ||
      (n >= 0xFF00 && n <= 0xFFEF) || (n >= 0x20000 && n <= 0x2FA1F);
  }
  function fold(c) {
    var n = c.codePointAt(0);
    if (n >= 0xFF01 && n <= 0xFF5E) c = String.fromCodePoint(n - 0xFEE0);
    return c >= "A" && c <= "Z" ? c.toLowerCase() : c;
  }
  function foldText(text) {
    return Array.from(text, fold).join("");
  }
  // The terms a query needs: pairs of each CJK run (or the character of a one-character run), and Latin words.
  function queryTerms(query) {
    var needed = [], word = "", run = [];
    function endRun() {
      if (run.length === 1) needed.push(run[0]);
      for (var i = 1; i < run.length; i++) needed.push(run[i - 1] + run[i]);
      run = [];
    }
    function endWord() {
      if (word) needed.push(word);
      word = "";
    }
    Array.from(query, fold).forEach(function (c) {
      if (isCjk(c) && ALNUM.test(c)) { endWord(); run.push(c); }
      else if (ALNUM.test(c)) { endRun(); word += c; }
      else { endRun(); endWord(); }
    });
    endRun();
    endWord();
    return needed.filter(function (t, i) { return needed.indexOf(t) === i; });
  }
  function fnv1a(term) {
    var bytes = new TextEncoder().encode(term), hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }
  // `text` as an element of `tag` with each occurrence of the query's terms marked.
  function highlighted(tag, text, terms) {
    var folded = foldText(text), element = document.createElement(tag), at = 0, marks = [];
    terms.forEach(function (term) {
      for (var i = folded.indexOf(term); term && i >= 0; i = folded.indexOf(term, i + 1)) marks.push([i, i + term.length]);
    });
    marks.sort(function (x, y) { return x[0] - y[0] || y[1] - x[1]; });
    // Overlapping terms (医保, 保支, 支付) make one mark.
    var merged = [];
    marks.forEach(function (m) {
      var last = merged[merged.length - 1];
      if (last && m[0] <= last[1]) last[1] = Math.max(last[1], m[1]);
      else merged.push(m.slice());
    });
    merged.forEach(function (m) {
      element.appendChild(document.createTextNode(text.slice(at, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      element.appendChild(mark);
      at = m[1];
    });
    element.appendChild(document.createTextNode(text.slice(at)));
    return element;
  }

  // Where a case holds the whole query as it was typed (each of its space-separated parts): 3 the title, 2 the
  // applicant, 1 the summary, 0 nowhere.
  function exactness(c, parts) {
    var fields = [c.t, c.a, c.s];
    for (var f = 0; f < fields.length; f++) {
      var text = foldText(fields[f]);
      if (parts.every(function (p) { return text.indexOf(p) >= 0; })) return 3 - f;
    }
    return 0;
  }
  // Where a case holds the query's terms: 3 for each in the title, 2 in the applicant, 1 in the summary.
  function placement(c, terms) {
    var t = foldText(c.t), a = foldText(c.a), s = foldText(c.s);
    return terms.reduce(function (sum, term) {
      return sum + (t.indexOf(term) >= 0 ? 3 : a.indexOf(term) >= 0 ? 2 : s.indexOf(term) >= 0 ? 1 : 0);
    }, 0);
  }
  // The order of the results: exact matches first (title first), then by how many of the query's terms a case
  // holds anywhere, then by where it holds them, then in the hall's order.
  function ranked(found, query) {
    var parts = query.split(/\s+/).map(foldText).filter(Boolean);
    return found.map(function (f) {
      return { c: f.c, n: f.n, held: f.held, exact: exactness(f.c, parts), where: placement(f.c, f.terms) };
    }).sort(function (x, y) {
      return y.exact - x.exact || y.held - x.held || y.where - x.where || x.n - y.n;
    });
  }

  // The search page: queries the static index in the browser; the header's search box is its search box.
  function search() {
    var list = document.querySelector(".search-results");
    if (!list) return;
    var base = list.dataset.index;
    var form = document.querySelector(".header-search");
    var input = document.getElementById("header-q");
    var status = document.querySelector(".search-status");
    var suggestions = document.querySelector(".search-suggestions");
    var files = {}, timer = null, latest = 0;
    function load(name) {
      if (!files[name]) {
        files[name] = fetch(base + name).then(function (r) {
          if (!r.ok) throw new Error(name);
          return r.json();
        });
      }
      return files[name];
    }
    // The cases that hold at least half of the query's terms (all of them when there are one or two), each with
    // the terms it holds.
    function find(query) {
      var needed = queryTerms(query);
      if (!needed.length) return Promise.resolve([]);
      return load("meta.json").then(function (meta) {
        return Promise.all(needed.map(function (t) { return load("terms-" + (fnv1a(t) % meta.shards) + ".json"); }))
          .then(function (shards) {
            var held = {};
            needed.forEach(function (t, i) {
              (shards[i][t] || []).forEach(function (n) { (held[n] = held[n] || []).push(t); });
            });
            var least = needed.length <= 2 ? needed.length : Math.ceil(needed.length / 2);
            var hits = Object.keys(held).map(Number).filter(function (n) { return held[n].length >= least; })
              .sort(function (a, b) { return held[b].length - held[a].length || a - b; }).slice(0, 500);
            var chunks = hits.map(function (n) { return Math.floor(n / meta.chunk); })
              .filter(function (c, i, all) { return all.indexOf(c) === i; });
            return Promise.all(chunks.map(function (c) { return load("cases-" + c + ".json"); })).then(function (loaded) {
              return hits.map(function (n) {
                var c = loaded[chunks.indexOf(Math.floor(n / meta.chunk))][n % meta.chunk];
                return { c: c, n: n, held: held[n].length, terms: held[n] };
              });
            });
          });
      });
    }
    function item(r, terms) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = r.c.u;
      link.className = "result-link";
      if (r.c.i) {
        var img = document.createElement("img");
        img.src = r.c.i;
        img.alt = "";
        img.width = r.c.w;
        img.height = r.c.h;
        img.loading = "lazy";
        img.decoding = "async";
        link.appendChild(img);
      } else {
        var blank = document.createElement("span");
        blank.className = "result-noimg";
        link.appendChild(blank);
      }
      link.appendChild(highlighted("span", r.c.t, terms));
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = r.c.a + " · " + r.c.c;
      var summary = highlighted("p", r.c.s, terms);
      summary.className = "summary";
      li.appendChild(link);
      li.appendChild(meta);
      li.appendChild(summary);
      return li;
    }
    function run(query) {
      var ticket = ++latest;
      query = query.trim();
      if (suggestions) suggestions.hidden = !!query;
      if (!query) {
        list.textContent = "";
        status.textContent = "";
        return;
      }
      status.textContent = "正在搜索……";
      var terms = queryTerms(query).concat(query.split(/\s+/).map(foldText));
      find(query).then(function (found) {
        if (ticket !== latest) return;
        var results = ranked(found, query);
        list.textContent = "";
        status.textContent = results.length
          ? "找到 " + results.length + " 个与“" + query + "”相关的案例"
          : "没有找到与“" + query + "”相关的案例，换个词试试。";
        if (suggestions && !results.length) suggestions.hidden = false;
        results.slice(0, 50).forEach(function (r) { list.appendChild(item(r, terms)); });
      }, function () {
        if (ticket === latest) status.textContent = "搜索暂时不可用，请稍后再试。";
      });
    }
    var initial = new URLSearchParams(window.location.search).get("q") || "";
    input.value = initial;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value.trim()));
      run(input.value);
    });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(input.value); }, 200);
    });
    run(initial);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", search);
  else search();
})();
