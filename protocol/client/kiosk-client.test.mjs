// Behaviour checks of kiosk-client.js against a scripted fake WebSocket,
// run by protocol/client_test.go as `node kiosk-client.test.mjs`. It prints
// one line per failure and exits 1 if there is any. (The same client against
// the real agent is checked in a browser by agent/e2e.)
import {KioskClient, KioskError, CLOSE_POLICY} from './kiosk-client.js';

const failures = [];
const check = (cond, what) => { if (!cond) failures.push(what); };
const eq = (got, want, what) => {
  const g = JSON.stringify(got);
  const w = JSON.stringify(want);
  if (g !== w) failures.push(what + ': got ' + g + ', want ' + w);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(pred, what) {
  for (const end = Date.now() + 2000; Date.now() < end; await sleep(5)) {
    if (pred()) return true;
  }
  failures.push('timed out waiting for ' + what);
  return false;
}
async function rejection(p, what) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  failures.push(what + ': resolved, want a rejection');
  return {};
}

// A fake agent: each new socket opens at once; serve(ws, msg) answers.
function fakeAgent(serve) {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      sockets.push(this);
      setTimeout(() => {
        if (this.readyState !== 0) return;
        this.readyState = 1;
        if (this.onopen) this.onopen();
      }, 1);
    }
    send(data) {
      if (this.readyState !== 1) throw new Error('not open');
      const msg = JSON.parse(data);
      this.sent.push(msg);
      setTimeout(() => serve(this, msg), 0);
    }
    close(code, reason) {
      this.drop(code || 1000, reason || '');
    }
    // The agent's side.
    reply(msg, result) {
      this.push({jsonrpc: '2.0', id: msg.id, result});
    }
    fail(msg, code, message, reason) {
      this.push({jsonrpc: '2.0', id: msg.id, error: {code, message, data: reason ? {reason} : undefined}});
    }
    push(obj) {
      if (this.readyState === 1 && this.onmessage) this.onmessage({data: JSON.stringify(obj)});
    }
    drop(code, reason) {
      if (this.readyState === 3) return;
      this.readyState = 3;
      setTimeout(() => {
        if (this.onclose) this.onclose({code, reason, wasClean: code !== 1006});
      }, 0);
    }
  }
  return {sockets, WebSocket: FakeWebSocket};
}

const HELLO = {protocol: '1', version: 'test', devices: [],
  access: {kind: 'paired', origin: 'https://counter.example', authorized: true, fields: ['name']}};

function recorder(kc, names) {
  const events = [];
  for (const n of names) kc.on(n, (p) => events.push([n, p]));
  return events;
}

// 1. agent.hello goes first, with the token and the client's name, and the
// other calls wait for its answer.
{
  let helloAnswered = false;
  const agent = fakeAgent((ws, msg) => {
    if (msg.method === 'agent.hello') {
      setTimeout(() => { helloAnswered = true; ws.reply(msg, HELLO); }, 30);
    } else {
      check(helloAnswered, 'a call was sent before agent.hello answered: ' + msg.method);
      ws.reply(msg, []);
    }
  });
  const kc = new KioskClient({url: 'ws://agent/ws', token: 'tok-1', clientName: 'counter', clientVersion: '2.1', WebSocket: agent.WebSocket});
  const events = recorder(kc, ['open', 'unauthorized']);
  eq(kc.hello, null, 'hello before the first answer');
  const early = kc.call('devices.list'); // before the socket is open
  await waitFor(() => agent.sockets[0].sent.length === 1, 'agent.hello sent');
  const meanwhile = kc.call('health.get'); // open, hello not answered yet
  eq(await early, [], 'devices.list result');
  eq(await meanwhile, [], 'health.get result');
  const first = agent.sockets[0].sent[0];
  eq(first.method, 'agent.hello', 'the first message');
  eq(first.params, {client: {name: 'counter', version: '2.1'}, token: 'tok-1'}, 'agent.hello params');
  eq(kc.hello, HELLO, 'client.hello');
  eq(kc.authorized, true, 'authorized');
  eq(events.map((e) => e[0]), ['open'], 'events');
  eq(events[0][1], {reconnected: false, hello: HELLO}, 'open info');
  kc.close();
}

// 2. A refused token rejects the held calls with the agent's UNAUTHORIZED
// error and emits "unauthorized"; nothing else is sent.
{
  const agent = fakeAgent((ws, msg) => {
    if (msg.method === 'agent.hello') ws.fail(msg, -32009, 'this token is not paired with this page', 'UNAUTHORIZED');
    else ws.fail(msg, -32009, 'present the pairing token first', 'UNAUTHORIZED');
  });
  const kc = new KioskClient({url: 'ws://agent/ws', token: 'wrong', WebSocket: agent.WebSocket});
  const events = recorder(kc, ['unauthorized', 'open']);
  const e = await rejection(kc.call('idcard.read', {timeoutMs: 0}), 'a call held for a refused hello');
  check(e instanceof KioskError, 'the error is a KioskError');
  eq([e.code, e.reason], [-32009, 'UNAUTHORIZED'], 'the held call error');
  eq(events.map((x) => x[0]), ['unauthorized', 'open'], 'events of a refused token');
  check(events[0][1] === e, 'the unauthorized event carries the same error');
  eq(agent.sockets[0].sent.map((m) => m.method), ['agent.hello'], 'messages sent');
  eq(kc.authorized, false, 'authorized after a refused token');
  kc.close();
}

// 3. A close rejects the calls in flight with CONNECTION_LOST, says its code
// and reason, and the client reconnects and says hello again.
{
  const agent = fakeAgent((ws, msg) => {
    if (msg.method === 'agent.hello') ws.reply(msg, HELLO);
    // idcard.read is never answered.
  });
  const kc = new KioskClient({url: 'ws://agent/ws', token: 'tok-3', minBackoffMs: 5, maxBackoffMs: 10, WebSocket: agent.WebSocket});
  const events = recorder(kc, ['open', 'close', 'reconnecting', 'rejected']);
  await waitFor(() => kc.authorized, 'the first hello');
  const inFlight = kc.call('idcard.read', {timeoutMs: 5000});
  await waitFor(() => agent.sockets[0].sent.length === 2, 'idcard.read sent');
  agent.sockets[0].drop(1001, 'agent stopping');
  const e = await rejection(inFlight, 'a call in flight at a close');
  eq([e.code, e.reason], [0, 'CONNECTION_LOST'], 'the in-flight call error');
  check(/1001 agent stopping/.test(e.message), 'the error message names the close: ' + e.message);
  await waitFor(() => events.filter((x) => x[0] === 'open').length === 2, 'the reconnect');
  eq(events.map((x) => x[0]), ['open', 'close', 'reconnecting', 'open'], 'events of a reconnect');
  eq(events[1][1], {code: 1001, reason: 'agent stopping', wasClean: true}, 'close info');
  eq(agent.sockets.length, 2, 'sockets');
  eq(agent.sockets[1].sent[0].method, 'agent.hello', 'the first message after the reconnect');
  eq(agent.sockets[1].sent[0].params.token, 'tok-3', 'the token after the reconnect');
  eq(events[3][1].reconnected, true, 'open after the reconnect says so');
  kc.close();
}

// 4. After 1008 the client does not reconnect: it emits "rejected", every
// call rejects, and only connect() tries again.
{
  const agent = fakeAgent((ws, msg) => {
    if (msg.method === 'agent.hello') ws.reply(msg, HELLO);
  });
  const kc = new KioskClient({url: 'ws://agent/ws', minBackoffMs: 5, maxBackoffMs: 10, WebSocket: agent.WebSocket});
  const events = recorder(kc, ['close', 'rejected', 'reconnecting']);
  await waitFor(() => kc.authorized, 'hello');
  const inFlight = kc.call('devices.list');
  agent.sockets[0].drop(CLOSE_POLICY, 'pairing removed');
  const e = await rejection(inFlight, 'a call in flight at 1008');
  eq(e.reason, 'CONNECTION_LOST', 'the in-flight call error at 1008');
  await sleep(60);
  eq(events.map((x) => x[0]), ['close', 'rejected'], 'events of a 1008');
  eq(events[1][1].code, 1008, 'rejected info');
  eq(agent.sockets.length, 1, 'sockets after 1008 (no reconnect)');
  const late = await rejection(kc.call('devices.list'), 'a call after 1008');
  eq(late.reason, 'NOT_CONNECTED', 'a call after 1008');
  kc.connect();
  await waitFor(() => kc.authorized, 'hello after connect()');
  eq(agent.sockets.length, 2, 'sockets after connect()');
  kc.close();
}

// 5. Calls waiting for a connection that closes with 1008 before hello are
// rejected too, and close() rejects what is left with CLIENT_CLOSED.
{
  const agent = fakeAgent((ws, msg) => {
    if (msg.method === 'agent.hello') ws.drop(CLOSE_POLICY, 'too many calls');
  });
  const kc = new KioskClient({url: 'ws://agent/ws', WebSocket: agent.WebSocket});
  const e = await rejection(kc.call('health.get'), 'a held call at 1008');
  eq(e.reason, 'CONNECTION_LOST', 'a held call at 1008');
  kc.close();
  const agent2 = fakeAgent(() => {});
  const kc2 = new KioskClient({url: 'ws://agent/ws', WebSocket: agent2.WebSocket});
  const held = kc2.call('devices.list');
  await sleep(10);
  kc2.close();
  eq((await rejection(held, 'a held call at close()')).reason, 'CLIENT_CLOSED', 'a held call at close()');
}

for (const f of failures) console.log('FAIL ' + f);
console.log(failures.length ? failures.length + ' failed' : 'ok');
process.exit(failures.length ? 1 : 0);
