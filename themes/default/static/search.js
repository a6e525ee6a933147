// The search page: finds cases in the static index that `generator build` writes (see generator/src/search.rs),
// in the browser, with no server. Without JavaScript the page says so and points to the category pages.
(function () {
  "use strict";

  // Search terms exactly as the generator's search.rs makes them: CJK characters and pairs, Latin words.
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
  function intersect(a, b) {
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; }
      else if (a[i] < b[j]) i++;
      else j++;
    }
    return out;
  }
  // `text` as a paragraph with each occurrence of the query's parts marked.
  function highlighted(text, parts) {
    var folded = foldText(text), paragraph = document.createElement("p"), at = 0;
    var marks = [];
    parts.forEach(function (part) {
      for (var i = folded.indexOf(part); part && i >= 0; i = folded.indexOf(part, i + part.length)) marks.push([i, i + part.length]);
    });
    marks.sort(function (x, y) { return x[0] - y[0]; }).forEach(function (m) {
      if (m[0] < at) return;
      paragraph.appendChild(document.createTextNode(text.slice(at, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      paragraph.appendChild(mark);
      at = m[1];
    });
    paragraph.appendChild(document.createTextNode(text.slice(at)));
    return paragraph;
  }

  // The search page: queries the static index in the browser.
  function search() {
    var list = document.querySelector(".search-results");
    if (!list) return;
    var base = list.dataset.index;
    var form = document.querySelector(".search-form");
    var input = document.getElementById("search-q");
    var status = document.querySelector(".search-status");
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
    function find(query) {
      var needed = queryTerms(query);
      if (!needed.length) return Promise.resolve([]);
      return load("meta.json").then(function (meta) {
        return Promise.all(needed.map(function (t) { return load("terms-" + (fnv1a(t) % meta.shards) + ".json"); }))
          .then(function (shards) {
            var hits = needed.map(function (t, i) { return shards[i][t] || []; }).reduce(intersect);
            hits = hits.slice(0, 500);
            var chunks = hits.map(function (n) { return Math.floor(n / meta.chunk); })
              .filter(function (c, i, all) { return all.indexOf(c) === i; });
            return Promise.all(chunks.map(function (c) { return load("cases-" + c + ".json"); })).then(function (loaded) {
              return hits.map(function (n) {
                return loaded[chunks.indexOf(Math.floor(n / meta.chunk))][n % meta.chunk];
              });
            });
          });
      });
    }
    function run(query) {
      var ticket = ++latest;
      query = query.trim();
      if (!query) {
        list.textContent = "";
        status.textContent = "";
        return;
      }
      status.textContent = "正在搜索……";
      var parts = query.split(/\s+/).map(foldText);
      find(query).then(function (cases) {
        if (ticket !== latest) return;
        var score = function (c) {
          var s = 0;
          parts.forEach(function (p) {
            if (foldText(c.t).indexOf(p) >= 0) s += 4;
            if (foldText(c.a).indexOf(p) >= 0) s += 2;
            if (foldText(c.s).indexOf(p) >= 0) s += 1;
          });
          return s;
        };
        var ranked = cases.map(function (c, i) { return { c: c, s: score(c), i: i }; })
          .sort(function (x, y) { return y.s - x.s || x.i - y.i; });
        list.textContent = "";
        status.textContent = ranked.length
          ? "找到 " + ranked.length + " 个与“" + query + "”相关的案例"
          : "没有找到与“" + query + "”相关的案例，换个词试试。";
        ranked.slice(0, 50).forEach(function (r) {
          var li = document.createElement("li");
          var link = document.createElement("a");
          link.href = r.c.u;
          link.textContent = r.c.t;
          var meta = document.createElement("p");
          meta.className = "meta";
          meta.textContent = r.c.a + " · " + r.c.c;
          li.appendChild(link);
          li.appendChild(meta);
          li.appendChild(highlighted(r.c.s, parts));
          list.appendChild(li);
        });
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
