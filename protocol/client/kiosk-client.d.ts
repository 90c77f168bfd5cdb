// Types of kiosk-client.js, the JavaScript client of the kiosk-agent
// WebSocket API (JSON-RPC 2.0, protocol "1"). The messages follow
// protocol/schema/protocol.schema.json; docs/protocol.md describes them.
// A Go test (protocol/client_test.go) checks that every method, event and
// reason of package protocol is named here.

/** The protocol version this client is written against (agent.hello's "protocol"). */
export const PROTOCOL_VERSION: '1';

/** The WebSocket close code with which the agent refuses a client for good (policy). */
export const CLOSE_POLICY: 1008;

/** Reasons of the errors that the client itself raises (error code 0). */
export const ClientReason: Readonly<{
  CONNECTION_LOST: 'CONNECTION_LOST';
  NOT_CONNECTED: 'NOT_CONNECTED';
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT';
  CLIENT_CLOSED: 'CLIENT_CLOSED';
}>;

/** A reason of an error raised by the client itself. */
export type ClientReasonName = 'CONNECTION_LOST' | 'NOT_CONNECTED' | 'REQUEST_TIMEOUT' | 'CLIENT_CLOSED';

/** The stable reason of an application error of the agent (error.data.reason). */
export type Reason =
  | 'NO_CARD'
  | 'TIMEOUT'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_DISCONNECTED'
  | 'DEVICE_BUSY'
  | 'CARD_READ_FAILED'
  | 'CARD_REPLACE'
  | 'BAD_PARAMS'
  | 'NOT_SIMULATED'
  | 'UNAUTHORIZED'
  | 'RATE_LIMITED'
  | 'PAPER_OUT'
  | 'COVER_OPEN'
  | 'PRINTER_OFFLINE'
  | 'CUTTER_ERROR'
  | 'NO_SUCH_JOB'
  | 'CANCELLED'
  | 'EMPTY_SIGNATURE'
  | 'NO_CAPTURE'
  | 'DEVICE_ERROR'
  | 'NO_SESSION'
  | 'NOT_READY'
  | 'BAD_APPLICATION'
  | 'IDEMPOTENCY_CONFLICT'
  | 'NOT_SAVED';

/** The names the client gives the standard JSON-RPC errors that carry no reason. */
export type StandardReason = 'PARSE_ERROR' | 'INVALID_REQUEST' | 'METHOD_NOT_FOUND' | 'INVALID_PARAMS' | 'INTERNAL_ERROR';

/** The data member of an error of the agent. */
export interface ErrorData {
  reason: Reason;
  /** The offending parameter, for BAD_PARAMS. */
  field?: string;
}

/**
 * The error with which a call's promise rejects: an error answer of the
 * agent (its code, message and data; reason = data.reason) or an error of
 * the client (code 0, reason one of ClientReason).
 */
export class KioskError extends Error {
  constructor(message: string, code: number, reason?: string, data?: unknown);
  name: 'KioskError';
  /** JSON-RPC error code; 0 for an error of the client. */
  code: number;
  reason: Reason | ClientReasonName | StandardReason | string | undefined;
  data: ErrorData | { reason: ClientReasonName } | unknown;
}

/** An empty object: the params or result of methods and events that carry nothing. */
export type Empty = Record<string, never>;

// --- The protocol's objects ---

/** How a client introduces itself. */
export interface ClientInfo {
  name?: string;
  version?: string;
}

/** Params of agent.hello. */
export interface HelloParams {
  /** The pairing token of a paired page, or of a native client that needs one. */
  token?: string;
  client?: ClientInfo;
}

/** How the client was admitted. */
export type AccessKind = 'own' | 'paired' | 'native' | 'none';

/** A card field name, as a pairing's field policy names it. */
export type CardField =
  | 'type'
  | 'name'
  | 'nameEn'
  | 'sex'
  | 'nation'
  | 'birthDate'
  | 'address'
  | 'idNumber'
  | 'idNumberMasked'
  | 'issuer'
  | 'validFrom'
  | 'validUntil'
  | 'nationality'
  | 'passNumber'
  | 'issueCount'
  | 'cardVersion'
  | 'issuerCode'
  | 'appendedAddress'
  | 'birthplace'
  | 'photo'
  | 'fingerprint'
  | 'incomplete';

/** What the connection may do and see. */
export interface Access {
  kind: AccessKind;
  /** The page's origin; "" for a native client. */
  origin: string;
  /** The client may call methods and receives events. */
  authorized: boolean;
  /** The card fields it receives. */
  fields: CardField[];
}

/** The result of agent.hello. */
export interface Hello {
  protocol: '1';
  version: string;
  devices: Device[];
  access: Access;
  /** the key signature bundles are signed with */
  evidenceKey?: EvidenceKey;
}

/** The health of one device or subsystem, as data. */
export interface HealthCheck {
  component: string;
  /** e.g. "ok", "not_found" (lower case, digits, underscores). */
  code: string;
  severity: 'ok' | 'warning' | 'error';
  /** RFC 3339. */
  since: string;
  message?: string;
}

/** The result of health.get and the body of GET /healthz. */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'failing';
  checks: HealthCheck[];
}

/** A device's condition. */
export type DeviceState = 'connected' | 'disconnected' | 'busy' | 'error';

/** A device the agent drives. */
export interface Device {
  kind: 'idcard' | 'printer' | 'sigpad';
  id: string;
  model: string;
  port: string;
  state: DeviceState;
  /** The health message when the device is not working. */
  error?: string;
  health: HealthCheck;
}

/** The card's photo: the raw WLT (base64) and, with a decoder, a PNG (base64), else null. */
export interface Photo {
  wlt: string | null;
  png: string | null;
}

/** The card's kind. */
export type CardType = 'resident' | 'hk_mo_tw_residence' | 'foreign_permanent_2017' | 'foreign_permanent_2023';

/**
 * An ID card. Every field but type may be left out: a card kind lacks
 * some, and a paired page receives only the fields of its pairing.
 */
export interface Card {
  type: CardType;
  name?: string;
  nameEn?: string;
  /** 男 or 女; 未知 / 未说明 for codes 0 / 9; the raw code otherwise. */
  sex?: string;
  /** e.g. 汉 (without 族); resident cards only. */
  nation?: string;
  /** YYYY-MM-DD; the raw text if the card holds no valid date. */
  birthDate?: string;
  address?: string;
  idNumber?: string;
  /** The number with its middle replaced by *, e.g. 370481********123X. */
  idNumberMasked?: string;
  issuer?: string;
  validFrom?: string;
  /** YYYY-MM-DD or 长期. */
  validUntil?: string;
  /** ISO 3166-1 alpha-3 as on the card. */
  nationality?: string;
  passNumber?: string;
  issueCount?: string;
  cardVersion?: string;
  issuerCode?: string;
  appendedAddress?: string;
  /** Region of the number's first six digits (GB/T 2260), when known. */
  birthplace?: string;
  photo?: Photo;
  /** The two fingerprint templates, base64, only when asked for. */
  fingerprint?: string;
  /** Parts not read because the card left half-way; empty there means unknown, not none. */
  incomplete?: Array<'appendedAddress'>;
}

/** Params of idcard.read. */
export interface IDCardReadParams {
  /** How long to wait for a card, 0 to 600000 ms; 0 or absent answers at once. */
  timeoutMs?: number;
  /** Ask for the fingerprint templates. */
  fingerprint?: boolean;
  /** Why the card is read, for the audit log. */
  purpose?: string;
}

/** The result of idcard.read. */
export interface IDCardReadResult {
  card: Card;
}

/** Params of sim.idcard.place: a card, or the index of a sample card (default 0). */
export interface SimPlaceParams {
  card?: Card;
  sample?: number;
}

/** Params of idcard.inserted. */
export interface CardEvent {
  card: Card;
}

/** Params of idcard.error. */
export interface CardErrorEvent {
  reason: Reason;
  message: string;
}

/** Params of device.changed. */
export interface DeviceEvent {
  device: Device;
}

/** Params of health.changed. */
export interface HealthEvent {
  check: HealthCheck;
}

/** Each method's params and result. */
/** One block of a receipt; `type` says which fields apply. */
export interface ReceiptBlock {
  type: 'title' | 'text' | 'kv' | 'qr' | 'barcode' | 'divider' | 'image' | 'feed';
  /** title, text */
  text?: string;
  /** text */
  align?: 'left' | 'center' | 'right';
  bold?: boolean;
  /** 2: double width and height */
  size?: 1 | 2;
  key?: string;
  value?: string;
  /** qr payload (ASCII: a URL), barcode data (Code 128) */
  data?: string;
  /** image: base64 PNG */
  png?: string;
  /** feed: 1 to 20 */
  lines?: number;
}

/** A receipt the agent lays out. */
export interface Receipt {
  /** paper width in mm (default: the printer's) */
  width?: 58 | 80;
  blocks: ReceiptBlock[];
  /** cut after the receipt (default true) */
  cut?: boolean;
}

/** Params of printer.print. */
export interface PrintParams {
  receipt: Receipt;
  /** 1 to 5 */
  copies?: number;
  /** why, for the audit log */
  purpose?: string;
}

/** Result of printer.print and printer.resume. */
export interface PrintResult {
  jobId: string;
}

/** Params of printer.job. */
export interface JobEvent {
  jobId: string;
  state: 'queued' | 'printing' | 'done' | 'failed';
  reason?: Reason;
  /** printer.resume can print this failed job (PAPER_OUT) */
  resumable?: boolean;
  message?: string;
  copy?: number;
  copies?: number;
}

/** Result of printer.status. */
export interface PrinterStatus {
  online: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  error?: string;
  /** the printer answers no status: nothing above is known */
  blind?: boolean;
}

/** Result of printer.preview. */
export interface PreviewResult {
  /** base64 PNG */
  png: string;
  width: number;
  height: number;
  /** characters no font could draw */
  missing?: string[];
}

/** Params of sim.printer. */
export interface SimPrinterParams {
  paper?: 'out' | 'load' | 'runOutAfter';
  rows?: number;
  coverOpen?: boolean;
}

/** The agent's evidence signing key (agent.hello). */
export interface EvidenceKey {
  alg: 'Ed25519';
  /** first 16 hex digits of the SHA-256 of the raw key */
  keyId: string;
  /** base64 of the raw public key */
  publicKey: string;
}

/** Params of sigpad.capture. */
export interface CaptureParams {
  document: { title: string; summary?: string; /** hex SHA-256 of the document */ sha256: string };
  signer: { name: string };
  timeoutMs?: number;
  /** "pad" (default when there is one) or "screen" (send samples with sigpad.input) */
  source?: 'pad' | 'screen';
}

/** A signature evidence bundle; verify it with kiosk-agent verify-signature. */
export interface Bundle {
  format: 'kiosk-agent.signature';
  version: 1;
  manifest: { [member: string]: unknown };
  signature: { alg: string; keyId: string; value: string };
}

/** One pen report of a capture. */
export interface SigpadSample {
  t: number;
  x: number;
  y: number;
  p: number;
  sw: 0 | 1;
  /** x, y and pressure normalised to 0..1 */
  nx: number;
  ny: number;
  np: number;
}

/** Params of sigpad.started: the signer may sign now. */
export interface StartedEvent {
  source: 'pad' | 'screen';
  model: string;
  /** the ink's range; 0 on the screen (the canvas sets it) */
  width: number;
  height: number;
  maxPressure: number;
  /** hex SHA-256 of the prompt image (the bundle's promptSha256) */
  promptSha256: string;
}

/** Params of sigpad.input: [t_ms, x, y, pressure 0-1000, sw 0|1] in canvas pixels. */
export interface InputParams {
  samples: [number, number, number, number, number][];
  width: number;
  height: number;
}

export type CaptureButton = 'confirm' | 'retry' | 'cancel';

/** The steps of the application session. */
export type FlowStep = 'idle' | 'read_card' | 'confirm_identity' | 'household' | 'precheck' | 'choose_items'
  | 'sign_commitment' | 'sign_authorization' | 'submit' | 'receipt' | 'take_card' | 'progress'
  /** field mode: the worker's card and PIN; the 入户记录 */
  | 'unlock' | 'home_visit';

/** Actions of flow.act (the pages' data-action names). */
export type FlowAction = 'next' | 'back' | 'extend' | 'cancel' | 'call-staff' | 'cancel-call' | 'dispute' | 'toggle'
  | 'answer' | 'clear' | 'absent' | 'print' | 'reprint' | 'screen' | 'page' | 'verified'
  /** field mode */
  | 'pin' | 'lock' | 'notes';

/** Params of flow.act. */
export interface FlowActParams {
  action: FlowAction;
  /** toggle: the item code */
  item?: string;
  /** answer: is a member a close relative of a caseworker or committee member? */
  relatedToStaff?: boolean;
  /** page: the household page, from 1 */
  page?: number;
  /** pin (field mode, unlock): the worker's PIN, 6 to 12 digits */
  pin?: string;
  /** notes: the 入户记录 (field mode, home_visit), or the clerk's notes and corrections (counter mode); at most 2000 characters */
  notes?: string;
}

/** The session's state (flow.state, and the answer of every flow.* call). */
export interface FlowState {
  step: FlowStep;
  kind?: 'apply' | 'progress';
  mode: 'kiosk' | 'counter' | 'field';
  /** when the step's time runs out and the warning appears */
  deadline?: string;
  /** the "您还在吗？" panel: wiped at until unless extended */
  warning?: { until: string; seconds: number };
  view: FlowView;
}

/** Exactly what the step's screen may show: ID numbers masked, other people's names masked. */
export interface FlowView {
  wiped?: boolean;
  window?: string;
  staff?: { called: boolean; since: string; busy?: boolean };
  read?: { reading: boolean; failures: number; problem?: 'replace' | 'reader' | 'worker_card'; callStaff?: boolean };
  card?: {
    type: string; typeName: string; name: string; idMasked: string; sex?: string; birthYear?: string;
    validUntil: string; expired: boolean; problem?: 'expired' | 'permit'; photo?: string; verified?: boolean;
  };
  household?: {
    status: 'loading' | 'found' | 'none' | 'offline';
    members?: { relation: string; name: string; age: number; tags?: string[] }[];
    page?: number; pages?: number; monthlyIncome?: number; disputed?: boolean;
  };
  hints?: { item: string; name: string; plain: string; verdict: 'likely' | 'possible'; summary: string; reasons: string[];
    rules?: { name: string; passed: boolean; detail: string; sample?: boolean; source?: string }[] }[];
  items?: { item: string; name: string; plain: string; selected: boolean; hinted: boolean }[];
  chosen?: number;
  sign?: {
    document: 'commitment' | 'authorization'; title: string; summary: string[]; items: string[]; date: string;
    source: 'pad' | 'screen' | ''; capturing: boolean; inked: boolean; problem?: 'empty' | 'pad' | 'document';
    relatedToStaff: boolean | null;
    signers: { relation: string; name: string; state: 'signed' | 'pending' | 'absent' | 'current' }[];
    current: number; done: boolean;
  };
  submit?: { items: string[]; signed: string[]; absent?: string[]; submitting: boolean; error?: string };
  /** field mode: nobody is unlocked (idle shows 「请工作人员刷证解锁」) */
  locked?: boolean;
  /** field mode: the unlocked worker, masked */
  worker?: string;
  /** counter mode: the clerk's notes (窗口备注), sent with the application */
  clerkNotes?: string;
  unlock?: {
    card: boolean; name?: string; checking?: boolean;
    problem?: 'not_worker' | 'wrong_pin' | 'locked_out' | 'permit' | 'no_workers';
    attemptsLeft?: number; lockedUntil?: string;
  };
  homeVisit?: {
    notes: string; worker: string; date: string; source: 'pad' | 'screen' | ''; capturing: boolean; inked: boolean;
    problem?: 'empty' | 'pad' | 'document'; signed: boolean;
  };
  receipt?: {
    caseNumber: string; items: string[]; deadline: string; queued: boolean;
    printing: 'printing' | 'printed' | 'failed' | 'none' | ''; canReprint: boolean;
    missing?: { item: string; name: string; materials: string[] }[];
  };
  progress?: {
    status: 'loading' | 'found' | 'none' | 'offline'; printing?: string;
    applications?: { items: string[]; deadline: string; result?: string;
      stages: { stage: string; name: string; at?: string; reached: boolean; current: boolean }[] }[];
  };
  takeCard?: { cardPresent: boolean };
}

/** Params of staff.called: someone at the kiosk needs staff. */
export interface StaffCalledEvent {
  reason: string;
  step: string;
  at: string;
  terminal: string;
  window?: string;
}

/** An item code (flow-screens §2). */
export type ItemCode = 'dibao' | 'tekun' | 'bianyuan' | 'gangxing' | 'linshi' | 'yiliao' | 'jiaoyu' | 'zhufang' | 'jiuye' | 'kangfu';

/** An application as a client submits it (the platform's, without the idempotency key and the terminal). */
export interface Application {
  /** the platform's household number; absent when no record was found */
  householdId?: string;
  applicant: { name: string; idNumber: string; phone?: string };
  items: ItemCode[];
  signatures?: { document: 'commitment' | 'authorization' | 'visit'; memberId?: string; name: string; bundleSha256: string }[];
  /** member IDs of members who sign later */
  absent?: string[];
  /** is a member a close relative of a caseworker or committee member? */
  relatedToStaff: boolean;
  /** default: the agent's flow.mode */
  channel?: 'kiosk' | 'counter' | 'field';
  notes?: string;
  /** RFC 3339; default: when the agent queued it */
  createdAt?: string;
}

/** Params of application.submit. The same idempotencyKey again answers the same applicationId and queues nothing. */
export interface ApplicationSubmitParams {
  application: Application;
  /** random, 8 to 128 of A-Z a-z 0-9 . _ : -, no personal data */
  idempotencyKey: string;
}

/** Result of application.submit: the application is on the agent's disk. */
export interface ApplicationSubmitResult {
  /** the kiosk's number of the application, 16 digits */
  applicationId: string;
  /** not at the platform yet */
  queued: boolean;
}

/** The outbox's backlog (outbox.status, outbox.changed): items not yet at the platform. */
export interface OutboxStatus {
  pending: number;
  failing: number;
  /** age of the oldest pending item in seconds; 0 when none */
  oldestAgeS: number;
  /** pending items that are applications (the rest are their evidence and visit records) */
  applications: number;
}

/** An undelivered outbox item as an operator sees it (outbox.list): never its content. */
export interface OutboxItem {
  key: string;
  kind: 'application' | 'evidence' | 'visit';
  /** refused: the platform refused it for good; it waits for outbox.retry */
  state: 'pending' | 'refused';
  attempts: number;
  created: string;
  lastAttempt?: string;
  nextAttempt?: string;
  /** the last failed attempt's error, ID-like digit runs masked */
  error?: string;
}

export interface Methods {
  'agent.hello': { params: HelloParams; result: Hello };
  'devices.list': { params: Empty; result: Device[] };
  'health.get': { params: Empty; result: HealthReport };
  'idcard.read': { params: IDCardReadParams; result: IDCardReadResult };
  'sim.idcard.place': { params: SimPlaceParams; result: Empty };
  'sim.idcard.remove': { params: Empty; result: Empty };
  'printer.print': { params: PrintParams; result: PrintResult };
  'printer.status': { params: Empty; result: PrinterStatus };
  'printer.resume': { params: { jobId: string }; result: PrintResult };
  'printer.preview': { params: { receipt: Receipt }; result: PreviewResult };
  'sim.printer': { params: SimPrinterParams; result: Empty };
  'sigpad.capture': { params: CaptureParams; result: { bundle: Bundle } };
  'sigpad.cancel': { params: Empty; result: Empty };
  'sigpad.clear': { params: Empty; result: Empty };
  'sigpad.button': { params: { button: CaptureButton }; result: Empty };
  'sigpad.input': { params: InputParams; result: Empty };
  'sim.sigpad.sign': { params: { text?: string }; result: Empty };
  'sim.sigpad.button': { params: { button: CaptureButton }; result: Empty };
  'flow.start': { params: { kind: 'apply' | 'progress' }; result: FlowState };
  'flow.act': { params: FlowActParams; result: FlowState };
  'flow.back': { params: Empty; result: FlowState };
  'flow.extend': { params: Empty; result: FlowState };
  'flow.cancel': { params: Empty; result: FlowState };
  'flow.get': { params: Empty; result: FlowState };
  'staff.call': { params: { reason?: string }; result: Empty };
  'application.submit': { params: ApplicationSubmitParams; result: ApplicationSubmitResult };
  'outbox.status': { params: Empty; result: OutboxStatus };
  'outbox.list': { params: Empty; result: { items: OutboxItem[] } };
  'outbox.retry': { params: { key?: string }; result: Empty };
}

/** A method name. */
export type MethodName = keyof Methods;

/** Each event (notification of the agent) and its params. */
export interface Events {
  'idcard.inserted': CardEvent;
  'idcard.removed': Empty;
  'idcard.error': CardErrorEvent;
  'device.changed': DeviceEvent;
  'health.changed': HealthEvent;
  'printer.job': JobEvent;
  'sigpad.started': StartedEvent;
  'sigpad.sample': { samples: SigpadSample[] };
  'sigpad.pressed': { button: CaptureButton };
  'flow.state': FlowState;
  'staff.called': StaffCalledEvent;
  'outbox.changed': OutboxStatus;
}

/** An event name. */
export type EventName = keyof Events;

// --- The client ---

export interface KioskClientOptions {
  /** WebSocket URL; default ws(s)://<location.host>/ws. */
  url?: string;
  /** Pairing token, sent with agent.hello on every connection. */
  token?: string;
  /** How the client introduces itself (agent.hello's client.name). */
  clientName?: string;
  /** Its version (agent.hello's client.version). */
  clientVersion?: string;
  /** Reconnect after the connection closes (never after 1008); default true. */
  reconnect?: boolean;
  /** First reconnect delay; default 500. */
  minBackoffMs?: number;
  /** Cap of the reconnect delay; default 10000. */
  maxBackoffMs?: number;
  /** Default time-out of a call; default 10000; 0 waits for ever. */
  requestTimeoutMs?: number;
  /** Connect in the constructor (default); otherwise call connect(). */
  autoConnect?: boolean;
  /** WebSocket constructor to use (for tests). */
  WebSocket?: { new (url: string): WebSocket };
}

export interface CallOptions {
  /**
   * Time-out of this call in ms; 0 waits for ever. The default is
   * requestTimeoutMs, plus params.timeoutMs when the params carry one.
   */
  timeoutMs?: number;
}

export interface CloseInfo {
  /** WebSocket close code (1006 when the connection failed). */
  code: number;
  reason: string;
  wasClean: boolean;
}

export interface OpenInfo {
  /** false for the first connection. */
  reconnected: boolean;
  /** agent.hello's result on this connection; null if it failed. */
  hello: Hello | null;
}

export interface ReconnectInfo {
  /** 1 for the first retry after a close. */
  attempt: number;
  /** How long the client waits before it connects again. */
  delayMs: number;
}

/** The client's own events, whose names have no dot. */
export interface ClientEvents {
  /** A connection is up and agent.hello has answered. */
  open: OpenInfo;
  /** agent.hello refused the token; the calls held for it reject with this error. */
  unauthorized: KioskError;
  /** The connection went down (not after close()). */
  close: CloseInfo;
  /** A new attempt is scheduled. */
  reconnecting: ReconnectInfo;
  /** The agent closed the connection with 1008: the client does not reconnect by itself. */
  rejected: CloseInfo;
}

export type EventHandler = (params: any, name: string) => void;

/** The URL of the agent's WebSocket on the host that served the page. */
export function defaultUrl(): string;

/** A JSON-RPC 2.0 client of the kiosk-agent over one WebSocket that reconnects by itself. */
export class KioskClient {
  constructor(options?: KioskClientOptions);
  /** The WebSocket URL. */
  readonly url: string;
  /** agent.hello's result on the last connection, or null before the first answer. */
  hello: Hello | null;
  /** True while the WebSocket is open. */
  readonly connected: boolean;
  /** True while connected and the agent has authorized this client. */
  readonly authorized: boolean;
  /** Connects now; after a 1008 close, tries again. Does nothing after close(). */
  connect(): void;
  /** Sends a request and resolves with its result; rejects with a KioskError. */
  call<M extends MethodName>(method: M, params?: Methods[M]['params'], options?: CallOptions): Promise<Methods[M]['result']>;
  /** A method this version of the types does not know. */
  call<M extends string>(method: M extends MethodName ? never : M, params?: object, options?: CallOptions): Promise<unknown>;
  /** Adds a handler; returns a function that removes it. */
  on<E extends EventName>(name: E, handler: (params: Events[E], name: E) => void): () => void;
  on<E extends keyof ClientEvents>(name: E, handler: (info: ClientEvents[E], name: E) => void): () => void;
  on(name: '*', handler: (params: Events[EventName], name: EventName) => void): () => void;
  on(name: string, handler: EventHandler): () => void;
  /** Closes for good: no reconnect; unanswered calls reject with CLIENT_CLOSED. */
  close(): void;
}

/**
 * Masks an ID number for display: the first 6 and the last 4 characters
 * kept, '*' between (370481********4828). Same rule as the agent's.
 */
export function maskIdNumber(id: string | null | undefined): string;
