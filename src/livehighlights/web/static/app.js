/* livehighlights Seller Center: the little interactivity the pages need (no build step, no framework). */
(function () {
  "use strict";

  /* Highlight cards: the clip plays on hover (desktop) or on a tap (phone); the thumbnail shows otherwise. */
  function playIn(box) {
    var v = box.querySelector("video");
    if (!v) return;
    if (!v.getAttribute("src") && v.dataset.src) v.setAttribute("src", v.dataset.src);
    box.classList.add("playing");
    var p = v.play();
    if (p && p.catch) p.catch(function () {});
  }
  function stopIn(box) {
    var v = box.querySelector("video");
    if (!v) return;
    v.pause();
    box.classList.remove("playing");
  }
  document.querySelectorAll(".hcard .media").forEach(function (box) {
    box.addEventListener("mouseenter", function () { playIn(box); });
    box.addEventListener("mouseleave", function () { stopIn(box); });
    var btn = box.querySelector(".play");
    if (btn) btn.addEventListener("click", function (e) {
      e.preventDefault();
      if (box.classList.contains("playing")) stopIn(box); else playIn(box);
    });
    box.addEventListener("touchstart", function () {
      if (!box.classList.contains("playing")) playIn(box);
    }, { passive: true });
  });

  /* A time-zone field starts as the browser's own zone. */
  document.querySelectorAll("[data-tz-auto]").forEach(function (el) {
    try { if (el.value === "UTC") el.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) {}
  });

  /* Tasks: a progress bar that follows the task (server-sent events, polling where they are not there). */
  function showTask(el, t) {
    var bar = el.querySelector(".progress > div");
    var msg = el.querySelector("[data-role=message]");
    var st = el.querySelector("[data-role=state]");
    if (bar) bar.style.width = Math.round((t.progress || 0) * 100) + "%";
    if (msg) msg.textContent = t.state === "failed" ? (t.error || "failed") : (t.message || "");
    if (st) st.textContent = t.state;
    el.dataset.state = t.state;
    if (t.state === "done" || t.state === "failed") {
      if (el.dataset.reload === "1") window.location.reload();
      return true;
    }
    return false;
  }
  document.querySelectorAll("[data-task]").forEach(function (el) {
    if (el.dataset.state === "done" || el.dataset.state === "failed") return;
    var url = "/api/tasks/" + encodeURIComponent(el.dataset.task);
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (t) { if (!t || !showTask(el, t)) setTimeout(poll, 700); })
        .catch(function () { setTimeout(poll, 2000); });
    }
    poll();
  });

  /* The live view: moments, clips and posts appear as the server reports them. */
  var feed = document.querySelector("[data-live-stream]");
  if (feed && window.EventSource) {
    var list = feed.querySelector(".timeline");
    var empty = feed.querySelector(".empty");
    var status = document.querySelector("[data-role=stream-status]");
    var es = new EventSource(feed.dataset.liveStream);
    function add(kind, d) {
      var old = document.getElementById(kind + "-" + d.id);
      if (empty) { empty.remove(); empty = null; }
      var li = document.createElement("li");
      li.id = kind + "-" + d.id;
      li.dataset.kind = kind;
      li.setAttribute("data-testid", "live-" + kind);
      var at = document.createElement("div");
      at.className = "at";
      at.textContent = d.at || "";
      var body = document.createElement("div");
      var head = document.createElement("div");
      var badge = document.createElement("span");
      badge.className = "badge " + (d.badge || "");
      badge.textContent = d.label || kind;
      head.appendChild(badge);
      head.appendChild(document.createTextNode(" " + (d.title || "")));
      if (d.href) {
        var a = document.createElement("a");
        a.href = d.href;
        a.textContent = " open";
        head.appendChild(a);
      }
      var took = document.createElement("div");
      took.className = "took";
      took.textContent = d.took || "";
      body.appendChild(head);
      body.appendChild(took);
      li.appendChild(at);
      li.appendChild(body);
      li.dataset.state = d.state || "";
      if (old) list.replaceChild(li, old); else list.insertBefore(li, list.firstChild);
    }
    ["moment", "clip", "post"].forEach(function (k) {
      es.addEventListener(k, function (e) { add(k, JSON.parse(e.data)); });
    });
    es.addEventListener("status", function (e) {
      var d = JSON.parse(e.data);
      if (status) { status.textContent = d.label; status.className = "badge " + d.status; }
    });
    es.onerror = function () { if (status) status.dataset.reconnecting = "1"; };
  }
})();
