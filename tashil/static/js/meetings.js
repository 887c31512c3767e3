// The meeting pages' behaviour (no inline script; see tashil.js): the agenda builder's drag and
// drop, the "cancel" link of forms loaded into an agenda item, and showing a refusal.
(function () {
  "use strict";

  // A request the server refused comes back 422 with the partial that says why: swap it in
  // (htmx leaves 4xx answers out by default).
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Answers to quick clicks may arrive out of order: each carries the version of the agenda it
  // shows (selectors.agenda_version), and one older than what the page shows is not swapped in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !event.detail.shouldSwap) return;
    var shown = target.querySelector("[data-agenda-version]");
    var match = /data-agenda-version="(\d+)"/.exec(event.detail.serverResponse || "");
    if (shown && match && Number(match[1]) < Number(shown.getAttribute("data-agenda-version"))) {
      event.detail.shouldSwap = false;
    }
  });

  // The agenda's answers also carry HX-Trigger: agenda-changed, but htmx fires it on the element
  // that sent the request, and after quick clicks that element may already have been replaced
  // (detached, so the event never reaches the body). Announce it from the agenda's slot, which
  // stays in place.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "agenda-slot" && event.detail.xhr && event.detail.xhr.status === 200) {
      htmx.trigger(document.body, "agenda-changed");
    }
  });

  // "Cancel" on a form loaded into an item's slot: empty the slot instead of leaving the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-clear]");
    if (!link) return;
    var slot = document.querySelector(link.getAttribute("data-clear"));
    if (slot) {
      event.preventDefault();
      slot.innerHTML = "";
    }
  });

  // Drag and drop on the agenda: each row holds a hidden input with its item's id, so when a
  // row is dropped the form already lists the new order; "reordered" makes htmx post it.
  var dragged = null;
  var before = "";

  function order(list) {
    return Array.prototype.map
      .call(list.querySelectorAll("[data-item]"), function (row) {
        return row.getAttribute("data-item");
      })
      .join(",");
  }

  document.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest("[data-item][draggable]");
    if (!row) return;
    dragged = row;
    before = order(row.parentNode);
    row.classList.add("opacity-50");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.getAttribute("data-item"));
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var row = event.target.closest && event.target.closest("[data-item]");
    if (!row || row.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    if (row === dragged) return;
    var box = row.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var row = dragged;
    dragged = null;
    row.classList.remove("opacity-50");
    var form = row.closest("form[data-agenda-order]");
    if (form && window.htmx && order(row.parentNode) !== before) {
      window.htmx.trigger(form, "reordered");
    }
  });
})();
