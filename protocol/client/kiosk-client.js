// kiosk-client.js: the JavaScript client of the kiosk-agent WebSocket API
// (JSON-RPC 2.0, protocol "1").
//
// An ES module with no build step and no dependencies. It runs in Chromium
// and in the WebKitGTK webview of older kiosk systems (Kylin V10, UOS 20), so
// it keeps to ES2017 syntax: no class fields, no private #names, no ?. or ??.
//
//   import {KioskClient, maskIdNumber} from '/protocol/kiosk-client.js';
//   const kc = new KioskClient();               // ws://<page host>/ws
//   // A page of a paired origin: new KioskClient({url: 'ws://127.0.0.1:17321/ws', token});
//   kc.on('idcard.inserted', (p) => show(p.card));
//   kc.on('open', ({hello}) => console.log(hello.access));
//   kc.on('unauthorized', (e) => askForToken(e.message));
//   try {
//     const {card} = await kc.call('idcard.read', {timeoutMs: 0});
//   } catch (e) {
//     if (e.reason === 'NO_CARD') { ... }
//   }
//
// On every connection the client first sends agent.hello (with the token
// and client name of its options) and holds every other call until the
// agent has answered; client.hello is the last answer.
//
// Client-side failures are KioskError values with code 0 and one of the
// reasons CONNECTION_LOST, NOT_CONNECTED, REQUEST_TIMEOUT and CLIENT_CLOSED.
// Errors from the agent keep the agent's code, and their reason is
// error.data.reason (or a name for the standard JSON-RPC codes).
//
// The types are in kiosk-client.d.ts beside this file.

/** The protocol version this client is written against (agent.hello's "protocol"). */
export const PROTOCOL_VERSION = '1';

/**
 * Reasons of the errors that the client itself raises (error code 0).
 * @enum {string}
 */
export const ClientReason = Object.freeze({
  /** The connection closed while the request was on its way or waiting for its answer. */
  CONNECTION_LOST: 'CONNECTION_LOST',
  /** There is no connection and the client does not reconnect. */
  NOT_CONNECTED: 'NOT_CONNECTED',
  /** No answer came within the request's time-out. */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** close() was called. */
  CLIENT_CLOSED: 'CLIENT_CLOSED',
});

// Names for the standard JSON-RPC 2.0 error codes, used as the reason when the
// agent gives none.
const STANDARD_REASONS = {
  '-32700': 'PARSE_ERROR',
  '-32600': 'INVALID_REQUEST',
  '-32601': 'METHOD_NOT_FOUND',
  '-32602': 'INVALID_PARAMS',
  '-32603': 'INTERNAL_ERROR',
};

/**
 * The error with which a call's promise rejects.
 *
 * For an error answer of the agent, code and message are the JSON-RPC error's,
 * data is its data, and reason is data.reason (e.g. "NO_CARD"). For an error
 * of the client, code is 0 and reason is one of {@link ClientReason}.
 */
export class KioskError extends Error {
  /**
   * @param {string} message
   * @param {number} code JSON-RPC error code; 0 for an error of the client
   * @param {string} [reason] stable machine-readable reason
   * @param {any} [data] the error's data as the agent sent it
   */
  constructor(message, code, reason, data) {
    super(message);
    this.name = 'KioskError';
    /** @type {number} */
    this.code = code;
    /** @type {string|undefined} */
    this.reason = reason;
    /** @type {any} */
    this.data = data;
  }
}

/** The WebSocket close code with which the agent refuses a client for good (policy). */
export const CLOSE_POLICY = 1008;

/**
 * @typedef {object} KioskClientOptions
 * @property {string} [url] WebSocket URL; default ws(s)://<location.host>/ws
 * @property {string} [token] pairing token, sent with agent.hello on every connection
 * @property {string} [clientName] how the client introduces itself (agent.hello's client.name)
 * @property {string} [clientVersion] its version (agent.hello's client.version)
 * @property {boolean} [reconnect=true] reconnect after the connection closes (never after 1008)
 * @property {number} [minBackoffMs=500] first reconnect delay
 * @property {number} [maxBackoffMs=10000] cap of the reconnect delay
 * @property {number} [requestTimeoutMs=10000] default time-out of a call
 * @property {boolean} [autoConnect=true] connect in the constructor; otherwise call connect()
 * @property {typeof WebSocket} [WebSocket] WebSocket constructor to use (for tests)
 */

/**
 * @typedef {object} CallOptions
 * @property {number} [timeoutMs] time-out of this call in ms; 0 waits for ever.
 *   The default is requestTimeoutMs, plus params.timeoutMs when the params
 *   carry one (so that a client-side time-out never fires before the agent's).
 */

/**
 * @typedef {object} CloseInfo
 * @property {number} code WebSocket close code (1006 when the connection failed)
 * @property {string} reason
 * @property {boolean} wasClean
 */

/**
 * @typedef {object} OpenInfo
 * @property {boolean} reconnected false for the first connection
 * @property {object|null} hello agent.hello's result on this connection (null if it failed)
 */

/**
 * @typedef {object} ReconnectInfo
 * @property {number} attempt 1 for the first retry after a close
 * @property {number} delayMs how long the client waits before it connects again
 */

/**
 * @callback EventHandler
 * @param {any} params the notification's params, or the client event's info
 * @param {string} name the event name
 * @returns {void}
 */

/**
 * The URL of the agent's WebSocket on the host that served the page.
 * @returns {string}
 */
export function defaultUrl() {
  if (typeof location === 'undefined' || !location.host) {
    throw new Error('kiosk-client: no page location; pass {url}');
  }
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
}

/**
 * A JSON-RPC 2.0 client of the kiosk-agent over one WebSocket that
 * reconnects by itself.
 *
 * Events that on() takes: every notification of the agent by its method
 * name (e.g. "idcard.inserted", "device.changed"), "*" for all of them, and
 * the client's own events, whose names have no dot:
 * - "open" ({@link OpenInfo}) when a connection is up and agent.hello has
 *   answered;
 * - "unauthorized" ({@link KioskError}) when agent.hello refused the token
 *   (the calls held for it reject with the same error);
 * - "close" ({@link CloseInfo}) when it went down (not after close());
 * - "reconnecting" ({@link ReconnectInfo}) when a new attempt is scheduled;
 * - "rejected" ({@link CloseInfo}) when the agent closed the connection with
 *   1008 (policy: flooding, a removed pairing): the client does not
 *   reconnect by itself; connect() tries again.
 */
export class KioskClient {
  /** @param {KioskClientOptions} [options] */
  constructor(options) {
    const o = options || {};
    /** @type {string} */
    this.url = o.url || defaultUrl();
    this._token = typeof o.token === 'string' ? o.token : '';
    this._clientInfo = {name: typeof o.clientName === 'string' && o.clientName ? o.clientName : 'kiosk-client.js'};
    if (typeof o.clientVersion === 'string' && o.clientVersion) this._clientInfo.version = o.clientVersion;
    this._reconnect = o.reconnect !== false;
    this._minBackoff = positive(o.minBackoffMs, 500);
    this._maxBackoff = Math.max(this._minBackoff, positive(o.maxBackoffMs, 10000));
    this._requestTimeout = nonNegative(o.requestTimeoutMs, 10000);
    this._WS = o.WebSocket || (typeof WebSocket !== 'undefined' ? WebSocket : null);
    if (!this._WS) throw new Error('kiosk-client: no WebSocket implementation');

    /** @type {WebSocket|null} */
    this._ws = null;
    this._nextId = 1;
    /** Requests sent and not yet answered, by id. */
    this._pending = new Map();
    /** Requests waiting for a connection, in order. */
    this._queue = [];
    /** @type {Map<string, Set<EventHandler>>} */
    this._handlers = new Map();
    this._attempt = 0;
    this._timer = null;
    this._closed = false;
    this._everOpen = false;
    /** True once agent.hello has answered on the current connection. */
    this._ready = false;
    /** True after the agent refused the client with 1008, until connect(). */
    this._halted = false;
    /**
     * The result of agent.hello on the last connection ({protocol, version,
     * devices, access}), or null before the first answer.
     * @type {object|null}
     */
    this.hello = null;
    if (o.autoConnect !== false) this.connect();
  }

  /** True while the WebSocket is open. */
  get connected() {
    return !!this._ws && this._ws.readyState === 1;
  }

  /** True while connected and the agent has authorized this client. */
  get authorized() {
    return this.connected && this._ready && !!this.hello && !!this.hello.access && this.hello.access.authorized === true;
  }

  /**
   * Connects now, if not connected or connecting already. Cancels a scheduled
   * reconnect; after a 1008 close, tries again. Does nothing after close().
   */
  connect() {
    if (this._closed || this._ws) return;
    this._halted = false;
    if (this._timer) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    let ws;
    try {
      ws = new this._WS(this.url);
    } catch (e) {
      // A malformed URL throws at once; treat it as a failed connection.
      setTimeout(() => this._onClose(null, {code: 1006, reason: String(e), wasClean: false}), 0);
      return;
    }
    this._ws = ws;
    ws.onopen = () => this._onOpen(ws);
    ws.onmessage = (ev) => this._onMessage(ws, ev);
    ws.onclose = (ev) => this._onClose(ws, {code: ev.code, reason: ev.reason || '', wasClean: !!ev.wasClean});
    // onerror is always followed by onclose, which does the work.
    ws.onerror = () => {};
  }

  /**
   * Sends a request and resolves with its result.
   *
   * While the client is connecting, or waiting for agent.hello's answer, the
   * request waits (within its time-out). When the connection closes after the
   * request was sent, the promise rejects with reason CONNECTION_LOST: the
   * request may or may not have run. When the agent refuses the token, the
   * waiting requests reject with its UNAUTHORIZED error.
   *
   * @param {string} method e.g. "idcard.read"
   * @param {object} [params]
   * @param {CallOptions} [options]
   * @returns {Promise<any>} the result; rejects with a {@link KioskError}
   */
  call(method, params, options) {
    const opts = options || {};
    return new Promise((resolve, reject) => {
      if (this._closed) {
        reject(clientError(ClientReason.CLIENT_CLOSED, 'the client is closed'));
        return;
      }
      if (!this._ws && (!this._reconnect || this._halted)) {
        reject(clientError(ClientReason.NOT_CONNECTED, 'not connected to the agent'));
        return;
      }
      const id = this._nextId++;
      const req = {id, method, resolve, reject, timer: null,
        frame: JSON.stringify({jsonrpc: '2.0', id, method, params: params === undefined ? {} : params})};
      let timeout = this._requestTimeout;
      if (typeof opts.timeoutMs === 'number') {
        timeout = opts.timeoutMs;
      } else if (params && typeof params.timeoutMs === 'number' && params.timeoutMs > 0 && timeout > 0) {
        timeout += params.timeoutMs;
      }
      if (timeout > 0) {
        req.timer = setTimeout(() => {
          this._forget(req);
          reject(clientError(ClientReason.REQUEST_TIMEOUT, method + ': no answer within ' + timeout + ' ms'));
        }, timeout);
      }
      if (this.connected && this._ready) {
        this._send(req);
      } else {
        this._queue.push(req);
      }
    });
  }

  /**
   * Adds a handler for a notification of the agent or an event of the client.
   * A handler that throws does not stop the others.
   *
   * @param {string} name e.g. "idcard.inserted", "*", "open", "close", "reconnecting",
   *   "unauthorized", "rejected"
   * @param {EventHandler} handler
   * @returns {() => void} a function that removes the handler
   */
  on(name, handler) {
    let set = this._handlers.get(name);
    if (!set) {
      set = new Set();
      this._handlers.set(name, set);
    }
    set.add(handler);
    return () => {
      const s = this._handlers.get(name);
      if (s) s.delete(handler);
    };
  }

  /**
   * Closes the connection for good: no reconnect, and every call that has
   * not been answered rejects with reason CLIENT_CLOSED.
   */
  close() {
    if (this._closed) return;
    this._closed = true;
    if (this._timer) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    const ws = this._ws;
    this._ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, 'client closed');
      } catch (e) { /* already closed */ }
    }
    this._rejectAll(ClientReason.CLIENT_CLOSED, 'the client is closed', true);
  }

  // The back-off before reconnect attempt n (1-based): exponential from
  // minBackoffMs, capped at maxBackoffMs, with jitter in [base/2, base] so that
  // many kiosks restarted together do not reconnect in step.
  _backoff(n) {
    const base = Math.min(this._maxBackoff, this._minBackoff * Math.pow(2, Math.min(n - 1, 30)));
    return Math.round(base / 2 + Math.random() * base / 2);
  }

  // A connection is up: agent.hello goes first, and the calls wait for its
  // answer.
  _onOpen(ws) {
    if (ws !== this._ws) return;
    const reconnected = this._everOpen;
    this._everOpen = true;
    this._attempt = 0;
    this._ready = false;
    const params = {client: this._clientInfo};
    if (this._token) params.token = this._token;
    const id = this._nextId++;
    const timeout = this._requestTimeout;
    const req = {id, method: 'agent.hello', timer: null,
      frame: JSON.stringify({jsonrpc: '2.0', id, method: 'agent.hello', params})};
    req.resolve = (hello) => this._helloDone(ws, reconnected, hello, null);
    req.reject = (err) => this._helloDone(ws, reconnected, null, err);
    if (timeout > 0) {
      req.timer = setTimeout(() => {
        this._forget(req);
        req.reject(clientError(ClientReason.REQUEST_TIMEOUT, 'agent.hello: no answer within ' + timeout + ' ms'));
      }, timeout);
    }
    this._send(req);
  }

  // agent.hello answered (or failed) on ws: release the held calls, or, when
  // the token was refused, reject them with that error.
  _helloDone(ws, reconnected, hello, err) {
    if (ws !== this._ws || this._closed) return;
    if (err && err.code === 0 && err.reason === ClientReason.CONNECTION_LOST) return; // _onClose deals with it
    this._ready = true;
    this.hello = hello || null;
    const queued = this._queue;
    this._queue = [];
    if (err && err.reason === 'UNAUTHORIZED') {
      for (const req of queued) {
        this._forget(req);
        req.reject(err);
      }
      this._emit('unauthorized', err);
    } else {
      // Any other failure (an old agent, a time-out) does not hold the calls
      // back: the agent answers each as it can.
      for (const req of queued) this._send(req);
    }
    this._emit('open', {reconnected, hello: this.hello});
  }

  _onClose(ws, info) {
    if (ws !== this._ws || this._closed) return;
    this._ws = null;
    this._ready = false;
    const refused = info.code === CLOSE_POLICY;
    if (refused) this._halted = true;
    const final = !this._reconnect || refused;
    let message = 'the connection to the agent was lost';
    if (info.code && info.code !== 1006) message += ' (' + info.code + (info.reason ? ' ' + info.reason : '') + ')';
    this._rejectAll(ClientReason.CONNECTION_LOST, message, final);
    this._emit('close', info);
    if (refused) {
      this._emit('rejected', info);
      return;
    }
    if (!this._reconnect) return;
    this._attempt++;
    const delayMs = this._backoff(this._attempt);
    this._timer = setTimeout(() => {
      this._timer = null;
      this.connect();
    }, delayMs);
    this._emit('reconnecting', {attempt: this._attempt, delayMs});
  }

  _onMessage(ws, ev) {
    if (ws !== this._ws) return;
    let msg;
    try {
      msg = JSON.parse(typeof ev.data === 'string' ? ev.data : '');
    } catch (e) {
      console.warn('kiosk-client: ignoring a frame that is not JSON');
      return;
    }
    const list = Array.isArray(msg) ? msg : [msg];
    for (const m of list) this._dispatch(m);
  }

  _dispatch(m) {
    if (!m || typeof m !== 'object') return;
    const hasId = m.id !== undefined && m.id !== null;
    if (typeof m.method === 'string' && !hasId) {
      this._emit(m.method, m.params);
      this._emit('*', m.params, m.method);
      return;
    }
    if (!hasId) return; // e.g. an error answer to a frame the agent could not parse
    const req = this._pending.get(m.id);
    if (!req) return; // timed out already, or not ours
    this._forget(req);
    if (m.error && typeof m.error === 'object') {
      const e = m.error;
      const data = e.data;
      const reason = data && typeof data.reason === 'string' ? data.reason : STANDARD_REASONS[String(e.code)];
      req.reject(new KioskError(String(e.message || 'error'), typeof e.code === 'number' ? e.code : -32603, reason, data));
    } else {
      req.resolve(m.result);
    }
  }

  _send(req) {
    this._pending.set(req.id, req);
    try {
      if (!this._ws) throw new Error('no connection');
      this._ws.send(req.frame);
    } catch (e) {
      this._forget(req);
      req.reject(clientError(ClientReason.CONNECTION_LOST, 'could not send: ' + e));
    }
  }

  _forget(req) {
    if (req.timer) clearTimeout(req.timer);
    req.timer = null;
    this._pending.delete(req.id);
    const i = this._queue.indexOf(req);
    if (i >= 0) this._queue.splice(i, 1);
  }

  // Rejects the requests that were sent (agent.hello's among them); the
  // queued ones too when withQueue, else they wait for the next connection
  // within their time-out.
  _rejectAll(reason, message, withQueue) {
    const reqs = Array.from(this._pending.values());
    if (withQueue) reqs.push.apply(reqs, this._queue);
    for (const req of reqs) {
      this._forget(req);
      req.reject(clientError(reason, req.method + ': ' + message));
    }
  }

  _emit(name, params, method) {
    const set = this._handlers.get(name);
    if (!set) return;
    for (const h of Array.from(set)) {
      try {
        h(params, method || name);
      } catch (e) {
        console.error('kiosk-client: handler for ' + name + ' failed:', e);
      }
    }
  }
}

/**
 * Masks an ID number for display: keeps the first 6 and the last 4
 * characters and puts '*' for each one between, so "370481195603144828"
 * becomes "370481********4828". A number of 10 characters or fewer keeps only
 * its last 4, and one of 4 or fewer is masked whole. Control and format
 * characters among the kept ones become U+FFFD. Same rule as the agent's
 * idnumber.Mask.
 *
 * @param {string} id
 * @returns {string}
 */
export function maskIdNumber(id) {
  if (typeof id !== 'string') return '';
  const chars = Array.from(id);
  const n = chars.length;
  let head = 6;
  let tail = 4;
  if (n <= tail) {
    head = 0;
    tail = 0;
  } else if (n <= head + tail) {
    head = 0;
  }
  let out = '';
  for (let i = 0; i < n; i++) {
    if (i >= head && i < n - tail) {
      out += '*';
    } else if (/[\u0000-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/.test(chars[i])) {
      out += '\ufffd';
    } else {
      out += chars[i];
    }
  }
  return out;
}

function clientError(reason, message) {
  return new KioskError(message, 0, reason, {reason});
}

function positive(v, def) {
  return typeof v === 'number' && v > 0 ? v : def;
}

function nonNegative(v, def) {
  return typeof v === 'number' && v >= 0 ? v : def;
}
