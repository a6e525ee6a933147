// The parts of a page that depend on the date, set before the page is first drawn (the script blocks rendering, so
// nothing moves): a rule change's banner (data-until: its last day) and the 公示 notice are hidden once the visitor's
// date in the election's zone (the script's data-tz) is past that day, and parts marked data-after (the text after
// the publicity period) are shown then. The build has no clock; without JavaScript the page shows the dated text.
(function () {
  "use strict";
  var now;
  try {
    now = new Intl.DateTimeFormat("en-CA", { timeZone: document.currentScript.dataset.tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  } catch (e) {
    return;
  }
  document.querySelectorAll("[data-until],[data-after]").forEach(function (el) {
    if (now > (el.dataset.until || "~")) el.hidden = true;
    if (now > (el.dataset.after || "~")) el.hidden = false;
  });
})();
