/**
 * Envelope encryption for sealed bids (issue 9: "sealed means sealed").
 *
 * Each project has its own random 256-bit data key. It is stored only wrapped (AES-256-GCM) by a
 * key-encryption key from configuration (KeyRing), with the project id as additional data, so a
 * wrapped key copied to another project does not unwrap. Each bid's price and document hashes are
 * encrypted with the data key (AES-256-GCM, a fresh 96-bit IV each time) with the project id and
 * the bidder id as additional data: a changed ciphertext, IV or tag, or a bid moved to another
 * project or bidder, fails authentication (SEALED_BID_TAMPERED).
 *
 * Sealing needs the data key for a moment: BidSealer.seal unwraps it, encrypts, and wipes it; it
 * never hands the key out. Only unwrapForOpening returns it, and only once the database's clock has
 * reached the project's opening time (SEALED_UNTIL_OPENING). No error message or detail carries a
 * price, a document hash or key material.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { DomainError, type Fen, isFen, isSha256Hex, isWellFormedText } from '@ggzy/domain';
import type { KeyRing } from './key-ring.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
export const MAX_SEALED_DOCUMENTS = 100;
const MAX_DOCUMENT_NAME_LENGTH = 255;

/** What a bidder seals: the price and the documents' hashes (the files themselves are stored apart). */
export interface BidContent {
  price: Fen;
  documents: { name: string; sha256: string }[];
}

/** A project's data key as stored: wrapped by the KEK named `kekId`. Base64 fields. */
export interface WrappedDataKey {
  /** Names this data key; every bid sealed with it carries the same keyId. */
  keyId: string;
  kekId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** A sealed bid as stored. Base64 fields; `keyId` names the project's data key. */
export interface SealedBid {
  ciphertext: string;
  iv: string;
  tag: string;
  keyId: string;
}

export interface BidOwner {
  projectId: string;
  bidderId: string;
}

const dataKeyAad = (projectId: string, keyId: string) =>
  Buffer.from(`ggzy/sealed-bids/v1/data-key/${projectId}/${keyId}`);
const bidAad = ({ projectId, bidderId }: BidOwner) =>
  Buffer.from(`ggzy/sealed-bids/v1/bid/${projectId}/${bidderId}`);

function tampered(what: string): DomainError {
  return new DomainError('SEALED_BID_TAMPERED', `the ${what} failed its integrity check`);
}

function requireIds(ids: Record<string, unknown>): void {
  const violations = Object.entries(ids)
    .filter(
      ([, value]) =>
        typeof value !== 'string' || value.length === 0 || value.length > 100 || value.includes('/'),
    )
    .map(([field]) => ({ field, rule: 'an id (1–100 characters, no slash)' }));
  if (violations.length > 0) throw new DomainError('VALIDATION_FAILED', 'ids are missing', violations);
}

/** Form problems of a bid; the rules name fields only, never the values (a price must not leak). */
export function bidContentViolations(content: BidContent): { field: string; rule: string }[] {
  const violations: { field: string; rule: string }[] = [];
  if (!isFen(content?.price))
    violations.push({ field: 'price', rule: 'a positive safe integer number of fen' });
  if (!Array.isArray(content?.documents) || content.documents.length > MAX_SEALED_DOCUMENTS) {
    violations.push({ field: 'documents', rule: `at most ${MAX_SEALED_DOCUMENTS} documents` });
    return violations;
  }
  content.documents.forEach((document, index) => {
    if (
      typeof document?.name !== 'string' ||
      document.name.trim().length === 0 ||
      document.name.length > MAX_DOCUMENT_NAME_LENGTH ||
      // The opening stores it as jsonb, which refuses a lone surrogate (or a NUL).
      !isWellFormedText(document.name) ||
      document.name.includes('\u0000')
    )
      violations.push({
        field: `documents[${index}].name`,
        rule: `1 to ${MAX_DOCUMENT_NAME_LENGTH} characters`,
      });
    if (!isSha256Hex(document?.sha256))
      violations.push({ field: `documents[${index}].sha256`, rule: 'SHA-256 as 64 lowercase hex digits' });
  });
  return violations;
}

function encrypt(
  key: Buffer,
  plaintext: Buffer,
  aad: Buffer,
): { iv: string; tag: string; ciphertext: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Decrypts or throws `tampered(what)`; a malformed field counts as tampering too. */
function decrypt(
  key: Buffer,
  sealed: { iv: string; tag: string; ciphertext: string },
  aad: Buffer,
  what: string,
): Buffer {
  const iv = Buffer.from(String(sealed.iv), 'base64');
  const tag = Buffer.from(String(sealed.tag), 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw tampered(what);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(Buffer.from(String(sealed.ciphertext), 'base64')),
      decipher.final(),
    ]);
  } catch {
    throw tampered(what);
  }
}

export class BidSealer {
  constructor(private readonly keyRing: KeyRing) {}

  /** A new project's data key, wrapped by the current KEK: store it with the project. */
  createProjectKey(projectId: string): WrappedDataKey {
    requireIds({ projectId });
    const dataKey = randomBytes(DATA_KEY_BYTES);
    try {
      const kek = this.keyRing.current;
      const keyId = randomUUID();
      return { keyId, kekId: kek.id, ...encrypt(kek.key, dataKey, dataKeyAad(projectId, keyId)) };
    } finally {
      dataKey.fill(0);
    }
  }

  /** Seals one bid of `owner` with the project's data key (unwrapped here for a moment, then wiped). */
  seal(wrapped: WrappedDataKey, owner: BidOwner, content: BidContent): SealedBid {
    requireIds({ projectId: owner.projectId, bidderId: owner.bidderId });
    const violations = bidContentViolations(content);
    if (violations.length > 0)
      throw new DomainError('VALIDATION_FAILED', 'the bid is incomplete', violations);
    const plaintext = Buffer.from(
      JSON.stringify({
        price: content.price,
        documents: content.documents.map(({ name, sha256 }) => ({ name, sha256 })),
      }),
    );
    const dataKey = this.unwrap(wrapped, owner.projectId);
    try {
      return { keyId: wrapped.keyId, ...encrypt(dataKey, plaintext, bidAad(owner)) };
    } finally {
      dataKey.fill(0);
      plaintext.fill(0);
    }
  }

  /**
   * The project's data key, for the opening only: refused before `opensAt` by the database's
   * `now` (SEALED_UNTIL_OPENING, with the opening time — nothing else). Wipe it when done.
   */
  unwrapForOpening(
    wrapped: WrappedDataKey,
    opening: { projectId: string; opensAt: Date; now: Date },
  ): Buffer {
    requireIds({ projectId: opening.projectId });
    requireOpeningTime(opening);
    return this.unwrap(wrapped, opening.projectId);
  }

  private unwrap(wrapped: WrappedDataKey, projectId: string): Buffer {
    const kek = this.keyRing.byId(wrapped?.kekId);
    // A missing KEK is a configuration fault (a key removed from the ring too early), not a client error.
    if (!kek) throw new Error(`no key-encryption key ${JSON.stringify(wrapped?.kekId)} in the key ring`);
    const dataKey = decrypt(kek.key, wrapped, dataKeyAad(projectId, wrapped.keyId), 'project key');
    if (dataKey.length !== DATA_KEY_BYTES) throw tampered('project key');
    return dataKey;
  }
}

/**
 * Refuses before `opensAt` (SEALED_UNTIL_OPENING, with the opening time — nothing else); `now` is
 * the database's. unwrapForOpening applies it, and so does an opening that has no key to unwrap.
 */
export function requireOpeningTime(opening: { opensAt: Date; now: Date }): void {
  if (
    !(opening.opensAt instanceof Date) ||
    !(opening.now instanceof Date) ||
    Number.isNaN(opening.opensAt.getTime()) ||
    Number.isNaN(opening.now.getTime())
  )
    throw new DomainError('VALIDATION_FAILED', 'the opening time and now are instants', [
      { field: 'opensAt', rule: 'an instant' },
      { field: 'now', rule: 'an instant' },
    ]);
  if (opening.now.getTime() < opening.opensAt.getTime())
    throw new DomainError('SEALED_UNTIL_OPENING', 'sealed bids stay sealed until the opening', {
      opensAt: opening.opensAt.toISOString(),
    });
}

/**
 * Opens a sealed bid with the data key unwrapForOpening released. The owner (project and bidder)
 * is the one the bid was sealed for, or it is refused as tampered.
 */
export function openSealedBid(sealed: SealedBid, unwrappedKey: Buffer, owner: BidOwner): BidContent {
  requireIds({ projectId: owner.projectId, bidderId: owner.bidderId });
  if (!Buffer.isBuffer(unwrappedKey) || unwrappedKey.length !== DATA_KEY_BYTES)
    throw new Error('the data key must be the 32 bytes unwrapForOpening returned');
  const plaintext = decrypt(unwrappedKey, sealed, bidAad(owner), 'sealed bid');
  let content: BidContent;
  try {
    content = JSON.parse(plaintext.toString('utf8')) as BidContent;
  } catch {
    throw tampered('sealed bid');
  } finally {
    plaintext.fill(0);
  }
  if (bidContentViolations(content).length > 0) throw tampered('sealed bid');
  return content;
}
