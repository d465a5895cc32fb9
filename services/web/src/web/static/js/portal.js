/* Portal pages: font-size control (remembered in this browser), view beacon. The place
   picker submits with its button, not on change (WCAG 3.2.2: no change of page on input). */
(function () {
  "use strict";

  var SIZE_KEY = "portal.fontSize";
  var SIZES = ["smaller", "normal", "larger"];

  function storedSize() {
    try {
      var value = window.localStorage.getItem(SIZE_KEY);
      return SIZES.indexOf(value) >= 0 ? value : "normal";
    } catch (e) {
      return "normal";
    }
  }

  function applySize(size) {
    document.documentElement.setAttribute("data-font-size", size);
    var buttons = document.querySelectorAll("[data-font-size]");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].tagName === "BUTTON") {
        buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-font-size") === size));
      }
    }
  }

  function setupFontSize() {
    applySize(storedSize());
    var buttons = document.querySelectorAll("button[data-font-size]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        var size = event.currentTarget.getAttribute("data-font-size");
        try {
          window.localStorage.setItem(SIZE_KEY, size);
        } catch (e) {
          /* private mode: the size still applies to this page */
        }
        applySize(size);
      });
    }
  }

  function sendViewBeacon() {
    var article = document.querySelector("[data-view-beacon]");
    if (!article) {
      return;
    }
    var url = article.getAttribute("data-view-beacon");
    if (navigator.sendBeacon) {
      navigator.sendBeacon(url);
    } else if (window.fetch) {
      window.fetch(url, { method: "POST", credentials: "same-origin", keepalive: true });
    }
  }

  document.documentElement.setAttribute("data-font-size", storedSize());
  document.addEventListener("DOMContentLoaded", function () {
    setupFontSize();
    sendViewBeacon();
  });
})();
