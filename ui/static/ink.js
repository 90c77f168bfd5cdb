// Ink for the sign steps: the live mirror of the pad's ink, and signing on
// the screen itself with a finger or a pen.
//
// Pad: the engine's capture streams sigpad.sample events (nx, ny in 0..1 of
// the pad's writing area, np the pressure 0..1); padSamples draws them into
// the canvas, fitted with the pad's aspect.
//
// Screen: pointer events on the canvas draw at once and are sent to the
// agent as sigpad.input batches ([t, x, y, p, sw] in the canvas's CSS
// pixels, p 0..1000 where a pen gives pressure, else 0), at most one call
// every INPUT_EVERY_MS, so that a signature never runs into the agent's
// limit of calls per client. flush() sends what waits (before 签好了).
//
// The strokes are kept only to redraw after a resize; clear() drops them.
// Nothing is logged. ES2017 (old WebKitGTK).

const INPUT_EVERY_MS = 100;
const INPUT_MAX = 2000; // the agent takes at most this many samples a call
const INK = '#101C4A';

export function createInk(canvas, hooks) {
  const ctx = canvas.getContext('2d');
  const state = {
    mode: 'off', // 'pad' | 'screen' | 'off'
    range: {w: 1, h: 1},
    strokes: [], // [[{x, y, p}]] in CSS pixels of the canvas
    penDown: false, // a pad stroke going on
    inked: 0,
    pending: [],
    timer: null,
    lastSend: 0,
    pointer: null,
    t0: 0,
  };

  function size() {
    const r = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(r.width * dpr));
    const h = Math.max(1, Math.round(r.height * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      // Pad ink is kept in pad terms (nx, ny), screen ink in CSS pixels;
      // both are drawn again at the new size.
      canvas.width = w;
      canvas.height = h;
      redraw();
    }
  }

  function box() {
    const r = canvas.getBoundingClientRect();
    return {w: Math.max(1, r.width), h: Math.max(1, r.height)};
  }

  // padPoint maps a pad sample into the canvas, keeping the pad's aspect.
  function padPoint(s) {
    const b = box();
    const rw = state.range.w || 1;
    const rh = state.range.h || 1;
    const scale = Math.min(b.w / rw, b.h / rh);
    const ox = (b.w - rw * scale) / 2;
    const oy = (b.h - rh * scale) / 2;
    return {x: ox + s.nx * rw * scale, y: oy + s.ny * rh * scale};
  }

  function segment(a, b) {
    const dpr = canvas.width / box().w;
    const base = Math.max(3, box().w / 220);
    const p = b.p > 0 ? b.p : 0.5;
    ctx.strokeStyle = INK;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = base * (0.5 + 1.1 * p) * dpr;
    ctx.beginPath();
    ctx.moveTo(a.x * dpr, a.y * dpr);
    ctx.lineTo(b.x * dpr, b.y * dpr);
    ctx.stroke();
  }

  function point(pt) {
    return pt.pad ? Object.assign(padPoint(pt.pad), {p: pt.p}) : pt;
  }

  function redraw() {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    for (const st of state.strokes) {
      let prev = null;
      for (const raw of st) {
        const pt = point(raw);
        segment(prev || pt, pt);
        prev = pt;
      }
    }
  }

  function inked() {
    state.inked++;
    if (state.inked === 1 && hooks.onInk) hooks.onInk();
  }

  // ---- the pad mirror ------------------------------------------------------

  function padSamples(samples) {
    if (state.mode !== 'pad' || !Array.isArray(samples)) return;
    for (const s of samples) {
      if (!s || typeof s.nx !== 'number' || typeof s.ny !== 'number') continue;
      if (s.sw !== 1) {
        state.penDown = false;
        continue;
      }
      const raw = {pad: {nx: s.nx, ny: s.ny}, p: typeof s.np === 'number' ? s.np : 0.5};
      const pt = point(raw);
      if (!state.penDown) {
        state.strokes.push([raw]);
        state.penDown = true;
        segment(pt, pt);
      } else {
        const st = state.strokes[state.strokes.length - 1];
        segment(point(st[st.length - 1]), pt);
        st.push(raw);
      }
      inked();
    }
  }

  // ---- signing on the screen -------------------------------------------------

  function record(e, down) {
    const r = canvas.getBoundingClientRect();
    const x = Math.min(Math.max(e.clientX - r.left, 0), r.width);
    const y = Math.min(Math.max(e.clientY - r.top, 0), r.height);
    const pressure = e.pointerType === 'pen' && e.pressure > 0 ? Math.min(1000, Math.round(e.pressure * 1000)) : 0;
    const t = Math.max(0, Math.round(e.timeStamp - state.t0));
    state.pending.push([t, Math.round(x), Math.round(y), pressure, down ? 1 : 0]);
    if (down) {
      const p = {x: x, y: y, p: pressure / 1000};
      const st = state.strokes[state.strokes.length - 1];
      segment(st.length ? st[st.length - 1] : p, p);
      st.push(p);
      inked();
    }
    schedule();
  }

  function schedule() {
    if (state.timer || !state.pending.length) return;
    const wait = Math.max(0, state.lastSend + INPUT_EVERY_MS - Date.now());
    state.timer = setTimeout(() => {
      state.timer = null;
      send();
    }, wait);
  }

  function send() {
    if (!state.pending.length) return Promise.resolve();
    if (state.mode !== 'screen') {
      state.pending = [];
      return Promise.resolve();
    }
    const batch = state.pending.splice(0, INPUT_MAX);
    const b = box();
    state.lastSend = Date.now();
    const done = hooks.onInput(batch, Math.round(b.w), Math.round(b.h));
    if (state.pending.length) schedule();
    return done;
  }

  // flush sends every sample that waits, keeping the pace, and resolves
  // when the last call was answered.
  function flush() {
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = null;
    }
    if (!state.pending.length) return Promise.resolve();
    const wait = Math.max(0, state.lastSend + INPUT_EVERY_MS - Date.now());
    return new Promise((resolve) => setTimeout(resolve, wait)).then(() => {
      const p = send();
      return state.pending.length ? p.then(flush) : p;
    });
  }

  function active() {
    return state.mode === 'screen';
  }

  canvas.addEventListener('pointerdown', (e) => {
    if (!active() || state.pointer !== null) return;
    e.preventDefault();
    state.pointer = e.pointerId;
    try {
      canvas.setPointerCapture(e.pointerId);
    } catch (err) { /* old engines */ }
    if (!state.strokes.length && !state.pending.length) state.t0 = e.timeStamp;
    state.strokes.push([]);
    record(e, true);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (e.pointerId !== state.pointer || !active()) return;
    e.preventDefault();
    const list = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    if (list.length) {
      for (const c of list) record(c, true);
    } else {
      record(e, true);
    }
  });
  function up(e) {
    if (e.pointerId !== state.pointer) return;
    state.pointer = null;
    if (active()) record(e, false);
  }
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  window.addEventListener('resize', size);

  function clear() {
    state.strokes = [];
    state.pending = [];
    state.penDown = false;
    state.inked = 0;
    state.pointer = null;
    if (state.timer) {
      clearTimeout(state.timer);
      state.timer = null;
    }
    ctx.clearRect(0, 0, canvas.width, canvas.height);
  }

  return {
    size: size,
    clear: clear,
    flush: flush,
    padSamples: padSamples,
    hasInk: () => state.inked > 0,
    mode: () => state.mode,
    setMode(mode) {
      if (mode === state.mode) return;
      if (state.mode === 'screen') state.pending = [];
      state.mode = mode;
      canvas.style.cursor = mode === 'screen' ? 'crosshair' : 'default';
    },
    setPadRange(w, h) {
      if (w > 0 && h > 0) state.range = {w: w, h: h};
    },
  };
}
