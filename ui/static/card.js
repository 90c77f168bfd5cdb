// The card check page (/card.html): shows what the ID card reader reads, in
// very large type. Staff use it to check a reader; applicants use the flow
// at "/" (index.html, flow.js).
//
// Screens (body[data-state]):
//   starting        the first moments after load, before the agent answers
//   connecting      the agent connection is down; the client reconnects
//   reader-offline  connected, but no ID card reader is connected
//   waiting         "请将身份证放在读卡区"
//   card            the card read, with a masked ID number
//   replace         the card must be lifted and placed again (or was not read);
//                   back to waiting after REPLACE_MS
//   takecard        the card data was wiped after inactivity; the card is still there
//
// Personal data: the full ID number is never put in the DOM (only
// maskIdNumber's result), no card is kept in a variable after it is shown,
// and the card leaves the DOM when it is removed, when the reader or the
// agent goes away, and after IDLE_MS without activity. Nothing is logged.
//
// Kept to ES2017 for old WebKitGTK webviews: no ?. ?? or class fields.

import {KioskClient, maskIdNumber, PROTOCOL_VERSION} from '/protocol/kiosk-client.js';

const IDLE_MS = idleMs();
const STARTING_MS = 800; // show nothing rather than flash "正在连接" on load
const SLOW_CONNECT_MS = 15000;
// The agent sends no event when a card that could not be read is lifted,
// so the replace prompt gives way to the waiting prompt after this long.
const REPLACE_MS = 20000;

const TYPE_LABELS = {
  resident: '居民身份证',
  hk_mo_tw_residence: '港澳台居民居住证',
  foreign_permanent_2017: '外国人永久居留身份证',
  foreign_permanent_2023: '外国人永久居留身份证',
};

// Nationality codes (GB/T 2659, ISO 3166-1 alpha-3) seen most often; others show the code.
const NATIONALITIES = {
  USA: '美国', GBR: '英国', FRA: '法国', DEU: '德国', ESP: '西班牙', ITA: '意大利', PRT: '葡萄牙',
  NLD: '荷兰', BEL: '比利时', CHE: '瑞士', AUT: '奥地利', SWE: '瑞典', NOR: '挪威', DNK: '丹麦',
  FIN: '芬兰', IRL: '爱尔兰', POL: '波兰', GRC: '希腊', RUS: '俄罗斯', UKR: '乌克兰', TUR: '土耳其',
  JPN: '日本', KOR: '韩国', PRK: '朝鲜', MNG: '蒙古', SGP: '新加坡', MYS: '马来西亚', THA: '泰国',
  VNM: '越南', LAO: '老挝', KHM: '柬埔寨', MMR: '缅甸', PHL: '菲律宾', IDN: '印度尼西亚', IND: '印度',
  PAK: '巴基斯坦', NPL: '尼泊尔', BGD: '孟加拉国', LKA: '斯里兰卡', KAZ: '哈萨克斯坦', UZB: '乌兹别克斯坦',
  KGZ: '吉尔吉斯斯坦', ISR: '以色列', SAU: '沙特阿拉伯', ARE: '阿联酋', IRN: '伊朗', EGY: '埃及',
  ZAF: '南非', NGA: '尼日利亚', KEN: '肯尼亚', ETH: '埃塞俄比亚', CAN: '加拿大', MEX: '墨西哥',
  BRA: '巴西', ARG: '阿根廷', CHL: '智利', PER: '秘鲁', COL: '哥伦比亚', AUS: '澳大利亚', NZL: '新西兰',
};

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'),
  statusText: $('status-text'),
  statusSub: $('status-sub'),
  views: {
    waiting: $('view-waiting'),
    card: $('view-card'),
    replace: $('view-replace'),
    takecard: $('view-takecard'),
  },
  card: $('card'),
  replaceText: $('replace-text'),
  replaceSub: $('replace-sub'),
};

const model = {
  conn: 'connecting', // 'connecting' | 'open'
  connLostAt: Date.now(),
  devices: new Map(), // id → Device; empty and unknown until the agent says
  devicesKnown: false,
  view: 'waiting', // 'waiting' | 'card' | 'replace' | 'takecard'
  // Bumped by every card event, so that an idcard.read answer that raced
  // with an event is dropped.
  epoch: 0,
};

// The timer of the current screen: the inactivity wipe of a card, or the
// return from the replace prompt.
let viewTimer = null;
let renderTimer = null;
let photoURL = null;

const client = new KioskClient({reconnect: true, minBackoffMs: 500, maxBackoffMs: 8000, requestTimeoutMs: 8000});

client.on('open', () => {
  model.conn = 'open';
  render();
  sync();
});

client.on('close', () => {
  model.conn = 'connecting';
  model.connLostAt = Date.now();
  model.devicesKnown = false;
  model.devices.clear();
  // We cannot see the reader now: do not leave personal data on the screen.
  wipeCard('waiting');
});

client.on('idcard.inserted', (p) => {
  model.epoch++;
  if (p && p.card) showCard(p.card);
});

client.on('idcard.removed', () => {
  model.epoch++;
  wipeCard('waiting');
});

client.on('idcard.error', (p) => {
  model.epoch++;
  showProblem(p && p.reason);
});

client.on('device.changed', (p) => {
  if (!p || !p.device) return;
  const wasOK = readerOK();
  model.devices.set(p.device.id, p.device);
  model.devicesKnown = true;
  const ok = readerOK();
  if (wasOK && !ok) {
    wipeCard('waiting');
  } else if (!wasOK && ok) {
    render();
    readCurrent(); // a card may already lie on the reader that came back
  } else {
    render();
  }
});

// Any touch or key counts as activity and keeps the card on screen.
['pointerdown', 'touchstart', 'mousedown', 'keydown'].forEach((type) => {
  document.addEventListener(type, () => {
    if (model.view === 'card') armIdle();
  }, {passive: true, capture: true});
});

render();

// ---- talking to the agent ----------------------------------------------

// After each (re)connect: learn the devices, then show a card that is
// already on the reader.
async function sync() {
  try {
    const hello = await client.call('agent.hello', {});
    if (hello && hello.protocol !== PROTOCOL_VERSION) {
      console.warn('kiosk: agent speaks protocol', hello.protocol, 'this page', PROTOCOL_VERSION);
    }
    setDevices(hello && hello.devices);
  } catch (e) {
    if (e.reason === 'CONNECTION_LOST' || e.reason === 'CLIENT_CLOSED') return;
    await refreshDevices();
  }
  render();
  if (readerOK()) await readCurrent();
}

async function refreshDevices() {
  try {
    setDevices(await client.call('devices.list', {}));
  } catch (e) {
    // keep what we know
  }
}

function setDevices(list) {
  if (!Array.isArray(list)) return;
  model.devices.clear();
  for (const d of list) {
    if (d && d.id) model.devices.set(d.id, d);
  }
  model.devicesKnown = true;
}

async function readCurrent() {
  const epoch = model.epoch;
  try {
    const res = await client.call('idcard.read', {timeoutMs: 0});
    if (epoch === model.epoch && res && res.card) showCard(res.card);
  } catch (e) {
    if (epoch !== model.epoch) return;
    switch (e.reason) {
      case 'NO_CARD':
      case 'DEVICE_BUSY':
      case 'TIMEOUT':
      case 'CONNECTION_LOST': // the next connection reads again
      case 'CLIENT_CLOSED':
        break;
      case 'CARD_REPLACE':
      case 'CARD_READ_FAILED':
        showProblem(e.reason);
        break;
      case 'DEVICE_NOT_FOUND':
      case 'DEVICE_DISCONNECTED':
        await refreshDevices();
        render();
        break;
      default:
        console.warn('kiosk: idcard.read failed:', e.reason || e.message);
    }
  }
}

// ---- screens -----------------------------------------------------------

// readerStatus is 'ok' when an ID card reader is usable, 'busy' when the
// only reader is held by another program, else 'offline'.
function readerStatus() {
  if (!model.devicesKnown) return 'ok'; // no news is not bad news
  let status = 'offline';
  for (const d of model.devices.values()) {
    if (d.kind !== 'idcard') continue;
    if (d.state === 'connected') return 'ok';
    if (d.state === 'busy') status = 'busy';
  }
  return status;
}

function readerOK() {
  return readerStatus() === 'ok';
}

function render() {
  let state = model.view;
  if (model.conn !== 'open') {
    state = Date.now() - model.connLostAt < STARTING_MS && document.body.getAttribute('data-state') === 'starting'
      ? 'starting' : 'connecting';
  } else if (!readerOK()) {
    state = 'reader-offline';
  }
  document.body.setAttribute('data-state', state);

  if (state === 'connecting') {
    setPhrases(ui.statusText, ['正在连接服务…']);
    setText(ui.statusSub, Date.now() - model.connLostAt > SLOW_CONNECT_MS
      ? '如长时间没有反应，请联系工作人员' : '请稍候');
  } else if (state === 'reader-offline') {
    setPhrases(ui.statusText, [readerStatus() === 'busy' ? '读卡器暂时不能使用，' : '读卡器未连接，', '请联系工作人员']);
    setText(ui.statusSub, '暂时无法读取身份证');
  }
  ui.status.hidden = !(state === 'connecting' || state === 'reader-offline');
  ui.status.setAttribute('data-kind', state);
  for (const name of Object.keys(ui.views)) {
    ui.views[name].hidden = name !== state;
  }

  // Re-render while a time-dependent text may change.
  clearTimeout(renderTimer);
  renderTimer = null;
  if (state === 'starting') {
    renderTimer = setTimeout(render, STARTING_MS);
  } else if (state === 'connecting' && Date.now() - model.connLostAt <= SLOW_CONNECT_MS) {
    renderTimer = setTimeout(render, SLOW_CONNECT_MS + 100 - (Date.now() - model.connLostAt));
  }
}

function showProblem(reason) {
  clearCardDom();
  if (reason === 'CARD_READ_FAILED') {
    setText(ui.replaceText, '没有读取成功');
    setText(ui.replaceSub, '请将身份证拿起后重新放置');
  } else {
    setText(ui.replaceText, '请将身份证拿起后重新放置');
    setText(ui.replaceSub, '请平放，读卡时请勿移动');
  }
  model.view = 'replace';
  viewTimer = setTimeout(() => {
    viewTimer = null;
    if (model.view === 'replace') wipeCard('waiting');
  }, REPLACE_MS);
  render();
}

function showCard(card) {
  clearCardDom();
  buildCard(card);
  model.view = 'card';
  armIdle();
  render();
}

// Removes the card from the screen and from memory, then shows view.
function wipeCard(view) {
  clearCardDom();
  model.view = view;
  render();
}

function armIdle() {
  clearTimeout(viewTimer);
  viewTimer = setTimeout(() => {
    viewTimer = null;
    if (model.view === 'card') wipeCard('takecard');
  }, IDLE_MS);
}

function clearCardDom() {
  clearTimeout(viewTimer);
  viewTimer = null;
  while (ui.card.firstChild) ui.card.removeChild(ui.card.firstChild);
  if (photoURL) {
    URL.revokeObjectURL(photoURL);
    photoURL = null;
  }
}

// ---- the card ------------------------------------------------------------

function buildCard(card) {
  const type = String(card.type || '');
  const foreign = type.indexOf('foreign_permanent') === 0;
  const name = str(card.name);
  const nameEn = str(card.nameEn);

  ui.card.appendChild(photo(card.photo));

  const fields = h('div', {class: 'fields'});
  const nameLine = h('div', {class: 'name-line'});
  nameLine.appendChild(h('h2', {class: 'card-name', id: 'card-name', 'data-testid': 'card-name'}, name || nameEn));
  if (TYPE_LABELS[type]) nameLine.appendChild(h('p', {class: 'card-type', id: 'card-type'}, TYPE_LABELS[type]));
  fields.appendChild(nameLine);

  const rows = h('dl', {class: 'rows'});
  // value is a text, or the nodes of the dd; an empty one leaves the row out.
  const row = (label, id, value, cls) => {
    if (!value || !value.length) return;
    rows.appendChild(h('dt', {}, label));
    rows.appendChild(h('dd', {id, 'data-testid': id, class: cls || ''}, value));
  };
  if (name && nameEn) row('英文姓名', 'card-name-en', nameEn, 'latin');
  // 性别 and 民族 share a line, as on the card.
  const sexLine = [h('span', {id: 'card-sex', 'data-testid': 'card-sex'}, str(card.sex))];
  if (str(card.nation)) {
    sexLine.push(h('span', {class: 'inline-label'}, '民族'));
    sexLine.push(h('span', {id: 'card-nation', 'data-testid': 'card-nation'}, str(card.nation)));
  }
  row('性别', 'card-sex-line', sexLine);
  row('出生日期', 'card-birth', longDate(str(card.birthDate)));
  if (card.nationality) row('国籍', 'card-nationality', nationality(str(card.nationality)));
  row(foreign ? '证件号码' : '公民身份号码', 'card-id', maskIdNumber(str(card.idNumber)), 'idno');
  row('住址', 'card-address', str(card.address));
  row('追加住址', 'card-address2', str(card.appendedAddress));
  fields.appendChild(rows);
  ui.card.appendChild(fields);
}

function photo(p) {
  const box = h('div', {class: 'photo', id: 'card-photo', 'data-testid': 'card-photo'});
  const png = p && typeof p.png === 'string' ? p.png : '';
  const bytes = png ? base64Bytes(png) : null;
  if (!bytes) {
    box.appendChild(silhouette());
    return box;
  }
  photoURL = URL.createObjectURL(new Blob([bytes], {type: 'image/png'}));
  const img = h('img', {alt: '证件照片', draggable: 'false'});
  img.onerror = () => {
    // Never a broken image: fall back to the placeholder.
    if (img.parentNode) img.parentNode.replaceChild(silhouette(), img);
  };
  img.src = photoURL;
  box.appendChild(img);
  return box;
}

function silhouette() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 102 126');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', '无照片');
  svg.setAttribute('class', 'silhouette');
  svg.setAttribute('data-testid', 'photo-placeholder');
  const parts = [
    ['rect', {x: 0, y: 0, width: 102, height: 126, fill: '#E5E7EB'}],
    ['circle', {cx: 51, cy: 48, r: 21, fill: '#9CA3AF'}],
    ['path', {d: 'M12 126c2-26 18-42 39-42s37 16 39 42z', fill: '#9CA3AF'}],
  ];
  for (const [tag, attrs] of parts) {
    const el = document.createElementNS(ns, tag);
    for (const k of Object.keys(attrs)) el.setAttribute(k, String(attrs[k]));
    svg.appendChild(el);
  }
  return svg;
}

// ---- helpers ---------------------------------------------------------------

// h makes an element; content is its text, or an array of child nodes.
function h(tag, attrs, content) {
  const el = document.createElement(tag);
  for (const k of Object.keys(attrs)) {
    if (attrs[k] !== '') el.setAttribute(k, attrs[k]);
  }
  if (Array.isArray(content)) {
    for (const c of content) el.appendChild(c);
  } else if (content !== undefined) {
    el.textContent = content;
  }
  return el;
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// setPhrases sets el's text from phrases that a line break must not split:
// "读卡器未连接，" "请联系工作人员" breaks after the comma or not at all.
function setPhrases(el, phrases) {
  if (el.textContent === phrases.join('')) return;
  while (el.firstChild) el.removeChild(el.firstChild);
  for (const p of phrases) el.appendChild(h('span', {class: 'phrase'}, p));
}

function str(v) {
  return typeof v === 'string' ? v.trim() : '';
}

// "1956-03-14" → "1956年3月14日"; anything else is shown as it is.
function longDate(s) {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s);
  if (!m) return s;
  return m[1] + '年' + Number(m[2]) + '月' + Number(m[3]) + '日';
}

function nationality(code) {
  const zh = NATIONALITIES[code.toUpperCase()];
  return zh ? zh + '（' + code + '）' : code;
}

function base64Bytes(s) {
  try {
    const bin = atob(s.replace(/\s+/g, ''));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.length ? out : null;
  } catch (e) {
    return null;
  }
}

// The inactivity limit: 120 s, or shorter with ?idleMs=N (for tests; never longer).
function idleMs() {
  const m = /[?&]idleMs=(\d+)/.exec(location.search);
  const n = m ? Number(m[1]) : 0;
  return n >= 500 && n < 120000 ? n : 120000;
}
