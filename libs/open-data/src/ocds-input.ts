/**
 * What the OCDS mapping is given: one process of any line, described with its PUBLIC facts only.
 * There is no field for anything private — no user id, no reserve price, no bidder's real name
 * unless the disclosure rules publish it (a company's name in a tender; a bidder code 竞买号 for a
 * person bidding on a lease) — so the mapping cannot leak what it is never handed. The caller (the
 * OCDS endpoints) builds this from each line's public services.
 */
import {
  type Fen,
  type ListingStatus,
  PROCUREMENT_METHODS,
  PROCUREMENT_STATUSES,
  type ProcurementMethod,
  type ProcurementStatus,
  TENDER_STATUSES,
  type TenderStatus,
  type TransferStatus,
} from '@ggzy/domain';

export const OCDS_LINES = ['construction', 'procurement', 'lease', 'transfer'] as const;
export type OcdsLine = (typeof OCDS_LINES)[number];

/** The tender and procurement lines' statuses and methods, as their lifecycle tables name them. */
export const CONSTRUCTION_STATUSES = TENDER_STATUSES;
export type ConstructionStatus = TenderStatus;
export const PROCUREMENT_STATUSES_FOR_OCDS = PROCUREMENT_STATUSES;
export type ProcurementStatusForOcds = ProcurementStatus;
export const PROCUREMENT_METHODS_FOR_OCDS = PROCUREMENT_METHODS;
export type ProcurementMethodForOcds = ProcurementMethod;

export type LineStatus<L extends OcdsLine> = L extends 'construction'
  ? ConstructionStatus
  : L extends 'procurement'
    ? ProcurementStatusForOcds
    : L extends 'lease'
      ? ListingStatus
      : TransferStatus;

/** A party as it may be published: an organization's name and code, or a bidder code alone. */
export interface PublicParty {
  /** Stable within the process: 统一社会信用代码 for an organization, the bidder code for a person. */
  id: string;
  name: string;
  /** The scheme of `id` when it is an official identifier (e.g. `CN-USCC`), else null. */
  identifierScheme: string | null;
}

export const PUBLIC_DOCUMENT_KINDS = [
  'notice',
  'amendment',
  'clarification',
  'opening_record',
  'evaluation_report',
  'candidates',
  'result',
  'contract',
  'complaint_decision',
] as const;
export type PublicDocumentKind = (typeof PUBLIC_DOCUMENT_KINDS)[number];

export interface PublicDocument {
  id: string;
  kind: PublicDocumentKind;
  title: string;
  /** Where the public page or file is (absolute URL), if any. */
  url: string | null;
  publishedAt: Date;
  /** The file's SHA-256, when the document is a file. */
  sha256: string | null;
}

export interface PublicBid {
  id: string;
  tenderer: PublicParty;
  amount: Fen;
  at: Date;
  /** Sealed bids: whether the opening or the evaluation found it valid. Auction bids are all valid. */
  status: 'valid' | 'disqualified';
}

export interface StatusChange<S extends string> {
  status: S;
  at: Date;
  /** For `suspended`: the status it left (and resumes to), so the OCDS status stays meaningful. */
  resumeTo?: S | null;
}

interface ProcessBase<L extends OcdsLine> {
  line: L;
  /** 项目编号: the ocid is the configured prefix + this. */
  projectCode: string;
  title: string;
  description: string | null;
  /** Every status the process has been through, oldest first; the last is the current one. */
  history: StatusChange<LineStatus<L>>[];
  /** 招标人 / 采购人 / 出租方 / 转让方. */
  owner: PublicParty;
  /** 招标代理 / 采购代理机构, when one manages the process. */
  agency: PublicParty | null;
  /** The announcement's period for submissions (tenders) or registration and bidding (auctions). */
  tenderPeriod: { start: Date; end: Date } | null;
  documents: PublicDocument[];
  /** Qualified tenderers (投标人 / 供应商 / 竞买人), as publishable. */
  tenderers: PublicParty[];
  bids: PublicBid[];
  /** Ranked candidates in publicity (中标候选人公示); their awards are pending. */
  candidates: { rank: number; supplier: PublicParty; value: Fen }[];
  /** The deal: who won, for how much, decided when. */
  award: { id: string; supplier: PublicParty; value: Fen; date: Date; description: string | null } | null;
  contract: {
    id: string;
    value: Fen;
    dateSigned: Date | null;
    period: { start: Date; end: Date } | null;
  } | null;
  /** Published complaint decisions (the complaint itself is not public; its decision is). */
  complaintDecisions: { id: string; title: string; decidedAt: Date; url: string | null }[];
}

export interface ConstructionProcess extends ProcessBase<'construction'> {
  /** 公开招标 or 邀请招标. */
  method: 'open_tender' | 'invited_tender';
  /** 招标控制价 / estimate, if published. */
  estimatedValue: Fen | null;
}

export interface ProcurementProcess extends ProcessBase<'procurement'> {
  method: ProcurementMethodForOcds;
  /** 预算金额. */
  budget: Fen | null;
  category: 'goods' | 'services' | 'works';
}

export interface LeaseProcess extends ProcessBase<'lease'> {
  /** 起始月租金 (the approved starting rent); the reserve is never published. */
  startMonthlyRent: Fen;
  leaseTermMonths: number;
}

export interface TransferProcess extends ProcessBase<'transfer'> {
  /** 挂牌价. */
  listingPrice: Fen;
  /** How the deal was made, once it was. */
  dealSource: 'auction' | 'agreement' | 'on_site' | null;
}

export type OcdsProcess = ConstructionProcess | ProcurementProcess | LeaseProcess | TransferProcess;

export interface OcdsPublisherOptions {
  /** The ocid prefix registered for the centre (e.g. `ocds-abc123-`); the project code follows. */
  ocidPrefix: string;
  publisher: { name: string; uri: string | null };
  /** The trading centre itself: the venue of every line, procuring entity of leases and transfers. */
  centre: PublicParty;
  /** The supervising body that decides complaints (OCDS role `reviewBody`). */
  reviewBody: PublicParty | null;
  /** The base URL the packages are served from (`uri` of a package is built on it). */
  baseUri: string;
  license: string | null;
  publicationPolicy: string | null;
}
