// Against position bias, on listing pages and the home page: while voting is open, each visitor sees the cards of a
// listing in an order of their own (the same on every visit, from a seed kept in this browser), so that no case
// gains votes from being first. hall.js says whether voting is open.
(function () {
  "use strict";
  var done = false;

  function seed() {
    try {
      var kept = window.localStorage.getItem("hall-order-seed");
      if (!kept) {
        kept = String(Math.floor(Math.random() * 1e9));
        window.localStorage.setItem("hall-order-seed", kept);
      }
      return kept;
    } catch (e) {
      return String(Math.floor(Math.random() * 1e9));
    }
  }

  // FNV-1a of the seed and the card's link: a stable, per-visitor place for each card.
  function place(key, item) {
    var link = item.querySelector("a");
    var text = key + (link ? link.getAttribute("href") : item.textContent);
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    return h;
  }

  function shuffle(code) {
    if (done || code !== "open") return;
    done = true;
    var key = seed();
    document.querySelectorAll("[data-shuffle-while-voting]").forEach(function (list) {
      Array.prototype.slice.call(list.children)
        .map(function (item) { return [place(key, item), item]; })
        .sort(function (a, b) { return a[0] - b[0]; })
        .forEach(function (pair) { list.appendChild(pair[1]); });
    });
  }

  shuffle(document.documentElement.dataset.voting);
  document.addEventListener("hall:voting", function (event) { shuffle(event.detail); });
})();
