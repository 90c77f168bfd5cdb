// The kiosk lock, run in every page of the kiosk window before the page's
// own scripts (a WebKit user script: the page's Content-Security-Policy does
// not apply to it). The native side (WebKit policies and signal handlers)
// is the real lock; this covers what only the page sees, and sends the
// heartbeat that tells the window the page still runs. Package webview wraps
// it in a function of CFG: {beat: "<bound function>", interval: ms, probe: bool}.
(function () {
  "use strict";
  if (window.__kioskLocked) return;
  Object.defineProperty(window, "__kioskLocked", { value: true });

  // What was refused, by event type, for the heartbeat.
  const refused = {};
  const stop = (e) => {
    e.preventDefault();
    e.stopImmediatePropagation();
    refused[e.type] = (refused[e.type] || 0) + 1;
  };
  const editable = (t) => t && t.nodeType === 1 &&
    (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  const on = (type, f) => window.addEventListener(type, f, { capture: true, passive: false });

  // No context menu, no text selection or drags out of the page, nothing
  // dropped in (a dropped link would be a navigation).
  on("contextmenu", stop);
  on("selectstart", (e) => { if (!editable(e.target)) stop(e); });
  on("dragstart", stop);
  on("dragover", stop);
  on("drop", stop);
  // No zoom: Ctrl+wheel, Ctrl +/-/0, pinch (two fingers, Safari-style
  // gestures); no back/forward keys.
  on("wheel", (e) => { if (e.ctrlKey || e.metaKey) stop(e); });
  on("keydown", (e) => {
    const k = e.key;
    if ((e.ctrlKey || e.metaKey) && ["+", "-", "=", "_", "0"].includes(k)) stop(e);
    else if (e.altKey && ["ArrowLeft", "ArrowRight", "Home"].includes(k)) stop(e);
    else if (k === "BrowserBack" || k === "BrowserForward" || k === "F11" || k === "F12") stop(e);
  });
  const multi = (e) => { if (e.touches && e.touches.length > 1) stop(e); };
  on("touchstart", multi);
  on("touchmove", multi);
  on("gesturestart", stop);
  on("gesturechange", stop);
  // Mouse back/forward buttons.
  on("mouseup", (e) => { if (e.button === 3 || e.button === 4) stop(e); });
  on("auxclick", (e) => { if (e.button === 3 || e.button === 4) stop(e); });

  // What the window reports for tests and diagnosis (CFG.probe): the
  // viewport, and where the largest visible run of Chinese text is drawn,
  // so that a screenshot can be checked for its glyphs.
  const cjk = /^[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+$/;
  function probe() {
    let best = null, chars = 0;
    if (document.body) {
      const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        const s = n.data.trim();
        if (s.length < 2 || !cjk.test(s)) continue;
        const el = n.parentElement;
        if (!el || el.closest("[hidden]")) continue;
        const st = getComputedStyle(el);
        if (st.visibility !== "visible" || Number(st.opacity) < 0.99) continue;
        chars += s.length;
        range.selectNodeContents(n);
        const rects = range.getClientRects();
        if (rects.length !== 1) continue; // one line, so its box is its glyphs'
        const r = rects[0];
        if (r.width < 8 || r.height < 8 || r.left < 0 || r.top < 0 ||
            r.right > innerWidth || r.bottom > innerHeight) continue;
        if (!best || r.width * r.height > best.w * best.h) {
          best = { s: s, x: r.left, y: r.top, w: r.width, h: r.height, color: st.color };
        }
      }
    }
    return {
      width: innerWidth, height: innerHeight, dpr: devicePixelRatio,
      scale: window.visualViewport ? visualViewport.scale : 1, text: best, chars: chars,
    };
  }

  function beat() {
    const f = window[CFG.beat];
    if (typeof f !== "function") return;
    const info = { href: location.href, title: document.title, ready: document.readyState, refused: refused };
    if (CFG.probe) {
      try { info.probe = probe(); } catch (err) { info.probe = { error: String(err) }; }
    }
    try { f(info); } catch (err) { /* the window is going away */ }
  }
  setInterval(beat, CFG.interval);
  document.addEventListener("DOMContentLoaded", beat);
  // After the load, once two frames have been drawn (the first paint can
  // lag the load event).
  window.addEventListener("load", () => requestAnimationFrame(() => requestAnimationFrame(beat)));
})();
