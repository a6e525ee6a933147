// The receipt check (查验回执): the browser normalises the receipt, hashes it with SHA-256 and looks the hash up in
// the one small file of its prefix (receipts/<prefix>.json); the receipt itself never leaves the browser.
(function () {
  'use strict';
  var form = document.getElementById('verify-form');
  var out = document.getElementById('verify-result');
  if (!form || !out) return;
  var input = document.getElementById('receipt');
  var base = form.getAttribute('data-receipts');
  var ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  var index = null;

  // "ab12 cd34 ef56", "AB12CD34EF56" and "AB12-CD34-EF56" are the same receipt; O, I and L are read as 0, 1, 1
  // (the service never writes them).
  function normalise(text) {
    var s = text.toUpperCase().replace(/[\s\-\u2010-\u2015\uFF0D]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
    if (s.length !== 12) return null;
    for (var i = 0; i < s.length; i++) {
      if (ALPHABET.indexOf(s.charAt(i)) < 0) return null;
    }
    return s.slice(0, 4) + '-' + s.slice(4, 8) + '-' + s.slice(8);
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  function show(kind, title, detail) {
    out.className = 'verify-result ' + kind;
    out.textContent = '';
    var strong = document.createElement('p');
    strong.className = 'verify-verdict';
    strong.textContent = title;
    out.appendChild(strong);
    if (detail) {
      var p = document.createElement('p');
      p.textContent = detail;
      out.appendChild(p);
    }
  }

  function load(url) {
    return fetch(url, { cache: 'no-cache' }).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var receipt = normalise(input.value);
    if (!receipt) {
      show('is-missing', '回执编号格式不对', '回执编号由12位数字和大写字母组成，如 AB12-CD34-EF56；可以不输入短横线。');
      return;
    }
    if (!window.crypto || !window.crypto.subtle) {
      show('is-missing', '无法查验', '浏览器不支持在本页计算哈希值，请通过 https 打开本页或更换浏览器。');
      return;
    }
    show('is-busy', '正在查验 ' + receipt + ' …');
    var digest;
    window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(receipt)).then(function (hash) {
      digest = hex(hash);
      return index ? index : load(base + 'index.json');
    }).then(function (loaded) {
      index = loaded;
      return load(base + digest.slice(0, index.prefix_digits) + '.json');
    }).then(function (bucket) {
      var key = digest.slice(0, index.digits);
      var decision = bucket.voided[key];
      if (bucket.counted.indexOf(key) >= 0) {
        show('is-counted', '已计入', '回执 ' + receipt + ' 对应的选票已计入评选结果。');
      } else if (decision) {
        var info = index.decisions[decision] || { action: '作废', reason: '' };
        show('is-voided', '已作废（决定 ' + decision + '：' + info.reason + '）',
          '回执 ' + receipt + ' 对应的选票因该决定（' + info.action + '）未计入结果，选票记录仍保留。详见诚信声明。');
      } else {
        show('is-missing', '未找到',
          '没有找到回执 ' + receipt + '。请核对编号是否输入正确；只有页面显示“投票成功”的投票才有回执。' +
          '如确认无误，请联系主办单位。');
      }
    }).catch(function () {
      show('is-missing', '暂时无法查验', '回执数据没有加载成功，请稍后再试。');
    });
  });
})();
