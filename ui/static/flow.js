// The 一证申请 flow page. The agent runs the session (agent/flow); this page
// shows its state and sends what the person taps:
//
//   flow.get / flow.state  → render(state): body[data-step] is the step, the
//                            section[data-screen] of the step is shown and
//                            filled from state.view (exactly what the screen
//                            may show: masked numbers, the photo only on
//                            confirm_identity);
//   [data-action] taps     → flow.start, flow.act, flow.back, flow.extend,
//                            flow.cancel, staff.call;
//   sigpad.started/sample/pressed → the live mirror of the pad's ink on the
//                            sign steps, or signing on the screen (ink.js);
//   staff.called           → the clerk's notice (counter mode);
//   窗口备注 (counter mode)   → flow.act notes from the clerk's notes panel;
//                            更正家庭信息 on household adds dispute.
//
// Personal data lives in the DOM only while its step is shown: every
// [data-fill] of the other screens is emptied on each render, and all of
// them when the session ends or the connection to the agent is lost; so is
// what was typed (the PIN, the visit's and the clerk's notes).
// Nothing is logged, nothing is stored in the browser.
//
// URL parameters (tests): connHintMs (60000: how long without the agent
// before "请联系工作人员" shows).
//
// Kept to ES2017 for old WebKitGTK webviews: no ?. ?? or class fields.

import {KioskClient} from '/protocol/kiosk-client.js';
import {createInk} from '/ink.js';
import {createVoice} from '/voice.js';

const q = new URLSearchParams(location.search);
const num = (name, def) => (q.has(name) && Number(q.get(name)) >= 0 ? Number(q.get(name)) : def);
const CONN_HINT_MS = num('connHintMs', 60000); // flow-screens §4.4: total time, not per retry
const CONN_SHOW_MS = 1500; // a blink of the connection is not worth a panel
const SUBMIT_SLOW_MS = 10000; // "还在提交，请再等一下"
const IDLE_CALL_MS = 60000; // "已通知工作人员" on the idle screen
const WELCOME_EVERY_MS = 60000; // idle.welcome at most once a minute

const $ = (id) => document.getElementById(id);
const body = document.body;
// ?view=applicant: at a counter, the screen that faces the applicant
// (flow-screens §1, modes): it follows the clerk's session and shows the
// same masked view, but takes no taps, has no clerk's controls, shows no
// timeout warning (that goes to the clerk) and stays silent (the clerk's
// page speaks).
const APPLICANT = q.get('view') === 'applicant';
if (APPLICANT) body.setAttribute('data-role', 'applicant');

// ---- tiny DOM helpers ------------------------------------------------------

function h(tag, attrs, kids) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k === 'cls') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const kid of [].concat(kids || [])) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.appendChild(typeof kid === 'string' ? document.createTextNode(kid) : kid);
  }
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';
const ICONS = {
  check: '<path d="M10 25l9 9 19-20" fill="none" stroke="currentColor" stroke-width="6" stroke-linecap="round" stroke-linejoin="round"/>',
  box: '<rect x="9" y="9" width="30" height="30" rx="5" fill="none" stroke="currentColor" stroke-width="5"/>',
  play: '<path d="M14 8l24 16-24 16z" fill="currentColor"/>',
  dash: '<path d="M10 24h28" stroke="currentColor" stroke-width="6" stroke-linecap="round"/>',
  later: '<circle cx="24" cy="24" r="17" fill="none" stroke="currentColor" stroke-width="5"/><path d="M24 13v12l8 5" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round"/>',
  bang: '<circle cx="24" cy="24" r="19" fill="none" stroke="currentColor" stroke-width="5"/><path d="M24 13v14" stroke="currentColor" stroke-width="6" stroke-linecap="round"/><circle cx="24" cy="35" r="3.5" fill="currentColor"/>',
  print: '<path d="M13 19V6h22v13M13 34H7V19h34v15h-6" fill="none" stroke="currentColor" stroke-width="4.5" stroke-linejoin="round"/><path d="M13 28h22v15H13z" fill="none" stroke="currentColor" stroke-width="4.5" stroke-linejoin="round"/>',
  person: '<circle cx="24" cy="14" r="8" fill="currentColor"/><path d="M8 44c1-10 7.5-16 16-16s15 6 16 16z" fill="currentColor"/>',
  photo: '<rect x="0" y="0" width="102" height="126" fill="#E5E7EB"/><circle cx="51" cy="48" r="20" fill="#9CA3AF"/><path d="M14 126c4-28 19-42 37-42s33 14 37 42z" fill="#9CA3AF"/>',
};

function icon(name, cls) {
  const s = document.createElementNS(SVG, 'svg');
  s.setAttribute('viewBox', name === 'photo' ? '0 0 102 126' : '0 0 48 48');
  s.setAttribute('class', cls || 'ico');
  s.setAttribute('aria-hidden', 'true');
  s.setAttribute('focusable', 'false');
  s.innerHTML = ICONS[name];
  return s;
}

function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

function show(el, on) {
  if (typeof el === 'string') el = $(el);
  el.hidden = !on;
}

function fill(id, kids) {
  const el = $(id);
  while (el.firstChild) el.removeChild(el.firstChild);
  for (const k of [].concat(kids)) if (k) el.appendChild(typeof k === 'string' ? document.createTextNode(k) : k);
}

// emptyFills empties the data-fill parts inside root (all when root is
// the document): what one screen showed never stays behind another.
function emptyFills(root) {
  for (const el of (root || document).querySelectorAll('[data-fill]')) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }
}

// digits wraps the numbers of a sentence so they can be shown large
// (flow-screens: the numbers in a reason ≥ 32 px).
function digits(text) {
  const out = [];
  const parts = String(text).split(/(\d[\d,.]*)/);
  for (let i = 0; i < parts.length; i++) {
    if (!parts[i]) continue;
    out.push(i % 2 ? h('span', {cls: 'num', text: parts[i]}) : parts[i]);
  }
  return out;
}

// idGroups shows a masked ID number as groups that wrap between them
// (region, birth date, the rest), so it never runs off a portrait screen;
// its text stays the number itself.
function idGroups(masked) {
  const s = String(masked || '');
  const m = /^(\d{6})(\*+)(.*)$/.exec(s);
  const parts = m ? [m[1], m[2], m[3]] : s.match(/.{1,6}/g) || [];
  return parts.filter(Boolean).map((p) => h('span', {cls: 'grp', text: p}));
}

// ---- the page's parts ------------------------------------------------------

const TITLES = {
  starting: '社会救助自助申请', idle: '社会救助自助申请', read_card: '请放身份证', confirm_identity: '请核对您的信息',
  household: '您家的情况', precheck: '您可能可以申请', choose_items: '选择申请项目', sign_commitment: '诚信承诺',
  sign_authorization: '同意查询家庭收入', submit: '确认提交', receipt: '申请已受理', take_card: '请带好东西', progress: '办理进度',
  unlock: '工作人员解锁', home_visit: '入户记录',
};
// Counter mode: the steps the agent takes the clerk's notes on.
const NOTE_STEPS = ['confirm_identity', 'household', 'precheck', 'choose_items', 'sign_commitment', 'sign_authorization', 'submit'];
const CORRECT = '更正：';
const MAX_NOTES = 2000; // characters, as the agent counts them

const STEP_WORDS = {
  idle: '首页', read_card: '放身份证', confirm_identity: '核对信息', household: '家庭情况', precheck: '可能可以申请',
  choose_items: '选择项目', sign_commitment: '诚信承诺', sign_authorization: '同意查询', submit: '确认提交',
  receipt: '回执', take_card: '取走证件', progress: '查询进度',
};

const ink = createInk($('ink'), {
  onInk() { renderSignButtons(); },
  onInput(samples, width, height) {
    return client.call('sigpad.input', {samples: samples, width: width, height: height}).catch(() => {});
  },
});

// Test hook: the step shown and the prompts asked for and played (prompt
// ids carry no personal data). Nothing else of the session is put here.
const record = {asked: [], played: []};
window.kioskFlow = {step: 'starting', ready: false, voice: record, calls: 0, retries: 0};
const voice = createVoice(record);
if (APPLICANT) voice.say = () => {}; // the clerk's page speaks

const model = {
  pin: '', // field mode: the PIN being typed, until 确认密码
  state: null, // the last flow state
  connected: false,
  connLostAt: 0, // when the agent was first lost; kept across failed reconnects
  voiceKey: '',
  warnTimer: null,
  submitAt: 0,
  pgIndex: 0,
  pcIndex: 0, // the page of pre-check hints shown
  signKey: '',
  lastWelcome: 0,
  idleCalledUntil: 0,
  why: '', // the answer to a tap that could not be done, until the next state
  busy: false,
  // counter mode: the clerk's notes panel
  notesOpen: false,
  notesKind: 'notes', // 'notes', or 'correct' (更正家庭信息 on household)
  notesBusy: false, // a save on its way
  notesMsg: '', // why the last save did not go through
  notesKey: '',
  fullText: false, // 查看全文 open
  outbox: null, // the outbox's backlog (outbox.status, outbox.changed)
};

const client = new KioskClient({reconnect: true, minBackoffMs: 500, maxBackoffMs: 5000, requestTimeoutMs: 10000,
  clientName: 'kiosk-flow'});

client.on('open', () => {
  model.connected = true;
  model.connLostAt = 0;
  renderConn();
  client.call('outbox.status', {}).then((s) => { model.outbox = s; renderBacklog(); }, () => {});
  client.call('flow.get', {}).then(render, (e) => {
    if (e && e.reason === 'UNAUTHORIZED') {
      fatal('这个页面不能办理申请，请使用自助机上的页面。');
    }
  });
});
client.on('close', () => {
  model.connected = false;
  if (!model.connLostAt) model.connLostAt = Date.now(); // not reset by the retries that fail
  renderConn();
});
client.on('reconnecting', () => { window.kioskFlow.retries++; });
client.on('flow.state', (st) => render(st));
client.on('outbox.changed', (s) => { model.outbox = s; renderBacklog(); });
client.on('sigpad.started', (p) => {
  if (!p || !isSignStep()) return;
  // A capture (re)starts at the agent: the box starts empty, and takes
  // a finger only from now on (strokes before would reach no capture).
  model.started = p.source;
  ink.clear();
  ink.setPadRange(p.width, p.height);
  if (model.state && model.state.view.sign) {
    renderSign(model.state, {bar: {}});
    renderSignButtons();
  } else if (model.state && model.state.view.homeVisit) {
    renderVisit(model.state, {bar: {}});
    renderSignButtons();
  }
  body.setAttribute('data-inked', 'no');
  renderSignButtons();
});
client.on('sigpad.sample', (p) => {
  if (!p || !isSignStep() || ink.mode() !== 'pad') return;
  ink.padSamples(p.samples);
});
client.on('sigpad.pressed', (p) => {
  if (p && p.button === 'retry' && isSignStep()) {
    ink.clear();
    renderSignButtons();
  }
});
client.on('staff.called', (ev) => staffCalled(ev));

// ---- the connection ----------------------------------------------------------

let connTimer = null;

function renderConn() {
  if (connTimer) {
    clearTimeout(connTimer);
    connTimer = null;
  }
  if (model.connected) {
    body.removeAttribute('data-conn');
    show('conn-panel', false);
    show('conn-slow', false);
    return;
  }
  const lost = Date.now() - model.connLostAt;
  // Nothing personal stays on the screen while the agent is away: the
  // session may end there meanwhile.
  if (lost >= CONN_SHOW_MS || !model.state) {
    body.setAttribute('data-conn', 'lost');
    show('conn-panel', true);
    if (model.state) {
      model.state = null;
      clearScreens();
    }
  }
  show('conn-slow', lost >= CONN_HINT_MS);
  const next = lost < CONN_SHOW_MS ? CONN_SHOW_MS - lost : CONN_HINT_MS - lost;
  if (next > 0) connTimer = setTimeout(renderConn, next + 20);
}

function fatal(text) {
  setText('fatal-text', text);
  show('fatal', true);
}

// ---- actions ---------------------------------------------------------------

document.addEventListener('click', (e) => {
  const el = e.target.closest ? e.target.closest('[data-action]') : null;
  if (!el || el.disabled || el.getAttribute('aria-disabled') === 'true') return;
  tap(el.getAttribute('data-action'), el);
});

// idle.welcome on a touch of the idle screen, at most once a minute.
document.addEventListener('pointerdown', () => {
  if (body.getAttribute('data-step') === 'idle' && Date.now() - model.lastWelcome > WELCOME_EVERY_MS) {
    model.lastWelcome = Date.now();
    voice.say(['idle.welcome']);
  }
}, true);

function tap(action, el) {
  if (APPLICANT) return; // the applicant's screen only shows
  const st = model.state;
  switch (action) {
    case 'mute':
      voice.setMuted(!voice.muted);
      renderMute();
      return;
    case 'replay':
      voice.replay();
      return;
    case 'dismiss-call':
      show('calls', false);
      emptyFills($('calls'));
      return;
    case 'pc-prev':
    case 'pc-next':
      model.pcIndex += action === 'pc-next' ? 1 : -1;
      renderPrecheck(st, {bar: {}});
      return;
    case 'pg-prev':
    case 'pg-next':
      model.pgIndex += action === 'pg-next' ? 1 : -1;
      renderProgress(st && st.view.progress);
      return;
    case 'key':
      pinKey(el.getAttribute('data-key'));
      return;
    case 'save-notes':
      return send('flow.act', {action: 'notes', notes: $('hv-notes').value});
    case 'notes-open':
      if (model.notesOpen) closeNotes();
      else openNotes('notes');
      return;
    case 'notes-correct':
      return openNotes('correct');
    case 'notes-close':
      return closeNotes();
    case 'notes-save':
      return saveNotes();
    case 'apply':
    case 'progress':
      return send('flow.start', {kind: action === 'apply' ? 'apply' : 'progress'});
    case 'call-staff':
      window.kioskFlow.calls++;
      model.ownCallAt = Date.now();
      if (!st || st.step === 'idle') {
        model.idleCalledUntil = Date.now() + IDLE_CALL_MS;
        renderIdleCall();
        voice.say(['staff.called'], false);
      }
      return send('staff.call', {reason: 'call'});
    case 'back':
      return send('flow.back', {});
    case 'extend':
      return send('flow.extend', {});
    case 'cancel':
      return send('flow.cancel', {});
    case 'next':
      if (st && st.step === 'unlock') {
        // The PIN leaves the page in this one call, and is forgotten here.
        const pin = model.pin;
        model.pin = '';
        renderPin();
        return send('flow.act', {action: 'pin', pin: pin});
      }
      if (isSignStep() && ink.mode() === 'screen') {
        // The strokes drawn here must all be at the agent before 签好了.
        return ink.flush().then(() => send('flow.act', {action: 'next'}));
      }
      return send('flow.act', {action: 'next'});
    case 'answer':
      return send('flow.act', {action: 'answer', relatedToStaff: el.getAttribute('data-value') === 'true'});
    case 'toggle':
      return send('flow.act', {action: 'toggle', item: el.getAttribute('data-item')});
    case 'page':
      return send('flow.act', {action: 'page', page: Number(el.getAttribute('data-page'))});
    case 'clear':
      ink.clear();
      renderSignButtons();
      return send('flow.act', {action: 'clear'});
    case 'fulltext':
      model.fullText = true;
      renderFullText();
      $('ft-body').focus();
      // Reading takes time: the step's clock starts again.
      return send('flow.extend', {});
    case 'fulltext-up':
    case 'fulltext-down': {
      const b = $('ft-body');
      b.scrollBy({top: (action === 'fulltext-down' ? 1 : -1) * b.clientHeight * 0.8, behavior: 'smooth'});
      return;
    }
    case 'fulltext-done':
      model.fullText = false;
      renderFullText();
      $('sg-fulltext').focus();
      return;
    default: // dispute, absent, print, reprint, screen, verified, cancel-call
      return send('flow.act', {action: action});
  }
}

function send(method, params) {
  model.why = '';
  return client.call(method, params).then((res) => {
    if (res && res.step) render(res);
  }, (e) => {
    if (!e) return;
    if (e.reason === 'NOT_READY' || e.reason === 'BAD_PARAMS' || e.reason === 'NO_SESSION') {
      model.why = whyNot(e.reason);
      renderWhy();
      client.call('flow.get', {}).then(render, () => {});
    }
  });
}

// whyNot says, in plain words, why a tap did nothing.
function whyNot(reason) {
  const st = model.state;
  const step = st ? st.step : '';
  if (reason === 'NO_SESSION') return '这次办理已经结束了，请从头开始。';
  switch (step) {
    case 'choose_items': return '还没有选项目。请至少选一项，再点下一步。';
    case 'sign_commitment':
    case 'sign_authorization': {
      const sv = st.view.sign;
      if (sv && sv.document === 'commitment' && sv.relatedToStaff === null) return '请先回答上面的问题，再签名。';
      return sv && sv.source === 'screen' ? '还没有签名。请在框里写您的名字。' : '还没有签名。请在签字板上写您的名字。';
    }
    case 'confirm_identity': return '请工作人员先核对本人，勾选“已核对本人”。';
    case 'household': return '正在查您家的情况，请稍等。';
    case 'unlock': return '密码是 6 到 12 位数字，请再输一次。';
    case 'home_visit': return '请先写好入户记录，点“保存记录”，再签名。';
    case 'submit': return '正在提交，请稍等。';
  }
  return '请稍等一下，再点一次。';
}

// ---- rendering -----------------------------------------------------------------

function isSignStep() {
  const s = body.getAttribute('data-step');
  return s === 'sign_commitment' || s === 'sign_authorization' || s === 'home_visit';
}

function clearScreens() {
  emptyFills(document);
  forgetTyped();
  ink.clear();
  ink.setMode('off');
  for (const s of document.querySelectorAll('[data-screen]')) s.hidden = true;
  renderNotes();
  show('warning', false);
  show('staff-panel', false);
  show('bottombar', false);
  body.setAttribute('data-step', 'starting');
  window.kioskFlow.step = 'starting';
  setText('title', TITLES.starting);
}

function render(st) {
  if (!st || !st.step) return;
  const prev = model.state;
  model.state = st;
  const step = st.step;
  const v = st.view || {};
  const stepChanged = !prev || prev.step !== step || prev.kind !== st.kind;
  if (stepChanged) model.why = '';
  if (step === 'idle' && (!prev || prev.step !== 'idle')) {
    // The person's session is over: their mute goes, and so does
    // everything the screens showed.
    voice.reset();
    renderMute();
    ink.clear();
    model.pgIndex = 0;
    model.signKey = '';
  }
  if (stepChanged) {
    model.pgIndex = 0;
    model.pcIndex = 0;
  }
  body.setAttribute('data-step', step);
  body.setAttribute('data-mode', st.mode || 'kiosk');
  if (st.kind) body.setAttribute('data-kind', st.kind);
  else body.removeAttribute('data-kind');
  window.kioskFlow.step = step;

  let screen = step === 'sign_commitment' || step === 'sign_authorization' ? 'sign' : step;
  if (!document.querySelector('[data-screen="' + screen + '"]')) screen = 'other';
  for (const s of document.querySelectorAll('[data-screen]')) {
    const on = s.getAttribute('data-screen') === screen;
    if (!on) emptyFills(s);
    s.hidden = !on;
  }
  if (screen !== 'unlock') model.pin = '';
  if (screen !== 'home_visit') $('hv-notes').value = '';
  // The clerk's typing belongs to the step it was typed on; the saved notes
  // come back from the agent.
  if (stepChanged || !isNotesStep(st)) forgetNotes();
  if (stepChanged) model.fullText = false;
  if (screen !== 'sign' && screen !== 'home_visit') {
    ink.clear();
    ink.setMode('off');
    model.signKey = '';
  }

  const bar = {back: '返回', next: '', nextOn: true, end: false, backOn: true};
  let title = TITLES[step] || '请稍等';
  const r = {title: title, bar: bar, voice: []};
  switch (step) {
    case 'idle': renderIdle(st, r); break;
    case 'read_card': renderRead(v, r); break;
    case 'confirm_identity': renderConfirm(st, r); break;
    case 'household': renderHousehold(v.household || {status: 'loading'}, r); break;
    case 'precheck': renderPrecheck(st, r); break;
    case 'choose_items': renderChoose(v, r); break;
    case 'sign_commitment':
    case 'sign_authorization': renderSign(st, r); break;
    case 'submit': renderSubmit(v.submit || {}, r); break;
    case 'receipt': renderReceipt(v.receipt || {}, r); break;
    case 'take_card': renderTake(st, r); break;
    case 'progress': r.bar.next = '办完了'; r.voice = ['progress.show']; renderProgress(v.progress); break;
    case 'unlock': renderUnlock(v.unlock || {}, r); break;
    case 'home_visit': renderVisit(st, r); break;
  }
  setText('title', r.title);
  renderBar(step, r.bar);
  renderStaff(st);
  renderWarning(st);
  renderModeNote(st);
  renderNotes();
  renderFullText();
  renderWhy();
  speak(step + '|' + (r.voiceKey || ''), r.voice);
  window.kioskFlow.ready = true;
}

function renderBar(step, bar) {
  show('bottombar', step !== 'idle');
  show('btn-back', bar.backOn && step !== 'idle');
  setText('back-word', bar.back);
  show('btn-next', !!bar.next);
  setText('next-word', bar.next || '下一步');
  $('btn-next').disabled = !bar.nextOn;
  show('btn-end', !!bar.end);
  model.barWhy = bar.nextOn ? '' : (bar.why || '');
}

function renderWhy() {
  setText('why', model.why || model.barWhy || '');
}

function speak(key, ids) {
  if (APPLICANT || key === model.voiceKey) return;
  model.voiceKey = key;
  if (ids && ids.length) voice.say(ids);
}

function renderMute() {
  const m = voice.muted;
  $('btn-mute').setAttribute('aria-pressed', m ? 'true' : 'false');
  setText('mute-word', m ? '开声音' : '静音');
}

function renderModeNote(st) {
  const note = $('mode-note');
  let text = '';
  if (st.mode === 'counter') text = '窗口办理';
  else if (st.mode === 'field') text = '入户办理';
  note.textContent = text;
  note.hidden = !text;
}

// ---- idle ----------------------------------------------------------------------

function renderIdle(st, r) {
  const v = st.view || {};
  show('wiped', !!v.wiped);
  show('idle-lead', !v.wiped);
  if (v.wiped && model.sawWarning) r.voice = ['timeout.wiped'];
  r.voiceKey = v.wiped ? 'wiped' : '';
  if (!v.wiped) model.sawWarning = false;
  let lead = '只带身份证就能申请。不会用请点“呼叫工作人员”。';
  if (APPLICANT) lead = '您好！工作人员会在窗口为您办理，这块屏幕跟着显示。';
  else if (st.mode === 'counter') lead = '请到窗口办理。工作人员点“我要申请”开始。';
  else if (st.mode === 'field') lead = v.locked ? '请工作人员刷证解锁。' : '已解锁。点“我要申请”开始入户办理。';
  show('idle-worker', st.mode === 'field' && !!v.worker);
  setText('idle-worker-name', v.worker || '');
  if (st.mode === 'field' && v.locked && !v.wiped) r.voice = ['unlock.card'];
  // Sentences as unbreakable phrases: a line never ends inside one.
  fill('idle-lead', lead.replace(/。/g, '。\n').split('\n').filter(Boolean).map((p) => h('span', {cls: 'phrase', text: p})));
  renderBacklog();
  renderIdleCall();
}

// renderBacklog tells the clerk or the field worker, on the idle screen,
// what the outbox still holds (it goes out by itself once the platform is
// reached). A self-service kiosk's applicants are not told: it is not
// theirs to act on, and the health page tells the staff.
function renderBacklog() {
  const o = model.outbox;
  const mode = model.state ? model.state.mode : '';
  const on = !APPLICANT && !!o && o.pending > 0 && (mode === 'counter' || mode === 'field');
  show('idle-backlog', on);
  if (!on) return;
  let text = o.applications > 0 ? `还有 ${o.applications} 份申请待上传` : `还有 ${o.pending} 份材料待上传`;
  text += mode === 'field' ? '，有网络时会自动送出。' : '，会自动重试送出。';
  if (o.oldestAgeS >= 3600) {
    const hours = Math.floor(o.oldestAgeS / 3600);
    text += hours >= 24 ? `最早的已等 ${Math.floor(hours / 24)} 天。` : `最早的已等 ${hours} 小时。`;
  }
  setText('idle-backlog', text);
}

let idleCallTimer = null;

function renderIdleCall() {
  if (idleCallTimer) clearTimeout(idleCallTimer);
  const left = model.idleCalledUntil - Date.now();
  const on = left > 0 && body.getAttribute('data-step') === 'idle';
  show('idle-called', on);
  // The notices take the lead's place, never cover it.
  show('idle-lead', !on && $('wiped').hidden);
  if (on) idleCallTimer = setTimeout(renderIdleCall, left + 20);
}

// ---- read_card ----------------------------------------------------------------

function renderRead(v, r) {
  const read = v.read || {};
  const card = v.card;
  let head = '';
  let text = '';
  let problem = '';
  if (card && card.problem === 'expired') {
    problem = 'expired';
    r.title = card.type === 'resident' ? '身份证已过期' : '证件已过期';
    text = (card.type === 'resident' ? '您的身份证' : '您的证件') + (card.validUntil ? ' ' + card.validUntil + ' ' : '') +
      '已经过期。请找工作人员帮您办，也可以先去派出所换新证。';
    r.voice = ['card.expired'];
  } else if (card && card.problem === 'permit') {
    problem = 'permit';
    r.title = '请到窗口办理';
    text = '您的证件是' + (card.typeName || '外国人或港澳台居民的证件') + '。这种证件请到窗口办，工作人员会帮您。';
    r.voice = ['card.permit'];
  } else if (read.problem === 'reader') {
    problem = 'reader';
    r.title = '读卡器暂时不能用';
    text = '请找工作人员帮您办理。';
    r.voice = ['device.reader'];
  } else if (read.problem === 'replace') {
    head = '没有读出来';
    text = '请拿起证件，再平放一次。';
    r.voice = ['read_card.retry'];
  } else {
    r.voice = ['read_card.place'];
  }
  r.voiceKey = problem + '|' + (read.failures || 0);
  if (read.callStaff && !problem) text += '已经试了 ' + read.failures + ' 次，可以请工作人员来帮忙。';
  if (problem) body.setAttribute('data-problem', problem);
  else body.removeAttribute('data-problem');
  setText('read-notice-head', head);
  setText('read-notice-text', text);
  show('read-notice', !!text);
  show('read-actions', !!problem || !!read.callStaff);
  r.bar.end = !!problem;
  r.bar.backOn = !problem;
}

// ---- confirm_identity ----------------------------------------------------------

function renderConfirm(st, r) {
  const c = st.view.card || {};
  const resident = c.type === 'resident';
  const photo = $('ci-photo');
  if (c.photo && c.photo.indexOf('data:image/png;base64,') === 0) {
    const img = h('img', {alt: '证件照片', src: c.photo});
    fill('ci-photo', img);
  } else {
    fill('ci-photo', h('span', {cls: 'photo-none', role: 'img', 'aria-label': '没有照片'}, icon('photo', 'photo-pic')));
  }
  photo.setAttribute('data-has-photo', c.photo ? 'yes' : 'no');
  setText('ci-name', c.name || '');
  setText('ci-id-label', resident ? '身份证号' : '证件号码');
  fill('ci-id', idGroups(c.idMasked));
  setText('ci-sex', c.sex || '');
  setText('ci-birth', c.birthYear ? c.birthYear + '年' : '');
  setText('ci-valid', c.validUntil || '');
  setText('ci-type', c.typeName || (resident ? '居民身份证' : '证件'));
  const word = $('ci-valid-word');
  word.setAttribute('data-expired', c.expired ? 'yes' : 'no');
  fill('ci-valid-word', c.expired
    ? [icon('bang'), h('span', {text: (resident ? '身份证' : '证件') + '已过期'}), h('span', {cls: 'valid-note', text: '工作人员可以继续办理'})]
    : [h('span', {text: '证件有效 ✓'})]);
  r.bar.back = '不是我';
  r.bar.next = '确认无误';
  r.voice = ['confirm_identity.check'];
  const clerk = st.mode !== 'kiosk';
  show('ci-clerk', clerk);
  if (clerk) {
    $('ci-verified').setAttribute('aria-pressed', c.verified ? 'true' : 'false');
    setText('ci-verified-word', '已核对本人');
    r.bar.nextOn = !!c.verified;
    r.bar.why = '请工作人员先对照照片核对本人，勾选“已核对本人”。';
  }
}

// ---- household ------------------------------------------------------------------

function renderHousehold(hh, r) {
  const found = hh.status === 'found';
  show('hh-found', found);
  show('hh-loading', hh.status === 'loading');
  show('hh-problem', hh.status === 'none' || hh.status === 'offline');
  show('hh-none-actions', hh.status === 'none' || hh.status === 'offline');
  show('hh-lead', found || hh.status === 'loading');
  r.bar.next = found ? '信息没错' : '继续申请';
  r.bar.nextOn = hh.status !== 'loading';
  r.bar.why = '正在查您家的情况，请稍等。';
  r.voiceKey = hh.status;
  if (hh.status === 'none') {
    r.title = '没找到家庭登记';
    setText('hh-problem-text', '可能户口不在本地，或者信息还没录入。您仍然可以申请，工作人员会帮您核对。');
    r.voice = ['household.none'];
  } else if (hh.status === 'offline') {
    r.title = '暂时查不到家庭信息';
    setText('hh-problem-text', '网络暂时不通。您仍然可以申请，工作人员以后会核对。');
    r.voice = ['platform.offline'];
  } else if (found) {
    r.voice = ['household.check'];
  }
  if (!found) return;
  fill('hh-rows', (hh.members || []).map((m) => h('tr', null, [
    h('td', {cls: 'rel', text: m.relation}),
    h('td', {cls: 'name', text: m.name}),
    h('td', {cls: 'age', text: m.age + ' 岁'}),
    h('td', {cls: 'tags'}, (m.tags || []).map((t) => h('span', {cls: 'tag', text: t}))),
  ])));
  fill('hh-income', [h('span', {text: '家庭月收入合计 '}), h('span', {cls: 'num', text: String(hh.monthlyIncome || 0)}), h('span', {text: ' 元'})]);
  const pages = hh.pages || 1;
  show('hh-pager', pages > 1);
  setText('hh-where', '第 ' + (hh.page || 1) + ' 页，共 ' + pages + ' 页');
  $('hh-prev').setAttribute('data-page', String((hh.page || 1) - 1));
  $('hh-next').setAttribute('data-page', String((hh.page || 1) + 1));
  $('hh-prev').disabled = (hh.page || 1) <= 1;
  $('hh-next').disabled = (hh.page || 1) >= pages;
  show('hh-disputed', !!hh.disputed);
  const counter = !!model.state && model.state.mode === 'counter';
  show('hh-correct', counter);
  show('hh-correct-note', counter);
}

// ---- precheck -----------------------------------------------------------------

function renderPrecheck(st, r) {
  const hints = st.view.hints || [];
  r.bar.next = '下一步';
  r.voice = ['precheck.hints'];
  show('pc-none', hints.length === 0);
  show('pc-others', hints.length > 0);
  // A page of hints at a time: two side by side, three one above the
  // other on a portrait screen; never a scroll.
  // The clerk's cards carry the rules and their sources too: one a page.
  const per = st.mode === 'counter' ? 1 : window.matchMedia('(orientation: portrait)').matches ? 3 : 2;
  const pages = Math.max(1, Math.ceil(hints.length / per));
  model.pcIndex = Math.min(Math.max(model.pcIndex, 0), pages - 1);
  show('pc-pager', pages > 1);
  setText('pc-where', '第 ' + (model.pcIndex + 1) + ' 页，共 ' + pages + ' 页');
  $('pc-prev').disabled = model.pcIndex <= 0;
  $('pc-next').disabled = model.pcIndex >= pages - 1;
  fill('pc-hints', hints.slice(model.pcIndex * per, model.pcIndex * per + per).map((hv) => {
    const likely = hv.verdict === 'likely';
    const kids = [
      h('div', {cls: 'hint-head'}, [
        h('span', {cls: 'hint-name', text: hv.name}),
        h('span', {cls: 'hint-mark' + (likely ? '' : ' maybe')}, [icon('check'), likely ? '可能符合' : '也许符合，请工作人员看看']),
      ]),
      h('p', {cls: 'hint-plain', text: hv.plain}),
      h('p', {cls: 'hint-summary', text: '您家可能符合' + hv.name + '的条件'}),
    ];
    if (hv.reasons && hv.reasons.length) {
      kids.push(h('ul', {cls: 'hint-reasons'}, hv.reasons.map((x) => h('li', null, digits(x)))));
    }
    if (hv.rules && hv.rules.length) { // counter mode: the tests and their sources, for the clerk
      const sources = [];
      for (const t of hv.rules) if (t.source && sources.indexOf(t.source) < 0) sources.push(t.source);
      kids.push(h('p', {cls: 'rules', text: '依据：' + hv.rules.map((t) => t.name + (t.passed ? ' ✓' : ' 未满足') + (t.sample ? '（示例标准）' : '')).join('，') +
        (sources.length ? '。来源：' + sources.join('；') : '')}));
    }
    return h('li', {cls: 'hint', 'data-hint': hv.item}, kids);
  }));
}

// ---- choose_items -----------------------------------------------------------------

function renderChoose(v, r) {
  const items = v.items || [];
  const n = v.chosen || 0;
  r.bar.next = '下一步';
  r.bar.nextOn = n > 0;
  r.bar.why = '还没有选项目。请至少选一项，再点下一步。';
  r.voice = ['choose_items.pick'];
  setText('ch-count', '已选 ' + n + ' 项');
  const tiles = $('ch-tiles');
  // The tiles stay the same elements while the list is the same: a tap
  // never lands on a tile that is being replaced, and focus stays.
  const codes = items.map((it) => it.item).join(',');
  if (tiles.getAttribute('data-codes') === codes && tiles.childElementCount === items.length) {
    for (const it of items) {
      const b = tiles.querySelector('[data-item="' + it.item + '"]');
      if (b.getAttribute('aria-pressed') === (it.selected ? 'true' : 'false')) continue;
      b.setAttribute('aria-pressed', it.selected ? 'true' : 'false');
      const chip = b.querySelector('.tile-state');
      while (chip.firstChild) chip.removeChild(chip.firstChild);
      for (const k of tileState(it.selected)) chip.appendChild(typeof k === 'string' ? document.createTextNode(k) : k);
    }
    return;
  }
  tiles.setAttribute('data-codes', codes);
  fill('ch-tiles', items.map((it) => h('li', null, h('button', {
    type: 'button', cls: 'tile', 'data-action': 'toggle', 'data-item': it.item, 'aria-pressed': it.selected ? 'true' : 'false',
  }, [
    h('span', {cls: 'tile-top'}, [
      h('span', {cls: 'tile-name', text: it.name}),
      h('span', {cls: 'tile-state'}, tileState(it.selected)),
    ]),
    h('span', {cls: 'tile-plain', text: it.plain}),
    it.hinted ? h('span', {cls: 'tile-hinted', text: '可能符合'}) : null,
  ]))));
}

function tileState(selected) {
  return selected ? [icon('check'), '已选'] : [icon('box'), '未选'];
}

// ---- the sign steps -------------------------------------------------------------------

const SIGNER_WORDS = {signed: ['check', '已签'], pending: ['dash', '未签'], absent: ['later', '不在场，以后补签'], current: ['play', '现在签']};

function renderSign(st, r) {
  const sv = st.view.sign || {signers: [], summary: [], items: []};
  const commitment = sv.document === 'commitment';
  const unanswered = commitment && sv.relatedToStaff === null;
  const cur = sv.current >= 0 ? sv.signers[sv.current] : null;
  // The ink belongs to one capture: a new signer or a new source starts
  // with an empty box.
  const key = st.step + '|' + sv.current + '|' + sv.source;
  if (key !== model.signKey) {
    model.signKey = key;
    model.started = '';
    ink.clear();
  }
  if ($('ink-box').parentNode !== $('sg-actions').parentNode) $('sg-actions').parentNode.insertBefore($('ink-box'), $('sg-actions'));
  let mode = 'off';
  if (sv.capturing) mode = sv.source === 'screen' ? (model.started === 'screen' ? 'screen' : 'off') : 'pad';
  ink.setMode(mode);
  body.setAttribute('data-ink-mode', mode);
  requestAnimationFrame(() => ink.size());

  setText('sg-lead', commitment ? '请看完下面几句话，在签字板上写您的名字。' : '为了审核，需要查您家的收入和财产。请每位在场的大人都签名。');
  setText('sg-doc', sv.title || '');
  fill('sg-summary', (sv.summary || []).map((l) => h('li', {text: l})));
  setText('sg-meta', (sv.items && sv.items.length ? '申请：' + sv.items.join('、') + '　' : '') + (sv.date || ''));
  show('sg-question', commitment);
  if (commitment) {
    for (const [id, val] of [['sg-yes', true], ['sg-no', false]]) {
      const on = sv.relatedToStaff === val;
      $(id).setAttribute('aria-pressed', on ? 'true' : 'false');
      fill(id, [h('span', {cls: 'answer-word', text: val ? '有' : '没有'}), on ? h('span', {cls: 'answer-state'}, [icon('check'), '已选']) : null]);
    }
  }
  fill('sg-signers', commitment ? [] : (sv.signers || []).map((g) => {
    const w = SIGNER_WORDS[g.state] || SIGNER_WORDS.pending;
    return h('li', {cls: 'signer', 'data-state': g.state}, [
      h('span', {cls: 'signer-who', text: g.relation + ' ' + g.name}),
      h('span', {cls: 'signer-state'}, [icon(w[0]), w[1]]),
    ]);
  }));
  show('sg-signers', !commitment);
  setText('sg-now', unanswered || !cur ? '' : cur.relation === '本人' ? '现在请您本人签名' : '现在请 ' + cur.relation + ' ' + cur.name + ' 签名');
  let how = '';
  if (sv.problem === 'pad') {
    r.title = '改在屏幕上签名';
    how = '签字板暂时不能用，请直接用手指在屏幕上写名字。';
  } else if (sv.problem === 'empty') {
    how = sv.source === 'screen' ? '还没有写名字。请在框里写好，再点“签好了”。' : '还没有写名字。请在签字板上写好，再点“签好了”。';
  } else if (sv.problem === 'document') {
    how = '文件暂时打不开，请呼叫工作人员。';
  } else if (unanswered) {
    how = '请先回答上面的问题，再签名。';
  } else if (sv.done) {
    how = '都签好了，请点“下一步”。';
  } else if (sv.source === 'screen') {
    how = '请用手指在下面的框里写名字。';
  } else {
    how = '请在签字板上写名字，这里会同时显示。';
  }
  if (sv.problem) body.setAttribute('data-sign-problem', sv.problem);
  else body.removeAttribute('data-sign-problem');
  setText('sg-how', how);
  setText('ink-hint', sv.capturing ? (sv.source === 'screen' ? '请在这里写名字' : '签字板上写的字会显示在这里') : '');
  body.setAttribute('data-source', sv.source || 'pad');
  body.setAttribute('data-capturing', sv.capturing ? 'yes' : 'no');
  show('sg-clear', !!sv.capturing);
  show('sg-absent', !commitment && sv.current > 0);
  show('sg-screen', sv.source === 'pad' && !!sv.capturing);
  r.bar.next = sv.done ? '下一步' : '签好了';
  model.signView = sv;
  // Each prompt once: on entering the step, for each new signer, and when
  // the pad gives up.
  r.voiceKey = (commitment ? '' : String(sv.current)) + '|' + (sv.problem === 'pad' ? 'pad' : '');
  if (sv.problem === 'pad') {
    r.voice = ['device.pad'];
  } else if (commitment) {
    r.voice = ['sign_commitment.sign', 'commitment.line1', 'commitment.line2', 'commitment.line3', 'commitment.line4', 'commitment.line5'];
  } else if (cur) {
    r.voice = sv.current === 0
      ? ['sign_authorization.all', 'authorization.line1', 'authorization.line2', 'authorization.line3', 'authorization.line4', 'authorization.line5']
      : [['sign.rel.' + cur.relation, 'sign_authorization.next']];
  }
  signButtons(r.bar, sv, unanswered);
}

function signButtons(bar, sv, unanswered) {
  const inked = sv.inked || (sv.source === 'screen' && ink.hasInk());
  bar.nextOn = sv.done || (!!sv.capturing && inked && !unanswered);
  bar.why = unanswered ? '请先回答上面的问题：有，还是没有。'
    : (sv.source === 'screen' ? '还没有签名。请在框里写您的名字，写好再点“签好了”。' : '还没有签名。请在签字板上写您的名字，写好再点“签好了”。');
  body.setAttribute('data-inked', inked ? 'yes' : 'no');
}

// renderSignButtons: the ink came (or went) between two states.
// renderFullText shows the whole document being signed over the sign
// screen while 查看全文 is open; the button only when there is a text.
function renderFullText() {
  const st = model.state;
  const sv = st && (st.step === 'sign_commitment' || st.step === 'sign_authorization') && st.view ? st.view.sign : null;
  const text = sv && sv.fullText && sv.fullText.length ? sv.fullText : null;
  show('sg-fulltext', !!text);
  const open = !!text && model.fullText;
  if (!open) model.fullText = false;
  show('fulltext', open);
  if (open) body.setAttribute('data-fulltext', 'open');
  else body.removeAttribute('data-fulltext');
  if (!open) {
    emptyFills($('fulltext'));
    $('ft-body').removeAttribute('data-key');
    return;
  }
  const key = sv.document + '|' + text.length;
  if ($('ft-body').getAttribute('data-key') === key) return; // keep the scroll
  $('ft-body').setAttribute('data-key', key);
  setText('ft-title', sv.title + '（全文）');
  // The first line is the title; "一、…" lines head their sections.
  fill('ft-body', text.map((p, i) => h('p', {cls: i === 0 || /^[一二三四五六七八九十]+、/.test(p) ? 'ft-h' : '', text: p})));
  $('ft-body').scrollTop = 0;
}

function renderSignButtons() {
  if (!isSignStep() || !model.signView) return;
  if (model.signView.document === 'visit') {
    const bar = visitButtons(model.signView);
    $('btn-next').disabled = !bar.nextOn;
    model.barWhy = bar.nextOn ? '' : bar.why;
    renderWhy();
    return;
  }
  const sv = model.signView;
  const bar = {};
  signButtons(bar, sv, sv.document === 'commitment' && sv.relatedToStaff === null);
  $('btn-next').disabled = !bar.nextOn;
  model.barWhy = bar.nextOn ? '' : bar.why;
  renderWhy();
}

// ---- submit, receipt, take_card -------------------------------------------------------

let submitTimer = null;

function renderSubmit(s, r) {
  setText('sb-items', (s.items || []).join('、'));
  fill('sb-signed', (s.signed || []).map((x) => h('li', null, [icon('check'), h('span', {text: x})])));
  show('sb-absent-label', !!(s.absent && s.absent.length));
  show('sb-absent-dd', !!(s.absent && s.absent.length));
  fill('sb-absent', (s.absent || []).map((x) => h('li', null, [icon('later'), h('span', {text: x + '（以后补签）'})])));
  // Counter mode: the clerk's notes go with the application; their first
  // lines here, all of them under 窗口备注.
  const notes = savedNotes();
  show('sb-notes-label', !!notes);
  show('sb-notes-dd', !!notes);
  setText('sb-notes', excerpt(notes));
  if (submitTimer) {
    clearTimeout(submitTimer);
    submitTimer = null;
  }
  if (s.submitting) {
    if (!model.submitAt) model.submitAt = Date.now();
    const slow = Date.now() - model.submitAt >= SUBMIT_SLOW_MS;
    setText('sb-status-text', slow ? '还在提交，请再等一下' : '正在提交');
    if (!slow) submitTimer = setTimeout(() => render(model.state), SUBMIT_SLOW_MS - (Date.now() - model.submitAt) + 20);
  } else {
    model.submitAt = 0;
  }
  show('sb-status', !!s.submitting);
  show('sb-error', !!s.error && !s.submitting);
  r.bar.next = '确认提交';
  r.bar.nextOn = !s.submitting;
  r.bar.backOn = !s.submitting;
  r.bar.why = '正在提交，请稍等。';
  r.voice = ['submit.confirm'];
  r.voiceKey = s.submitting ? 'sending' : '';
  if (s.submitting) r.voice = [];
}

function renderReceipt(rc, r) {
  fill('rc-case', (rc.caseNumber || '').split(' ').map((g) => h('span', {cls: 'grp', text: g})));
  show('rc-queued', !!rc.queued);
  setText('rc-items', (rc.items || []).join('、'));
  setText('rc-deadline', rc.deadline ? '最晚 ' + rc.deadline + ' 前给您答复' : '');
  const p = $('rc-print');
  p.setAttribute('data-state', rc.printing || '');
  if (rc.printing === 'printing') fill('rc-print', [h('span', {cls: 'dots', 'aria-hidden': 'true'}), '回执正在打印']);
  else if (rc.printing === 'printed') fill('rc-print', [icon('check'), '回执已打印']);
  else fill('rc-print', []);
  const failed = rc.printing === 'failed';
  show('rc-print-failed', failed);
  setText('rc-lead', failed ? '请记下受理编号。还缺的材料，工作人员也会告诉您。'
    : '请收好回执，上面有编号和电话。还缺的材料，回执上写清楚了。');
  if (failed) r.title = '回执暂时打不出';
  const missing = rc.missing || [];
  show('rc-missing', missing.length > 0);
  fill('rc-missing-list', missing.map((m) => h('li', null, [icon('bang'), h('span', {text: m.name + '：' + m.materials.join('、')})])));
  const none = rc.printing === 'none'; // field mode: no printer on a home visit
  show('rc-reprint', !!rc.canReprint && !none);
  if (none) setText('rc-lead', '这次不打印回执。请记下受理编号，工作人员会念给您听。');
  r.bar.next = '下一步';
  r.bar.backOn = false;
  r.voiceKey = failed ? 'failed' : '';
  r.voice = failed ? ['device.printer'] : none ? [] : (missing.length ? ['submit.done', 'receipt.notice'] : ['submit.done', 'receipt.take']);
}

function renderTake(st, r) {
  const present = !!(st.view.takeCard && st.view.takeCard.cardPresent);
  const progress = st.kind === 'progress';
  setText('take-lead', progress ? '请取走身份证。谢谢您！' : '请取走身份证和回执。谢谢您！');
  show('take-receipt-pic', !progress);
  show('take-present', present);
  r.bar.next = '好的';
  r.bar.backOn = false;
  r.voice = ['take_card.remind'];
}

// ---- progress ------------------------------------------------------------------------------

function renderProgress(pv) {
  pv = pv || {status: 'loading'};
  const apps = pv.applications || [];
  show('pg-loading', pv.status === 'loading');
  show('pg-problem', pv.status === 'none' || pv.status === 'offline');
  setText('pg-problem-text', pv.status === 'none' ? '没有查到您的申请记录。需要帮忙请呼叫工作人员。'
    : pv.status === 'offline' ? '网络暂时不通，查不到进度。请稍后再来，或者呼叫工作人员。' : '');
  show('pg-lead', pv.status === 'found');
  show('pg-app', apps.length > 0);
  show('pg-print', pv.status === 'found');
  $('pg-print').disabled = pv.printing === 'printing';
  const ps = $('pg-print-state');
  ps.setAttribute('data-state', pv.printing || '');
  fill('pg-print-state', pv.printing === 'printing' ? ['正在打印'] : pv.printing === 'printed' ? [icon('check'), '已打印']
    : pv.printing === 'failed' ? ['暂时打不出，请到窗口问'] : []);
  if (!apps.length) return;
  model.pgIndex = Math.min(Math.max(model.pgIndex, 0), apps.length - 1);
  const a = apps[model.pgIndex];
  setText('pg-items', (a.items || []).join('、'));
  const first = (a.stages || [])[0];
  setText('pg-date', first && first.at ? '申请日期：' + first.at : '');
  fill('pg-stages', (a.stages || []).map((s) => h('li', {cls: 'stage', 'data-reached': s.reached ? 'yes' : 'no', 'data-current': s.current ? 'yes' : 'no'}, [
    h('span', {cls: 'stage-dot'}, s.current ? icon('play') : s.reached ? icon('check') : null),
    h('span', {cls: 'stage-name', text: s.name}),
    h('span', {cls: 'stage-at', text: s.at || (s.reached ? '' : '还没到')}),
    s.current ? h('span', {cls: 'stage-now', text: '▶ 现在在这一步'}) : null,
  ])));
  setText('pg-deadline', a.deadline ? '最晚 ' + a.deadline + ' 前办完' : '');
  setText('pg-result', a.result || '');
  show('pg-pager', apps.length > 1);
  setText('pg-where', '第 ' + (model.pgIndex + 1) + ' 项，共 ' + apps.length + ' 项');
  $('pg-prev').disabled = model.pgIndex <= 0;
  $('pg-next').disabled = model.pgIndex >= apps.length - 1;
}

// ---- staff, the warning -----------------------------------------------------------------

function renderStaff(st) {
  const s = st.view && st.view.staff;
  show('staff-panel', !!(s && s.called));
  if (!s || !s.called) {
    model.staffSaid = false;
    return;
  }
  setText('staff-text', s.busy ? '工作人员在忙，请到 ' + (st.view.window || '1') + ' 号窗口' : '已通知工作人员，请稍等');
  if (!model.staffSaid) {
    model.staffSaid = true;
    voice.say(['staff.called'], false);
  }
}

// staffCalled: the clerk's screen (counter mode) shows who called.
function staffCalled(ev) {
  const st = model.state;
  // This screen's own call is on its staff panel already.
  if (!ev || !st || st.mode !== 'counter' || Date.now() - (model.ownCallAt || 0) < 5000) return;
  const at = new Date(ev.at || Date.now());
  const hhmm = ('0' + at.getHours()).slice(-2) + ':' + ('0' + at.getMinutes()).slice(-2);
  const why = ev.reason === 'card_left' ? '身份证忘在读卡器上'
    : ev.reason === 'printer' ? '回执打不出来（缺纸或打印机故障），请去看看'
      : '有人需要帮忙';
  const where = ev.step && STEP_WORDS[ev.step] ? '（' + STEP_WORDS[ev.step] + '）' : '';
  setText('calls-text', hhmm + ' 呼叫工作人员：' + why + where);
  show('calls', true);
}

function renderWarning(st) {
  if (model.warnTimer) {
    clearInterval(model.warnTimer);
    model.warnTimer = null;
  }
  const w = APPLICANT ? null : st.warning;
  show('warning', !!w);
  if (w) body.setAttribute('data-warning', 'yes');
  else body.removeAttribute('data-warning');
  if (!w) {
    if (st.step !== 'idle') model.sawWarning = false;
    model.warnSaid = false;
    return;
  }
  model.sawWarning = true;
  const until = Date.parse(w.until);
  const tick = () => {
    const left = Math.max(0, Math.min(w.seconds || 30, Math.ceil((until - Date.now()) / 1000)));
    setText('countdown', String(left));
    setText('warning-secs', String(left));
  };
  tick();
  model.warnTimer = setInterval(tick, 250);
  if (!model.warnSaid) {
    model.warnSaid = true;
    voice.say(['timeout.warn'], false);
  }
}

renderMute();
renderConn();

// A turned screen (portrait ↔ landscape) shows another number of hints a
// page.
window.addEventListener('resize', () => {
  if (model.state && model.state.step === 'precheck') renderPrecheck(model.state, {bar: {}});
});

// ---- field mode: unlock, 入户记录 ------------------------------------------------

const UNLOCK_PROBLEMS = {
  not_worker: '这张卡不是本机登记的工作人员。请换您自己的身份证。',
  permit: '工作人员请用自己的居民身份证解锁。',
  no_workers: '本机还没有登记工作人员，请管理员先添加。',
};

function renderUnlock(u, r) {
  r.title = '工作人员解锁';
  r.bar.back = '返回';
  let problem = UNLOCK_PROBLEMS[u.problem] || '';
  if (u.problem === 'wrong_pin') problem = '密码不对' + (u.attemptsLeft ? '，还可以试 ' + u.attemptsLeft + ' 次' : '') + '。';
  if (u.problem === 'locked_out') {
    const t = new Date(u.lockedUntil || Date.now());
    problem = '密码错的次数太多，请在 ' + ('0' + t.getHours()).slice(-2) + ':' + ('0' + t.getMinutes()).slice(-2) + ' 以后再试。';
  }
  show('ul-notice', !!problem);
  setText('ul-problem', problem);
  show('ul-pin', !!u.card && u.problem !== 'locked_out' && u.problem !== 'no_workers');
  setText('ul-lead', u.checking ? '正在核对，请稍等' : u.card ? (u.name || '') + '，请输入您的密码' : '工作人员：请把您自己的身份证放在读卡区');
  if (!u.card) model.pin = '';
  r.bar.next = u.card ? '确认密码' : '';
  r.bar.nextOn = !!u.card && !u.checking && model.pin.length >= 6;
  r.bar.why = u.card ? '密码是 6 到 12 位数字。' : '';
  r.voiceKey = u.card ? 'pin' : 'card';
  r.voice = u.card ? [] : ['unlock.card'];
  renderPin();
}

function pinKey(k) {
  if (k === 'del') model.pin = model.pin.slice(0, -1);
  else if (k === 'clear') model.pin = '';
  else if (/^[0-9]$/.test(k) && model.pin.length < 12) model.pin += k;
  renderPin();
}

// renderPin shows as many dots as digits typed, never the digits.
function renderPin() {
  const n = model.pin.length;
  setText('ul-dots', n ? '●'.repeat(n) : '请输入 6 到 12 位数字');
  const u = model.state && model.state.view.unlock;
  if (u && body.getAttribute('data-step') === 'unlock') {
    $('btn-next').disabled = !(u.card && !u.checking && n >= 6);
    model.barWhy = $('btn-next').disabled && u.card ? '密码是 6 到 12 位数字。' : '';
    renderWhy();
  }
}

function renderVisit(st, r) {
  const hv = st.view.homeVisit || {};
  const key = 'home_visit|' + hv.source;
  if (key !== model.signKey) {
    model.signKey = key;
    model.started = '';
    ink.clear();
    $('hv-notes').value = hv.notes || '';
  }
  // The one ink box lives on the screen being shown.
  if ($('ink-box').parentNode !== $('hv-pad')) $('hv-pad').insertBefore($('ink-box'), $('hv-actions'));
  let mode = 'off';
  if (hv.capturing) mode = hv.source === 'screen' ? (model.started === 'screen' ? 'screen' : 'off') : 'pad';
  ink.setMode(mode);
  body.setAttribute('data-ink-mode', mode);
  body.setAttribute('data-source', hv.source || 'pad');
  body.setAttribute('data-capturing', hv.capturing ? 'yes' : 'no');
  requestAnimationFrame(() => ink.size());
  setText('hv-who', '工作人员 ' + (hv.worker || '') + '，' + (hv.date || ''));
  setText('hv-saved', hv.signed ? '已签名 ✓' : hv.notes ? '记录已保存' : '');
  setText('hv-now', hv.notes && !hv.signed ? '请工作人员签名' : '');
  let how = '';
  if (!hv.notes) how = '先写记录，点“保存记录”。';
  else if (hv.signed) how = '都签好了，请点“下一步”。';
  else if (hv.problem === 'pad') how = '签字板暂时不能用，请直接在屏幕上写名字。';
  else if (hv.problem === 'empty') how = '还没有写名字。';
  else how = hv.source === 'screen' ? '请用手指在下面的框里写名字。' : '请在签字板上写名字，这里会同时显示。';
  setText('hv-how', how);
  setText('ink-hint', hv.capturing ? (hv.source === 'screen' ? '请在这里写名字' : '签字板上写的字会显示在这里') : '');
  show('hv-clear', !!hv.capturing);
  show('hv-screen', hv.source === 'pad' && !!hv.capturing);
  r.bar.next = hv.signed ? '下一步' : '签好了';
  model.signView = {document: 'visit', source: hv.source, capturing: hv.capturing, inked: hv.inked, done: hv.signed, notes: hv.notes};
  const bar = visitButtons(model.signView);
  r.bar.nextOn = bar.nextOn;
  r.bar.why = bar.why;
  r.voice = ['home_visit.notes'];
}

function visitButtons(sv) {
  const inked = sv.inked || (sv.source === 'screen' && ink.hasInk());
  body.setAttribute('data-inked', inked ? 'yes' : 'no');
  if (!sv.notes) return {nextOn: false, why: '请先写好入户记录，点“保存记录”。'};
  return {nextOn: !!sv.done || (!!sv.capturing && inked), why: '还没有签名。请工作人员在签字板上写名字。'};
}

// forgetTyped drops what was typed on this page: the PIN, the notes.
function forgetTyped() {
  model.pin = '';
  $('hv-notes').value = '';
  forgetNotes();
}

// ---- counter mode: the clerk's notes (窗口备注) ---------------------------------
//
// On the steps the agent takes them on, 窗口备注 in the top bar opens a
// panel over the step's screen (its bottom bar hidden meanwhile): the
// notes, 保存备注 (flow.act notes), 回到办理. On household, 更正家庭信息
// opens it with "更正：" to correct the platform's data, which the kiosk
// never edits: the correction is saved as the clerk's note, then dispute
// marks the case for verification as 有不对的 does (and goes on to the
// next step). The saved notes are the agent's (view.clerkNotes); what is
// typed here is dropped when the step changes or the session ends.

function isNotesStep(st) {
  return !!st && st.mode === 'counter' && NOTE_STEPS.indexOf(st.step) >= 0;
}

function savedNotes() {
  const st = model.state;
  return (st && st.view && st.view.clerkNotes) || '';
}

function openNotes(kind) {
  if (!isNotesStep(model.state)) return;
  const ta = $('cn-text');
  // Typed and not saved stays while the step does; else the saved notes.
  if (!ta.value) ta.value = savedNotes();
  if (kind === 'correct' && !/更正：\s*$/.test(ta.value)) {
    ta.value = (ta.value.trim() ? ta.value.replace(/\s+$/, '') + '\n' : '') + CORRECT;
  }
  model.notesOpen = true;
  model.notesKind = kind === 'correct' && model.state.step === 'household' ? 'correct' : 'notes';
  model.notesMsg = '';
  renderNotes();
  ta.focus();
  ta.setSelectionRange(ta.value.length, ta.value.length);
}

function closeNotes() {
  if (!model.notesOpen) return;
  model.notesOpen = false;
  model.notesMsg = '';
  renderNotes();
  if (!$('btn-notes').hidden) $('btn-notes').focus();
}

function forgetNotes() {
  model.notesOpen = false;
  model.notesKind = 'notes';
  model.notesMsg = '';
  $('cn-text').value = '';
}

function saveNotes() {
  const st = model.state;
  if (!isNotesStep(st) || model.notesBusy) return;
  const text = $('cn-text').value;
  const correct = model.notesKind === 'correct' && st.step === 'household';
  if (correct && /更正：\s*$/.test(text)) {
    model.notesMsg = '请在“更正：”后面写上哪里不对。';
    renderNotes();
    return;
  }
  model.notesBusy = true;
  model.notesMsg = '';
  renderNotes();
  const step = st.step;
  client.call('flow.act', {action: 'notes', notes: text}).then((res) => {
    model.notesBusy = false;
    if (res && res.step) render(res);
    else renderNotes();
    // The correction saved: the case is marked for verification, and the
    // flow goes on (dispute never blocks).
    if (correct && model.state && model.state.step === step) send('flow.act', {action: 'dispute'});
  }, (e) => {
    model.notesBusy = false;
    const reason = e && e.reason;
    if (reason === 'NOT_READY') model.notesMsg = '没有保存：正在提交，备注不能再改了。';
    else if (reason === 'NO_SESSION') model.notesMsg = '没有保存：这次办理已经结束了。';
    else if (reason === 'BAD_PARAMS' && text.length > MAX_NOTES) model.notesMsg = '没有保存：备注最多 ' + MAX_NOTES + ' 字。';
    else if (reason === 'BAD_PARAMS') model.notesMsg = '没有保存：这一步不能写备注。';
    else model.notesMsg = '没有保存，请再点一次“保存备注”。';
    renderNotes();
  });
}

function renderNotes() {
  const st = model.state;
  const on = !APPLICANT && isNotesStep(st);
  if (!on) model.notesOpen = false;
  const open = on && model.notesOpen;
  show('btn-notes', on);
  $('btn-notes').setAttribute('aria-expanded', open ? 'true' : 'false');
  const saved = on && !!savedNotes();
  if ($('notes-chip').getAttribute('data-saved') !== String(saved)) {
    $('notes-chip').setAttribute('data-saved', String(saved));
    fill('notes-chip', saved ? [icon('check'), '已保存'] : []);
  }
  show('clerk-notes', open);
  if (open) body.setAttribute('data-notes', 'open');
  else body.removeAttribute('data-notes');
  if (!open) return;
  const correct = model.notesKind === 'correct';
  setText('cn-label', correct ? '更正家庭信息（窗口备注）' : '窗口备注');
  setText('cn-lead', correct
    ? '写下平台登记的哪里不对。平台的登记不在这里改：更正随申请交上，这户标记为需要核实，接着办下一步。'
    : '工作人员写的备注，随申请一起交上，最多 ' + MAX_NOTES + ' 字。');
  setText('cn-save-word', correct ? '保存更正' : '保存备注');
  $('cn-save').disabled = model.notesBusy || submitting();
  renderNotesState();
}

// excerpt is the first lines of the notes, short enough for one screen.
function excerpt(text) {
  const lines = String(text || '').split('\n');
  let out = lines.slice(0, 3).join('\n');
  if (out.length > 120) out = out.slice(0, 120);
  return out.length < text.length ? out.replace(/\s+$/, '') + '……（全文在“窗口备注”里）' : out;
}

function submitting() {
  const st = model.state;
  return !!st && st.step === 'submit' && !!(st.view.submit && st.view.submit.submitting);
}

// renderNotesState says whether what the panel shows is saved, in words.
function renderNotesState() {
  const typed = $('cn-text').value.trim();
  const saved = savedNotes();
  let state = '';
  let text = '';
  if (model.notesMsg) {
    state = 'problem';
    text = model.notesMsg;
  } else if (model.notesBusy) {
    state = 'saving';
    text = '正在保存';
  } else if (submitting()) {
    state = 'problem';
    text = '正在提交，备注不能再改了。';
  } else if (typed !== saved) {
    state = 'unsaved';
    text = '还没保存';
  } else if (saved) {
    state = 'saved';
    text = '已保存';
  }
  const key = state + '|' + text;
  if (key === model.notesKey && $('cn-state').firstChild) return;
  model.notesKey = key;
  const el = $('cn-state');
  el.setAttribute('data-state', state);
  fill('cn-state', state === 'saved' ? [icon('check'), text] : state === 'problem' ? [icon('bang'), text] : text ? [text] : []);
}

$('cn-text').addEventListener('input', () => {
  model.notesMsg = '';
  if (model.notesOpen) renderNotesState();
});
