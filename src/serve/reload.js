/* nenpo serve: live reload. Served as a file (see `RELOAD_SCRIPT_PATH` in src/serve.rs), so
   that served pages keep a policy without 'unsafe-inline'. The page's site version is in the
   `data-version` attribute of the <script> element that loads this file, and the pages whose
   translation is out of date in its `data-outdated` attribute. It long-polls the events
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
  // The pages whose translation is out of date (`data-outdated`, a JSON list), for the editor.
  var outdated = JSON.parse(script.getAttribute("data-outdated") || "[]");
  if (outdated.length) {
    var note = document.createElement("details");
    note.id = "__nenpo_outdated";
    note.style.cssText = "position:fixed;right:1em;bottom:1em;z-index:2147483646;max-width:40em;max-height:50vh;overflow:auto;padding:.5em 1em;background:#fff8e1;color:#3e2723;border:1px solid #ffb300;font:13px/1.5 system-ui,sans-serif";
    var sum = document.createElement("summary");
    sum.textContent = "nenpo serve: " + outdated.length + " translation(s) out of date (nenpo translations diff PAGE)";
    note.appendChild(sum);
    var list = document.createElement("ul");
    outdated.forEach(function (page) { var li = document.createElement("li"); li.textContent = page; list.appendChild(li); });
    note.appendChild(list);
    document.body.appendChild(note);
  }
  poll();
})();
