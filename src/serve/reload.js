/* nenpo serve: live reload. Served as a file (see `RELOAD_SCRIPT_PATH` in src/serve.rs), so
   that served pages keep a policy without 'unsafe-inline'. The page's site version is in the
   `data-version` attribute of the <script> element that loads this file. It long-polls the events
   endpoint: a newer good build reloads the page; a failed build shows its errors over the (last
   good) page. */
(function () {
  var script = document.currentScript;
  var version = Number(script.getAttribute("data-version"));
  var events = script.getAttribute("data-events");
  function overlay(text) {
    var box = document.getElementById("__nenpo_overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "__nenpo_overlay";
      box.setAttribute("role", "alert");
      // Style through the CSS object model, which the policy allows (a style="…" would not be).
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5em;background:rgba(20,20,20,.94);color:#f5f5f5;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      var head = document.createElement("p");
      head.style.cssText = "margin:0 0 1em;color:#ff8a80;font-weight:bold";
      head.textContent = "The site could not be rebuilt. The page below is the last version that built. Fix the problem, save, and this page updates by itself.";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap";
      box.appendChild(head);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.lastChild.textContent = text;
  }
  function poll() {
    fetch(events + "?v=" + version, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.errors) { version = s.version; overlay(s.errors); poll(); }
        else if (s.version !== version) { location.reload(); }
        else { poll(); }
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
