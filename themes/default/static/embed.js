// The vote button of an embed page (embed/<id>/, framed by partner platforms): the same honest states as the hall's
// own button in hall.js (尚未开始, 投票, 今日已投, 投票已结束, 暂时无法投票), in a page small enough for an iframe. It
// posts to the hall's own vote endpoint from the hall's own origin. Without JavaScript the form posts in a new tab.
(function () {
  "use strict";
  var form = document.querySelector("form.vote-form");
  var status = document.querySelector("[data-vote-status]");
  if (!form || !status || !window.fetch) return;
  var button = form.querySelector("button");
  var hint = document.querySelector(".vote-hint");
  var answer = document.querySelector(".vote-answer");
  var d = status.dataset;
  var voting = { code: null, day: null };

  function monthDay(iso) {
    var parts = iso.split("-");
    return Number(parts[1]) + "月" + Number(parts[2]) + "日";
  }
  function today() {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: d.tz, year: "numeric", month: "2-digit", day: "2-digit" })
        .format(new Date());
    } catch (e) {
      return null;
    }
  }
  function nextDay(iso) {
    var t = new Date(iso + "T12:00:00Z");
    t.setUTCDate(t.getUTCDate() + 1);
    return t.toISOString().slice(0, 10);
  }
  // The same key as hall.js, so that a vote on the hall shows here too where the browser shares the storage.
  function votedKey(day) {
    return "hall-voted:" + form.dataset.election + ":" + day + ":" + (form.dataset.scopeKey || "");
  }
  function remember(day) {
    try { window.localStorage.setItem(votedKey(day), "1"); } catch (e) { /* storage blocked: the service still says no */ }
  }
  function remembered(day) {
    try { return window.localStorage.getItem(votedKey(day)) === "1"; } catch (e) { return false; }
  }

  function show() {
    var text = "投票", note = "", enabled = false, code = voting.code;
    if (code === "not_open") {
      text = "尚未开始";
      note = "投票将于" + monthDay(d.opens) + "开始。";
    } else if (code === "closed") {
      text = "投票已结束";
      note = "投票已于" + monthDay(d.closes) + "结束，感谢关注。";
    } else if (code === "unreachable") {
      text = "暂时无法投票";
      note = "暂时无法连接投票服务，投票不会被记录；请稍后刷新页面再试。";
    } else if (code === "open" && voting.day && remembered(voting.day)) {
      text = "今日已投";
      note = voting.day >= d.closes ? "今天是投票的最后一天，感谢参与。" : "您今天已经投过票，" + monthDay(nextDay(voting.day)) + "可再投。";
    } else if (code === "open") {
      enabled = true;
    }
    button.textContent = text;
    button.disabled = !enabled;
    hint.textContent = note;
    hint.hidden = !note;
  }

  // First by the browser's clock, then by the vote service's own.
  var now = today();
  if (now) voting = { code: now < d.opens ? "not_open" : now > d.closes ? "closed" : "open", day: now };
  show();
  fetch(d.endpoint, { headers: { Accept: "application/json" }, credentials: "omit" })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (body) {
      var known = body && ["open", "not_open", "closed"].indexOf(body.code) >= 0;
      voting = known ? { code: body.code, day: body.day || voting.day } : { code: "unreachable", day: voting.day };
      show();
    }, function () {
      voting = { code: "unreachable", day: voting.day };
      show();
    });

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
        var body = result.body || {};
        var message = body.message || "投票服务暂时不可用（" + result.status + "），请稍后再试。";
        if (result.ok && body.receipt) message += " 回执编号：" + body.receipt;
        answer.textContent = message;
        answer.classList.add(result.ok ? "ok" : "refused");
        if (body.code === "counted" || body.code === "already_voted") remember(body.day || voting.day);
        else if (body.code === "closed" || body.code === "not_open") voting = { code: body.code, day: voting.day };
      }, function () {
        answer.textContent = "网络连接失败，投票没有提交，请稍后再试。";
        answer.classList.add("refused");
      })
      .then(show);
  });
})();
