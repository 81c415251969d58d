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
  // A live region ([data-live]) is fetched again whenever the stream says something in it changed. Whatever a person holds
  // in it is never thrown away: an item ([data-item]) with a field she changed or is in, or a message shown to her (a
  // refusal, a field's message, a verdict she asked for), stays as it is while the rest is replaced around it; when the
  // item itself changed meanwhile she is told, and takes the new version when she wants it.
  // What each item said as the service sent it (before times are shown in local time), to see later whether it changed.
  function served(root) {
    root.querySelectorAll("[data-item]:not([data-served])").forEach(function (item) { item.dataset.served = item.textContent; });
  }
  function holds(item) {
    const active = document.activeElement;
    if (active && active !== document.body && item.contains(active) && active.matches("input, textarea, select")) return true;
    if (item.querySelector(".problem, .field-error, [data-held]")) return true;
    return Array.prototype.some.call(item.querySelectorAll("input:not([type=hidden]), textarea, select"), function (field) {
      if (field.tagName === "SELECT") {
        // With no option marked selected, the first one is the default.
        const marked = Array.prototype.findIndex.call(field.options, function (o) { return o.defaultSelected; });
        return field.selectedIndex !== Math.max(marked, 0);
      }
      if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
      return field.value !== field.defaultValue;
    });
  }
  function note(item, text, next) {
    const old = item.querySelector(":scope > .held-note");
    if (old) old.remove();
    const p = document.createElement("p");
    p.className = "held-note";
    p.setAttribute("role", "status");
    p.textContent = text + " ";
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = next ? "Show the new version" : "Remove it";
    button.addEventListener("click", function () {
      if (!next) { item.remove(); return; }
      item.replaceWith(next);
      served(document);
      htmx.process(next);
      localise(next);
    });
    p.appendChild(button);
    item.prepend(p);
  }
  // Details a person opened stay open when their item is replaced.
  let opened = [];
  function reopen() {
    opened.forEach(function (id) {
      const details = document.getElementById(id) && document.getElementById(id).querySelector("details");
      if (details) details.open = true;
    });
    opened = [];
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    const region = e.detail.target;
    if (!region || !region.matches || !region.matches("[data-live]") || !e.detail.xhr) return;
    opened = Array.prototype.map.call(region.querySelectorAll("[data-item][id] details[open]"), function (d) { return d.closest("[data-item]").id; });
    // The item whose own form was sent takes its answer; the others keep what they hold.
    const source = e.detail.requestConfig && e.detail.requestConfig.elt;
    const held = Array.prototype.filter.call(region.querySelectorAll("[data-item][id]"), function (item) {
      return !(source && item.contains(source)) && holds(item);
    });
    if (held.length === 0) return;
    const fresh = new DOMParser().parseFromString(e.detail.serverResponse, "text/html").getElementById(region.id);
    if (!fresh) return;
    e.detail.shouldSwap = false;
    const next = document.importNode(fresh, true);
    served(next);
    const focus = document.activeElement;
    const selection = focus && typeof focus.selectionStart === "number" ? [focus.selectionStart, focus.selectionEnd] : null;
    held.forEach(function (item) {
      const counterpart = next.querySelector("#" + CSS.escape(item.id));
      if (counterpart) {
        if (counterpart.dataset.served !== item.dataset.served) note(item, "This changed while you were working on it.", counterpart);
        counterpart.replaceWith(item);
      } else {
        note(item, "This is no longer waiting here: it was done, answered or moved elsewhere.", null);
        const parent = item.parentElement && item.parentElement.id ? next.querySelector("#" + CSS.escape(item.parentElement.id)) : null;
        (parent || next).appendChild(item);
      }
    });
    region.replaceWith(next);
    htmx.process(next);
    localise(next);
    reopen();
    if (focus && document.contains(focus) && focus !== document.activeElement) {
      focus.focus();
      if (selection) { try { focus.setSelectionRange(selection[0], selection[1]); } catch (_) { } }
    }
  });
  document.addEventListener("DOMContentLoaded", function () { served(document); localise(document); });
  document.addEventListener("htmx:afterSwap", function () { served(document); reopen(); });
  document.addEventListener("htmx:load", function (e) { localise(e.target); });
  document.addEventListener("htmx:afterSwap", function (e) { localise(e.target); });
  document.addEventListener("htmx:sseOpen", function () { setLive("live"); });
  document.addEventListener("htmx:sseError", function () { setLive("stale"); });
  document.addEventListener("htmx:sseClose", function () { setLive("stale"); });
  document.addEventListener("htmx:sseBeforeMessage", function (e) { if (e.detail.type === "connected") { setLive("live"); } });
})();
