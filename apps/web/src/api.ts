/** The public REST API, typed as this page uses it (the web app imports no server code). */

export type Role = 'bidder' | 'staff' | 'supervisor' | 'admin';
export interface SessionUser {
  id: string;
  username: string;
  roles: Role[];
}
export type ListingStatus = 'draft' | 'announced' | 'bidding' | 'sold' | 'unsold' | 'suspended' | 'cancelled';

export interface Listing {
  id: string;
  code?: string;
  title: string;
  address: string;
  areaSqm: number;
  usage: string;
  leaseTermMonths: number;
  startPrice: number;
  increment: number;
  deposit: number;
  hasReserve: boolean;
  reservePrice?: number | null;
  registrationStartsAt: string;
  registrationEndsAt: string;
  biddingStartsAt: string;
  freeBiddingEndsAt: string;
  extensionSeconds: number;
  status: ListingStatus;
  currentPrice: number | null;
  minNextBid: number;
  leaderCode: string | null;
  bidCount: number;
  lastSeq: number;
  endsAt: string;
  finalPrice: number | null;
  winnerCode: string | null;
  closedAt: string | null;
  reason: string | null;
}

export const DEPOSIT_STATES = ['due', 'received', 'refunded', 'forfeited', 'converted'] as const;
export type DepositState = (typeof DEPOSIT_STATES)[number];

export interface Registration {
  id: string;
  listingId: string;
  bidderId: string;
  status: 'pending' | 'qualified' | 'rejected';
  bidderCode: string | null;
  rejectReason: string | null;
  depositReceivedAt: string | null;
  /** Null where no deposit is recorded for the application. */
  depositState: DepositState | null;
  createdAt: string;
  listingTitle?: string;
  bidderName?: string;
}

export interface Bid {
  listingId: string;
  seq: number;
  amount: number;
  bidderCode: string;
  at: string;
  endsAt?: string;
  minNextBid?: number;
}

export interface BidAttempt {
  id: string;
  seq: number | null;
  amount: number;
  outcome: string;
  bidderId: string;
  bidderCode: string | null;
  at: string;
  [key: string]: unknown;
}

export interface Deal {
  id: string;
  category: string;
  subtype: string | null;
  sourceType: string;
  sourceId: string | null;
  title: string;
  amount: number;
  winner: string;
  closedAt: string;
}

export interface AuditEntry {
  seq?: number;
  id?: string;
  at: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  hash?: string;
  data: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const DEVICE_KEY = 'ggzy.device';

/**
 * This browser's device id: random, kept in localStorage, sent with every call and with the
 * bidding socket's handshake. Supervisors' early warning compares it (hashed) across bidders.
 */
export function deviceFingerprint(): string {
  try {
    const kept = localStorage.getItem(DEVICE_KEY);
    if (kept && /^[A-Za-z0-9_-]{16,128}$/.test(kept)) return kept;
    const fresh = newClientBidId();
    localStorage.setItem(DEVICE_KEY, fresh);
    return fresh;
  } catch {
    // No storage (a private window that refuses it): a fresh id for this page's life.
    return (fallbackDevice ??= newClientBidId());
  }
}
let fallbackDevice: string | undefined;

let currentToken: string | null = null;
export function setApiToken(token: string | null) {
  currentToken = token;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-device-fingerprint': deviceFingerprint(),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (currentToken) headers.authorization = `Bearer ${currentToken}`;
  const response = await fetch(`/api${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      json?.code ?? `HTTP_${response.status}`,
      json?.message ?? response.statusText,
      json?.details,
    );
  }
  return json as T;
}

/** A file download with the bearer token (a plain link would send none): the body and its file name. */
export async function getFile(path: string): Promise<{ blob: Blob; fileName: string | null }> {
  const headers: Record<string, string> = { 'x-device-fingerprint': deviceFingerprint() };
  if (currentToken) headers.authorization = `Bearer ${currentToken}`;
  const response = await fetch(`/api${path}`, { headers });
  if (!response.ok) {
    const json = await response.json().catch(() => undefined);
    throw new ApiError(
      response.status,
      json?.code ?? `HTTP_${response.status}`,
      json?.message ?? response.statusText,
      json?.details,
    );
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? null;
  return { blob: await response.blob(), fileName };
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);

/** What the api tells the page about its deployment (the gateway's address, the centre's zone). */
export interface RuntimeConfig {
  gatewayUrl: string;
  timeZone: string;
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch('/config.json');
  const raw = (await response.json()) as {
    gatewayUrl?: string | null;
    gatewayPort?: number;
    timeZone?: string;
  };
  const gatewayUrl =
    raw.gatewayUrl || `${location.protocol}//${location.hostname}:${raw.gatewayPort ?? 3001}`;
  return { gatewayUrl, timeZone: raw.timeZone ?? 'Asia/Shanghai' };
}

/** A fresh idempotency key for one bid (works outside secure contexts too). */
export function newClientBidId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
