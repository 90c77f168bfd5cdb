// Type checks of kiosk-client.d.ts, compiled (never run) by
// protocol/client_test.go with tsc --strict: the declarations are coherent
// and describe the protocol's messages the way a page uses them.
import {
  CLOSE_POLICY,
  ClientReason,
  KioskClient,
  KioskError,
  PROTOCOL_VERSION,
  defaultUrl,
  maskIdNumber,
  type Card,
  type Device,
  type Hello,
  type HealthReport,
  type Reason,
} from './kiosk-client.js';

const kc = new KioskClient({ url: 'ws://127.0.0.1:17321/ws', token: 't', clientName: 'types-check', reconnect: true });

async function use(): Promise<void> {
  const hello: Hello = await kc.call('agent.hello', { token: 'x', client: { name: 'n', version: '1' } });
  const proto: '1' = hello.protocol;
  const authorized: boolean = hello.access.authorized;
  const devices: Device[] = await kc.call('devices.list');
  const report: HealthReport = await kc.call('health.get', {});
  const { card } = await kc.call('idcard.read', { timeoutMs: 0, fingerprint: false, purpose: '低保申请' });
  const name: string | undefined = card.name;
  await kc.call('sim.idcard.place', { sample: 0 });
  await kc.call('sim.idcard.remove');
  const sub = await kc.call('application.submit', {
    idempotencyKey: 'k3j5m2q8x7c4v9b1n6a0s2d4f8',
    application: { applicant: { name: '王秀英', idNumber: '370481195603144828' }, items: ['dibao', 'yiliao'], relatedToStaff: false },
  });
  const appId: string = sub.applicationId;
  const queued: boolean = sub.queued;
  const backlog: number = (await kc.call('outbox.status')).pending;
  void [appId, queued, backlog];
  const other: unknown = await kc.call('future.method', { any: 1 });
  void [proto, authorized, devices, report, name, other];
  try {
    await kc.call('idcard.read', { timeoutMs: 1000 }, { timeoutMs: 2000 });
  } catch (e) {
    if (e instanceof KioskError && e.reason === 'NO_CARD') {
      const code: number = e.code;
      void code;
    }
  }
}

kc.on('idcard.inserted', (p) => {
  const c: Card = p.card;
  void maskIdNumber(c.idNumberMasked);
});
kc.on('idcard.removed', (p, name) => void [p, name]);
kc.on('idcard.error', (p) => {
  const r: Reason = p.reason;
  void r;
});
kc.on('device.changed', (p) => void p.device.health.severity);
kc.on('health.changed', (p) => void p.check.code);
kc.on('outbox.changed', (p) => void [p.pending, p.failing, p.oldestAgeS, p.applications]);
kc.on('open', (info) => void (info.hello && info.hello.access.fields));
kc.on('close', (info) => void [info.code, info.reason]);
kc.on('reconnecting', (info) => void info.delayMs);
kc.on('unauthorized', (e) => void e.message);
kc.on('rejected', (info) => void (info.code === CLOSE_POLICY));
kc.on('*', (p, name) => void [p, name]);
const off = kc.on('anything', (p: unknown, name: string) => void [p, name]);
off();

const reasons: string[] = [ClientReason.CONNECTION_LOST, ClientReason.NOT_CONNECTED, ClientReason.REQUEST_TIMEOUT, ClientReason.CLIENT_CLOSED];
const v: '1' = PROTOCOL_VERSION;
const last: Hello | null = kc.hello;
void [use, reasons, v, last, kc.connected, kc.authorized, defaultUrl];
kc.close();

// @ts-expect-error: idcard.read's timeoutMs is a number
void kc.call('idcard.read', { timeoutMs: 'soon' });
// @ts-expect-error: agent.hello takes no such field
void kc.call('agent.hello', { tokn: 'x' });
// @ts-expect-error: an application names its items by code
void kc.call('application.submit', { idempotencyKey: 'k', application: { applicant: { name: 'n', idNumber: 'x' }, items: ['低保'], relatedToStaff: false } });
