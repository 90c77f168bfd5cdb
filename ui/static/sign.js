// The signing screen: one signature through sigpad.capture.
//
// With a signature pad connected, the pad shows the prompt and the person
// signs there; this screen mirrors the ink live (sigpad.sample). Without
// one — or when the pad fails — the person signs here with a finger or a
// pen (pointer events, pressure where the pen gives it), and the samples
// go to the agent with sigpad.input: the agent makes the same evidence
// bundle either way.
//
// URL parameters (all optional; the demo document otherwise):
//   title, summary (lines separated by "|"), signer, sha256 (of the
//   document; else the SHA-256 of title and summary), source (pad|screen).
//
// Screens (body[data-state]): starting, signing, problem (a message, then
// signing again or a button), done (the signature rendered by the agent).
// body[data-source] is "pad" or "screen".
//
// Personal data: the ink and the bundle live in memory only, and are
// dropped when the page starts over or after IDLE_MS on the done screen.
// Nothing is logged.
//
// Kept to ES2017 for old WebKitGTK webviews: no ?. ?? or class fields.

import {KioskClient} from '/protocol/kiosk-client.js';

const CAPTURE_MS = 180000; // flow-screens: 180 s a signer
const IDLE_MS = 120000;
const INPUT_BATCH_MS = 100; // on-screen samples go out this often (within the call rate a client has)
const INPUT_BATCH_MAX = 256;

const DEMO = {
  title: '诚信承诺书',
  summary: [
    '我说的家里人口、收入、房子、车子、存款都是真的，没有隐瞒。',
    '我愿意配合工作人员上门了解情况。',
    '家里人口、收入有变化，我会及时告诉村（居）委会或镇（街道）。',
    '我知道审批通过后，会公示我的姓名、家庭人数和救助金额。',
    '如果说了假话，要退回领到的钱，还要承担法律责任。',
  ],
  signer: '王秀兰',
};

const $ = (id) => document.getElementById(id);
const ui = {
  title: $('doc-title'), summary: $('summary'), signer: $('signer'), stateWord: $('state-word'),
  instruction: $('instruction'), box: $('box'), canvas: $('ink'), result: $('result'), why: $('why'),
  cancel: $('btn-cancel'), clear: $('btn-clear'), confirm: $('btn-confirm'), again: $('btn-again'),
};
const ctx2d = ui.canvas.getContext('2d');

const q = new URLSearchParams(location.search);
const doc = {
  title: q.get('title') || DEMO.title,
  summary: q.has('summary') ? q.get('summary').split('|').filter(Boolean) : DEMO.summary,
  signer: q.get('signer') || DEMO.signer,
  sha256: (q.get('sha256') || '').toLowerCase(),
};
const forced = q.get('source') === 'pad' || q.get('source') === 'screen' ? q.get('source') : '';

const model = {
  state: 'starting',
  source: '', // 'pad' | 'screen'
  capturing: false,
  epoch: 0, // bumped by each capture, so that a late answer of an old one is dropped
  range: null, // {w, h} of the ink (pad units; the canvas on screen)
  strokes: [], // [[{x, y, p}]] in canvas pixels, for redrawing after a resize
  penSamples: 0,
  padFailed: false,
  bundle: null,
};

// The test hook: the last bundle, while the done screen shows it.
window.kioskSign = {bundle: null};

const client = new KioskClient({reconnect: true, minBackoffMs: 500, maxBackoffMs: 8000, requestTimeoutMs: 8000});

client.on('open', () => { if (model.state === 'starting' || !model.capturing) start(); });
client.on('close', () => {
  if (model.capturing) {
    model.capturing = false;
    problem('正在重新连接，请稍等…', '');
  }
});
client.on('sigpad.started', (p) => {
  if (!p) return;
  model.source = p.source;
  document.body.setAttribute('data-source', p.source);
  if (p.source === 'pad') {
    model.range = {w: p.width, h: p.height};
    say('请在签字板上写您的名字', '写好后，点签字板上的「签好了」，或者点下面的「签好了」。');
  } else {
    say('请用手指在下面框里写您的名字', model.padFailed ? '签字板暂时不能用，请直接在屏幕上写。' : '写好后点「签好了」。');
  }
  setState('signing');
});
client.on('sigpad.sample', (p) => {
  if (!p || !p.samples || model.source !== 'pad') return;
  for (const s of p.samples) mirror(s);
});
client.on('sigpad.pressed', (p) => {
  if (!p) return;
  if (p.button === 'retry') wipeInk();
});

// ---- the capture -------------------------------------------------------

async function start() {
  const epoch = ++model.epoch;
  model.bundle = null;
  window.kioskSign.bundle = null;
  wipeInk();
  ui.result.hidden = true;
  ui.result.removeAttribute('src');
  ui.title.textContent = doc.title;
  ui.signer.textContent = doc.signer;
  renderSummary();
  setState('starting');
  say('正在准备签名…', '');
  let source = forced;
  if (!source) {
    try {
      const devices = await client.call('devices.list', {});
      const pad = (devices || []).filter((d) => d.kind === 'sigpad')[0];
      source = pad && pad.state === 'connected' && !model.padFailed ? 'pad' : 'screen';
    } catch (e) {
      source = 'screen';
    }
  }
  if (epoch !== model.epoch) return;
  model.source = source;
  document.body.setAttribute('data-source', source);
  if (!doc.sha256) doc.sha256 = await digest(doc.title + '\n' + doc.summary.join('\n'));
  model.capturing = true;
  try {
    const res = await client.call('sigpad.capture', {
      document: {title: doc.title, summary: doc.summary.map((l, i) => (i + 1) + '. ' + l).join('\n'), sha256: doc.sha256},
      signer: {name: doc.signer}, timeoutMs: CAPTURE_MS, source: source,
    });
    if (epoch !== model.epoch) return;
    model.capturing = false;
    done(res && res.bundle);
  } catch (e) {
    if (epoch !== model.epoch) return;
    model.capturing = false;
    failed(e);
  }
}

function failed(e) {
  switch (e.reason) {
    case 'EMPTY_SIGNATURE':
      problem('您还没有签名', '请在框里写您的名字，再点「签好了」。');
      setTimeout(start, 2500);
      break;
    case 'CANCELLED':
      problem('已取消签名', '要签名时，请点「再签一次」。');
      showAgain();
      break;
    case 'TIMEOUT':
    case 'REQUEST_TIMEOUT':
      problem('签名时间到了', '要签名时，请点「再签一次」。');
      showAgain();
      break;
    case 'DEVICE_DISCONNECTED':
    case 'DEVICE_NOT_FOUND':
    case 'DEVICE_BUSY':
    case 'DEVICE_ERROR':
      if (model.source === 'pad' && !forced) {
        // flow-screens §4.3: the pad is offline, sign on the screen.
        model.padFailed = true;
        problem('改在屏幕上签名', '签字板暂时不能用，请直接用手指在屏幕上写名字。');
        setTimeout(start, 1500);
        break;
      }
      problem('暂时不能签名', '请联系工作人员。');
      showAgain();
      break;
    case 'CONNECTION_LOST':
    case 'CLIENT_CLOSED':
      break; // 'open' starts again
    default:
      problem('暂时不能签名', '请联系工作人员。');
      showAgain();
  }
}

function done(bundle) {
  if (!bundle || !bundle.manifest) return;
  model.bundle = bundle;
  window.kioskSign.bundle = bundle;
  ui.result.src = 'data:image/png;base64,' + bundle.manifest.png;
  ui.result.hidden = false;
  say('签好了，谢谢您', '');
  ui.stateWord.textContent = '已签 ✓';
  setState('done');
  showAgain();
  setTimeout(() => {
    if (model.bundle === bundle) start(); // nobody is here: wipe
  }, IDLE_MS);
}

function showAgain() {
  ui.again.hidden = false;
  ui.confirm.hidden = true;
  ui.clear.hidden = true;
  ui.cancel.hidden = true;
}

ui.again.addEventListener('click', () => start());
ui.cancel.addEventListener('click', () => {
  if (model.capturing) client.call('sigpad.cancel', {}).catch(() => {});
});
ui.clear.addEventListener('click', () => {
  if (!model.capturing) return;
  if (model.source === 'screen') {
    flushInput(true);
    wipeInk();
  }
  client.call('sigpad.clear', {}).catch(() => {});
});
ui.confirm.addEventListener('click', () => {
  if (!model.capturing) return;
  if (model.source === 'screen') flushInput(true);
  client.call('sigpad.button', {button: 'confirm'}).catch(() => {});
});

// ---- screen state ------------------------------------------------------

function setState(s) {
  model.state = s;
  document.body.setAttribute('data-state', s);
  const signing = s === 'signing';
  ui.again.hidden = signing || s === 'starting' ? true : ui.again.hidden;
  if (signing || s === 'starting') {
    ui.confirm.hidden = false;
    ui.clear.hidden = false;
    ui.cancel.hidden = false;
    ui.stateWord.textContent = '未签';
  }
  updateConfirm();
  sizeCanvas();
}

function say(text, sub) {
  ui.instruction.textContent = text;
  ui.why.textContent = sub || '';
}

function problem(text, sub) {
  say(text, sub);
  model.state = 'problem';
  document.body.setAttribute('data-state', 'problem');
  updateConfirm();
}

function updateConfirm() {
  const inked = model.penSamples > 0;
  document.body.setAttribute('data-inked', inked ? 'yes' : 'no');
  ui.confirm.disabled = !(model.state === 'signing' && inked);
  if (model.state === 'signing' && !inked) ui.why.textContent = ui.why.textContent || '写了名字以后，才能点「签好了」。';
}

function renderSummary() {
  while (ui.summary.firstChild) ui.summary.removeChild(ui.summary.firstChild);
  for (const line of doc.summary) {
    const li = document.createElement('li');
    li.textContent = line;
    ui.summary.appendChild(li);
  }
  ui.summary.hidden = doc.summary.length === 0;
}

async function digest(text) {
  const data = new TextEncoder().encode(text);
  const buf = await crypto.subtle.digest('SHA-256', data);
  return Array.prototype.map.call(new Uint8Array(buf), (b) => ('0' + b.toString(16)).slice(-2)).join('');
}

// ---- ink ---------------------------------------------------------------

function sizeCanvas() {
  const r = ui.canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(r.width * dpr));
  const h = Math.max(1, Math.round(r.height * dpr));
  if (ui.canvas.width !== w || ui.canvas.height !== h) {
    ui.canvas.width = w;
    ui.canvas.height = h;
    redraw();
  }
}
window.addEventListener('resize', sizeCanvas);

function wipeInk() {
  model.strokes = [];
  model.penSamples = 0;
  pending = [];
  lastPad = null;
  ctx2d.clearRect(0, 0, ui.canvas.width, ui.canvas.height);
  updateConfirm();
}

function redraw() {
  ctx2d.clearRect(0, 0, ui.canvas.width, ui.canvas.height);
  for (const st of model.strokes) {
    for (let i = 0; i < st.length; i++) segment(st[i - 1] || st[i], st[i]);
  }
}

// segment draws one piece of a stroke; points are in CSS pixels of the
// canvas, p from 0 to 1 (0: no pressure known).
function segment(a, b) {
  const dpr = ui.canvas.width / Math.max(1, ui.canvas.getBoundingClientRect().width);
  const base = Math.max(2.5, ui.canvas.getBoundingClientRect().width / 260);
  const p = b.p > 0 ? b.p : 0.5;
  ctx2d.strokeStyle = '#101C4A';
  ctx2d.lineCap = 'round';
  ctx2d.lineJoin = 'round';
  ctx2d.lineWidth = base * (0.45 + 1.1 * p) * dpr;
  ctx2d.beginPath();
  ctx2d.moveTo(a.x * dpr, a.y * dpr);
  ctx2d.lineTo(b.x * dpr, b.y * dpr);
  ctx2d.stroke();
}

let lastPad = null;

// mirror draws a pad sample, fitted into the canvas with the pad box's
// aspect.
function mirror(s) {
  const r = ui.canvas.getBoundingClientRect();
  const rw = model.range ? model.range.w : 1;
  const rh = model.range ? model.range.h : 1;
  const scale = Math.min(r.width / rw, r.height / rh);
  const ox = (r.width - rw * scale) / 2;
  const oy = (r.height - rh * scale) / 2;
  const pt = {x: ox + s.nx * rw * scale, y: oy + s.ny * rh * scale, p: s.np};
  if (s.sw !== 1) {
    lastPad = null;
    return;
  }
  model.penSamples++;
  if (!lastPad) {
    model.strokes.push([pt]);
  } else {
    model.strokes[model.strokes.length - 1].push(pt);
  }
  segment(lastPad || pt, pt);
  lastPad = pt;
  if (model.penSamples === 1) updateConfirm();
}

// ---- on-screen capture -------------------------------------------------

let pending = [];
let flushTimer = null;
let activePointer = null;

function canvasPoint(e) {
  const r = ui.canvas.getBoundingClientRect();
  const x = Math.min(Math.max(e.clientX - r.left, 0), r.width);
  const y = Math.min(Math.max(e.clientY - r.top, 0), r.height);
  return {x: x, y: y, w: r.width, h: r.height};
}

function record(e, down) {
  const pt = canvasPoint(e);
  const pressure = e.pointerType === 'pen' && e.pressure > 0 ? Math.round(e.pressure * 1000) : 0;
  pending.push([Math.max(0, Math.round(e.timeStamp)), Math.round(pt.x), Math.round(pt.y), Math.min(1000, pressure), down ? 1 : 0]);
  if (down) {
    const p = {x: pt.x, y: pt.y, p: pressure / 1000};
    const st = model.strokes[model.strokes.length - 1];
    segment(st[st.length - 1] || p, p);
    st.push(p);
    model.penSamples++;
    if (model.penSamples === 1) updateConfirm();
  }
  if (pending.length >= INPUT_BATCH_MAX) flushInput(false);
  else if (!flushTimer) flushTimer = setTimeout(() => flushInput(false), INPUT_BATCH_MS);
}

// flushInput sends the samples waiting; with wait the next call (a button)
// is queued behind it on the same connection, so the agent sees the ink
// first either way.
function flushInput() {
  if (flushTimer) {
    clearTimeout(flushTimer);
    flushTimer = null;
  }
  if (!pending.length || model.source !== 'screen' || !model.capturing) {
    pending = [];
    return;
  }
  const r = ui.canvas.getBoundingClientRect();
  const batch = pending;
  pending = [];
  client.call('sigpad.input', {samples: batch, width: Math.max(1, Math.round(r.width)), height: Math.max(1, Math.round(r.height))})
    .catch(() => {});
}

function screenActive() {
  return model.source === 'screen' && model.capturing && model.state === 'signing';
}

ui.canvas.addEventListener('pointerdown', (e) => {
  if (!screenActive() || activePointer !== null) return;
  e.preventDefault();
  activePointer = e.pointerId;
  try { ui.canvas.setPointerCapture(e.pointerId); } catch (err) { /* old engines */ }
  model.strokes.push([]);
  record(e, true);
});
ui.canvas.addEventListener('pointermove', (e) => {
  if (e.pointerId !== activePointer || !screenActive()) return;
  e.preventDefault();
  const list = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
  if (list.length) {
    for (const c of list) record(c, true);
  } else {
    record(e, true);
  }
});
function penUp(e) {
  if (e.pointerId !== activePointer) return;
  activePointer = null;
  if (screenActive()) record(e, false);
}
ui.canvas.addEventListener('pointerup', penUp);
ui.canvas.addEventListener('pointercancel', penUp);
