// The hall's script on every page. Each part only enhances what works without it: the vote form posts by itself
// and a photo link opens the large JPEG. Search lives in search.js (the search page), the listings' order in listing.js.
(function () {
  "use strict";

  // Today's date as YYYY-MM-DD in the election's time zone, or null if the browser cannot tell.
  function today(timeZone) {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
        .format(new Date());
    } catch (e) {
      return null;
    }
  }

  function monthDay(iso) {
    var parts = iso.split("-");
    return Number(parts[1]) + "月" + Number(parts[2]) + "日";
  }

  // The voting status in words, by state: the service's codes.
  var STATES = {
    not_open: function (opens) { return "投票将于" + monthDay(opens) + "开始"; },
    open: function (opens, closes) { return "投票进行中，" + monthDay(closes) + "截止"; },
    closed: function (opens, closes) { return "投票已于" + monthDay(closes) + "结束"; }
  };

  function showStatus(el, code) {
    var strong = el.querySelector("strong.vote-state");
    if (!strong) {
      strong = document.createElement("strong");
      strong.className = "vote-state";
      el.insertBefore(strong, el.firstChild);
    }
    strong.textContent = STATES[code](el.dataset.opens, el.dataset.closes) + "。";
  }

  // The day after `iso` (YYYY-MM-DD), as YYYY-MM-DD.
  function nextDay(iso) {
    var d = new Date(iso + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  // Remembers in this browser that it voted on `day` in the form's scope, so that the button says so.
  function votedKey(form, day) {
    return "hall-voted:" + form.dataset.election + ":" + day + ":" + (form.dataset.scopeKey || "");
  }
  function remember(key) {
    try { window.localStorage.setItem(key, "1"); } catch (e) { /* private mode: the service still says no */ }
  }
  function remembered(key) {
    try { return window.localStorage.getItem(key) === "1"; } catch (e) { return false; }
  }

  // The vote buttons follow the voting status: 尚未开始 / 投票 / 今日已投 / 投票已结束, and say plainly when the vote
  // service cannot be reached; a button is enabled only where a vote can count.
  var voting = { code: null, day: null };
  function showButtons() {
    document.querySelectorAll("form.vote-form").forEach(function (form) {
      var button = form.querySelector("button");
      var hint = form.parentNode.querySelector(".vote-hint");
      var status = document.querySelector("[data-vote-status]");
      var text = "投票", note = "", enabled = false;
      if (voting.code === "not_open") {
        text = "尚未开始";
        note = "投票将于" + monthDay(status.dataset.opens) + "开始。";
      } else if (voting.code === "closed") {
        text = "投票已结束";
        note = "投票已于" + monthDay(status.dataset.closes) + "结束，感谢关注。";
      } else if (voting.code === "unreachable") {
        text = "暂时无法投票";
        note = "暂时无法连接投票服务，投票不会被记录；请稍后刷新页面再试。";
      } else if (voting.code === "open" && voting.day && remembered(votedKey(form, voting.day))) {
        text = "今日已投";
        note = voting.day >= status.dataset.closes
          ? "今天是投票的最后一天，感谢参与。"
          : "您今天已经投过票，" + monthDay(nextDay(voting.day)) + "可再投。";
      } else if (voting.code === "open") {
        enabled = true;
      }
      button.textContent = text;
      button.disabled = !enabled;
      if (hint) {
        hint.textContent = note;
        hint.hidden = !note;
      }
    });
  }

  // Tells other scripts (listing.js) the voting status: on the root element, and as an event when it changes.
  function announce() {
    document.documentElement.dataset.voting = voting.code || "";
    document.dispatchEvent(new CustomEvent("hall:voting", { detail: voting.code }));
  }

  // The voting status: at once from the browser's clock, so that the static page never goes stale, then from the
  // vote service's own clock when it answers (a rehearsal or the preview may run it at another date).
  function voteStatus() {
    var els = document.querySelectorAll("[data-vote-status]");
    els.forEach(function (el) {
      var now = today(el.dataset.tz);
      if (!now) return;
      var code = now < el.dataset.opens ? "not_open" : now > el.dataset.closes ? "closed" : "open";
      showStatus(el, code);
      voting = { code: code, day: now };
    });
    var endpoint = els.length ? els[0].dataset.endpoint : null;
    if (!endpoint || !window.fetch) return;
    showButtons();
    announce();
    fetch(endpoint, { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && STATES.hasOwnProperty(body.code)) {
          els.forEach(function (el) { showStatus(el, body.code); });
          voting = { code: body.code, day: body.day || voting.day };
          announce();
        } else {
          voting = { code: "unreachable", day: voting.day };
        }
        showButtons();
      }, function () {
        voting = { code: "unreachable", day: voting.day };
        showButtons();
      });
  }

  // The vote button: posts JSON and shows the service's answer in place.
  function votes() {
    document.querySelectorAll("form.vote-form").forEach(function (form) {
      var answer = form.parentNode.querySelector(".vote-answer");
      var button = form.querySelector("button");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        button.disabled = true;
        answer.className = "vote-answer";
        answer.textContent = "正在提交……";
        fetch(form.action, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ "case": form.elements["case"].value }),
          credentials: "omit"
        })
          .then(function (response) {
            return response.json().then(
              function (body) { return { ok: response.ok, status: response.status, body: body }; },
              function () { return { ok: false, status: response.status, body: {} }; }
            );
          })
          .then(function (result) {
            var message = result.body && result.body.message
              ? result.body.message
              : "投票服务暂时不可用（" + result.status + "），请稍后再试。";
            if (result.ok && result.body.receipt) message += " 回执编号：" + result.body.receipt;
            answer.textContent = message;
            answer.classList.add(result.ok ? "ok" : "refused");
            var code = result.body && result.body.code;
            if (code === "counted" || code === "already_voted") {
              remember(votedKey(form, result.body.day || voting.day));
            } else if (code === "closed" || code === "not_open") {
              voting = { code: code, day: voting.day };
            }
          }, function () {
            answer.textContent = "网络连接失败，投票没有提交，请稍后再试。";
            answer.classList.add("refused");
          })
          .then(function () {
            button.disabled = false;
            if (voting.code) showButtons();
          });
      });
    });
  }

  // The larger view of a case's photos: a modal dialog; Escape closes it, arrow keys move between photos.
  function lightbox() {
    var links = Array.prototype.slice.call(document.querySelectorAll("a.photo-link"));
    if (!links.length || typeof HTMLDialogElement !== "function") return;
    var dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "查看大图");
    dialog.innerHTML = '<figure><img alt=""><figcaption></figcaption></figure>' +
      '<button type="button" class="prev" aria-label="上一张">‹</button>' +
      '<button type="button" class="next" aria-label="下一张">›</button>' +
      '<button type="button" class="close" aria-label="关闭">×</button>';
    document.body.appendChild(dialog);
    var image = dialog.querySelector("img"), caption = dialog.querySelector("figcaption");
    var current = 0, opener = null;
    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      image.src = link.dataset.large;
      image.alt = link.dataset.caption;
      caption.textContent = link.dataset.caption + "（" + (current + 1) + "/" + links.length + "）";
    }
    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        opener = link;
        show(index);
        dialog.showModal();
        dialog.querySelector(".close").focus();
      });
    });
    dialog.querySelector(".prev").addEventListener("click", function () { show(current - 1); });
    dialog.querySelector(".next").addEventListener("click", function () { show(current + 1); });
    dialog.querySelector(".close").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") show(current - 1);
      else if (event.key === "ArrowRight") show(current + 1);
    });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    dialog.addEventListener("close", function () {
      image.removeAttribute("src");
      if (opener) opener.focus();
    });
  }

  // The collection's print button: shown only when it can work.
  function printButton() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      var row = button.closest("[data-print-row]");
      if (row) row.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function start() {
    printButton();
    voteStatus();
    votes();
    lightbox();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
