/* yinsi cookie banner: one script tag, no build step.
   <script src="https://privacy.example.com/cookie-banner.js" defer></script>
   Scripts of a non-essential category are written as
   <script type="text/plain" data-yinsi-category="analytics" src="..."></script>
   and run only once the person has agreed to that category (never before). */
(function () {
  "use strict";
  var me = document.currentScript;
  var base = me ? new URL(me.src, location.href).origin : "";
  var NAME = "yinsi_cookies";

  function chosen() {
    var m = document.cookie.match(/(?:^|; )yinsi_cookies=([^;]*)/);
    return m ? decodeURIComponent(m[1]).split(",").filter(Boolean) : null;
  }
  function run(granted) {
    document.querySelectorAll('script[type="text/plain"][data-yinsi-category]').forEach(function (old) {
      if (granted.indexOf(old.getAttribute("data-yinsi-category")) < 0) return;
      var s = document.createElement("script");
      for (var i = 0; i < old.attributes.length; i++) {
        var a = old.attributes[i];
        if (a.name !== "type") s.setAttribute(a.name, a.value);
      }
      s.text = old.text;
      old.parentNode.replaceChild(s, old);
    });
  }
  function save(info, granted, box) {
    var ids = info.cookies.filter(function (c) { return granted.indexOf(c.category) >= 0 || c.essential; })
      .map(function (c) { return c.id; });
    fetch(base + "/cookie-banner/choices", {
      method: "POST", credentials: "include",
      headers: { "Content-Type": "application/json", "X-Yinsi-Banner": "1" },
      body: JSON.stringify({ granted: ids, text_hash: info.text_hash, lang: info.lang, version: info.version })
    }).then(function (r) {
      if (!r.ok) throw new Error("not recorded");
      document.cookie = NAME + "=" + encodeURIComponent(granted.join(",")) + "; path=/; max-age=31536000; SameSite=Lax";
      box.remove();
      run(granted);
    }).catch(function () { box.querySelector("[role=status]").textContent = info.failed; });
  }
  function show(info) {
    var box = document.createElement("section");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", info.title);
    box.setAttribute("data-yinsi-banner", "");
    box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:2147483000;background:#fff;color:#1a1a1a;" +
      "border-top:2px solid #0b5cad;padding:1rem;font:15px/1.5 system-ui,sans-serif;box-shadow:0 -2px 8px rgba(0,0,0,.2)";
    var p = document.createElement("p");
    p.textContent = info.text;
    p.style.margin = "0 0 .5rem";
    box.appendChild(p);
    var boxes = [];
    info.categories.forEach(function (c) {
      var row = document.createElement("label");
      // Inline styles throughout: the host page's own stylesheet must not reshape the banner.
      row.style.cssText = "display:flex;gap:.5rem;align-items:center;justify-content:flex-start;margin:.25rem 0;" +
        "font-weight:400;width:auto";
      var input = document.createElement("input");
      input.type = "checkbox";
      input.value = c.id;
      input.checked = c.essential;
      input.disabled = c.essential;
      input.style.cssText = "width:1.2rem;height:1.2rem;min-height:0;margin:0;padding:0;flex:none";
      row.appendChild(input);
      row.appendChild(document.createTextNode(c.label));
      box.appendChild(row);
      if (!c.essential) boxes.push(input);
    });
    function button(label, primary, pick) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.style.cssText = "margin:.5rem .5rem 0 0;padding:.5rem .9rem;min-height:44px;border-radius:.4rem;font:inherit;border:1px solid #0b5cad;" +
        (primary ? "background:#0b5cad;color:#fff" : "background:#fff;color:#0b5cad");
      b.addEventListener("click", function () { save(info, pick(), box); });
      box.appendChild(b);
    }
    var all = info.categories.map(function (c) { return c.id; });
    var essential = info.categories.filter(function (c) { return c.essential; }).map(function (c) { return c.id; });
    if (!boxes.length) {
      button(info.got_it, true, function () { return essential; });  // nothing to choose: only essential ones
    } else {
      button(info.accept_all, true, function () { return all; });
      button(info.reject_all, false, function () { return essential; });
      button(info.save, false, function () {
        return essential.concat(boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
      });
    }
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    box.appendChild(status);
    document.body.appendChild(box);
  }
  var already = chosen();
  if (already) { run(already); return; }
  var lang = (document.documentElement.lang || "zh-CN");
  fetch(base + "/cookie-banner.json?lang=" + encodeURIComponent(lang), { credentials: "include" })
    .then(function (r) { return r.json(); }).then(show);
})();
