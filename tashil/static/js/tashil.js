// Page behaviour that every screen shares. No inline scripts: settings come from data attributes
// on <body>, so a strict Content-Security-Policy can forbid inline script.
(function () {
  "use strict";
  var persian = document.documentElement.lang.indexOf("fa") === 0;

  function startDatePickers() {
    if (!window.jalaliDatepicker) return;
    window.jalaliDatepicker.startWatch({
      persianDigits: persian,
      autoShow: true,
      hideAfterChange: true,
      useDropDownYears: true,
      separatorChars: { date: "/" },
    });
  }

  document.addEventListener("DOMContentLoaded", startDatePickers);
  // htmx swaps in new inputs; the picker watches the document, so only the CSRF token needs help.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) event.detail.headers["X-CSRFToken"] = token.content;
  });
})();
