// The console's only script (the Content-Security-Policy allows no inline script).
// Times arrive in UTC; show them in the viewer's own zone, keeping UTC on hover.
(function () {
  const format = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  function localise(root) {
    root.querySelectorAll("time[datetime]:not([data-local])").forEach(function (t) {
      const at = new Date(t.getAttribute("datetime"));
      if (isNaN(at)) return;
      t.textContent = format.format(at);
      t.setAttribute("data-local", "");
    });
  }
  function setLive(state) {
    document.querySelectorAll("[data-live-status]").forEach(function (s) {
      s.textContent = state === "live" ? "live" : "stale: reconnecting…";
      s.classList.toggle("stale", state !== "live");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { localise(document); });
  document.addEventListener("htmx:load", function (e) { localise(e.target); });
  document.addEventListener("htmx:afterSwap", function (e) { localise(e.target); });
  document.addEventListener("htmx:sseOpen", function () { setLive("live"); });
  document.addEventListener("htmx:sseError", function () { setLive("stale"); });
  document.addEventListener("htmx:sseClose", function () { setLive("stale"); });
  document.addEventListener("htmx:sseBeforeMessage", function (e) { if (e.detail.type === "connected") { setLive("live"); } });
})();
