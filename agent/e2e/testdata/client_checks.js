// Checks of protocol/client/kiosk-client.js against the real agent, run in
// the browser by TestClientModule. The expression evaluates to a promise of
// the list of failures (empty when all pass).
(async () => {
  const fails = [];
  const check = (cond, what) => { if (!cond) fails.push(what); };
  const eq = (got, want, what) => {
    if (got !== want) fails.push(what + ': got ' + JSON.stringify(got) + ', want ' + JSON.stringify(want));
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const waitFor = async (pred, what) => {
    for (const end = Date.now() + 3000; Date.now() < end; await sleep(10)) {
      if (pred()) return true;
    }
    fails.push('timed out waiting for ' + what);
    return false;
  };
  // rejection returns the error a promise rejects with, or records a failure.
  const rejection = async (p, what) => {
    try {
      await p;
      fails.push(what + ': resolved, want a rejection');
    } catch (e) {
      return e;
    }
    return {};
  };

  const m = await import('/protocol/kiosk-client.js');
  const {KioskClient, KioskError, maskIdNumber, PROTOCOL_VERSION} = m;

  // maskIdNumber: the same rule as the agent's idnumber.Mask.
  eq(maskIdNumber('370481195603144828'), '370481********4828', 'mask 18');
  eq(maskIdNumber('37048119560314482X'), '370481********482X', 'mask 18 with X');
  eq(maskIdNumber('USA310085041211'), 'USA310*****1211', 'mask 15');
  eq(maskIdNumber('1234567890'), '******7890', 'mask 10');
  eq(maskIdNumber('12345'), '*2345', 'mask 5');
  eq(maskIdNumber('1234'), '****', 'mask 4');
  eq(maskIdNumber(''), '', 'mask empty');
  eq(maskIdNumber(null), '', 'mask null');
  eq(maskIdNumber('\u202e70481195603144828'), '\ufffd70481********4828', 'mask bidi override');

  // Back-off: exponential from min, capped at max, jittered into [base/2, base].
  const b = new KioskClient({url: 'ws://127.0.0.1:9/ws', autoConnect: false, minBackoffMs: 100, maxBackoffMs: 1000});
  for (let n = 1; n <= 12; n++) {
    const base = Math.min(1000, 100 * Math.pow(2, n - 1));
    for (let i = 0; i < 20; i++) {
      const d = b._backoff(n);
      if (d < base / 2 || d > base) fails.push('backoff(' + n + ') = ' + d + ', want [' + base / 2 + ', ' + base + ']');
    }
  }
  b.close();

  const kc = new KioskClient({requestTimeoutMs: 3000, minBackoffMs: 50, maxBackoffMs: 200});
  eq(kc.url, 'ws://' + location.host + '/ws', 'default url');
  const events = [];
  kc.on('open', (p) => events.push('open:' + p.reconnected));
  kc.on('close', () => events.push('close'));
  kc.on('reconnecting', (p) => events.push('reconnecting:' + p.attempt));

  // A call made before the socket is open waits for it.
  eq(kc.connected, false, 'connected before open');
  const hello = await kc.call('agent.hello');
  eq(hello.protocol, PROTOCOL_VERSION, 'hello.protocol');
  check(Array.isArray(hello.devices) && hello.devices.some((d) => d.kind === 'idcard'), 'hello lists the reader');
  eq(kc.connected, true, 'connected after hello');
  eq(events.join(), 'open:false', 'events after the first open');

  // Error answers reject with a KioskError that carries the reason.
  await kc.call('sim.idcard.remove');
  let e = await rejection(kc.call('idcard.read', {timeoutMs: 0}), 'idcard.read with no card');
  check(e instanceof KioskError, 'the error is a KioskError');
  eq(e.reason, 'NO_CARD', 'NO_CARD reason');
  eq(e.code, -32001, 'NO_CARD code');
  eq(e.data && e.data.reason, 'NO_CARD', 'NO_CARD data.reason');
  e = await rejection(kc.call('no.such.method'), 'an unknown method');
  eq(e.reason, 'METHOD_NOT_FOUND', 'unknown method reason');
  eq(e.code, -32601, 'unknown method code');
  e = await rejection(kc.call('idcard.read', {timeoutMs: -1}), 'a negative timeout');
  eq(e.reason, 'BAD_PARAMS', 'bad params reason');

  // Notifications reach their handlers and "*"; unsubscribing works.
  const inserted = [];
  const all = [];
  const off = kc.on('idcard.inserted', (p, name) => inserted.push(name + ' ' + p.card.name));
  kc.on('*', (p, name) => all.push(name));
  kc.on('idcard.removed', () => { throw new Error('a failing handler (expected in this test)'); });
  await kc.call('sim.idcard.place', {});
  await waitFor(() => inserted.length === 1, 'idcard.inserted');
  eq(inserted[0], 'idcard.inserted 王秀英', 'the inserted event');
  const read = await kc.call('idcard.read', {timeoutMs: 0});
  eq(read.card.idNumber, '370481195603144828', 'idcard.read result');
  off();
  await kc.call('sim.idcard.remove');
  await waitFor(() => all.indexOf('idcard.removed') >= 0, 'idcard.removed after a handler threw');
  await kc.call('sim.idcard.place', {sample: 1});
  await waitFor(() => all.filter((n) => n === 'idcard.inserted').length === 2, 'the second idcard.inserted');
  eq(inserted.length, 1, 'handler calls after unsubscribing + 1');
  await kc.call('sim.idcard.remove');

  // The client's own time-out.
  e = await rejection(kc.call('idcard.read', {timeoutMs: 5000}, {timeoutMs: 100}), 'a call that times out');
  eq(e.reason, 'REQUEST_TIMEOUT', 'time-out reason');
  eq(e.code, 0, 'time-out code');

  // A lost connection rejects the calls in flight, and the client reconnects.
  const inFlight = kc.call('idcard.read', {timeoutMs: 5000});
  kc._ws.close();
  e = await rejection(inFlight, 'a call in flight when the connection went down');
  eq(e.reason, 'CONNECTION_LOST', 'lost connection reason');
  await waitFor(() => events.indexOf('open:true') >= 0, 'the reconnect');
  eq(events.join(), 'open:false,close,reconnecting:1,open:true', 'events of a reconnect');
  eq((await kc.call('agent.hello')).protocol, '1', 'hello after the reconnect');

  // close() ends it for good.
  kc.close();
  e = await rejection(kc.call('agent.hello'), 'a call after close()');
  eq(e.reason, 'CLIENT_CLOSED', 'closed reason');
  eq(kc.connected, false, 'connected after close');

  // Without an agent: calls wait for a connection within their time-out,
  // and the attempts back off.
  const dead = new KioskClient({url: 'ws://127.0.0.1:9/ws', requestTimeoutMs: 400, minBackoffMs: 20, maxBackoffMs: 80});
  const tries = [];
  dead.on('reconnecting', (p) => tries.push(p));
  e = await rejection(dead.call('agent.hello'), 'a call with no agent');
  eq(e.reason, 'REQUEST_TIMEOUT', 'no agent reason');
  check(tries.length >= 2 && tries[1].attempt === 2, 'reconnect attempts: ' + JSON.stringify(tries));
  check(tries.every((t) => t.delayMs >= 10 && t.delayMs <= 80), 'reconnect delays: ' + JSON.stringify(tries));
  dead.close();
  const nTries = tries.length;
  await sleep(150);
  eq(tries.length, nTries, 'reconnect attempts after close()');

  // No reconnect: a call with no connection fails at once.
  const once = new KioskClient({url: 'ws://127.0.0.1:9/ws', reconnect: false});
  await sleep(100);
  e = await rejection(once.call('agent.hello'), 'a call on a closed client that does not reconnect');
  eq(e.reason, 'NOT_CONNECTED', 'no reconnect reason');
  once.close();

  return fails;
})()
