/**
 * Each line's statuses in OCDS terms: the tender's status from OCDS's closed codelist, the award's
 * and the contract's where the stage has them, the Chinese status for `statusDetails` (the status
 * details extension: OCDS has no 公示, 暂停, 流拍, 悔拍 …), and which release tag a change to it
 * makes. `tender: null` marks a status that is not public (a draft): it makes no release.
 */
import type { ListingStatus, TransferStatus } from '@ggzy/domain';
import type { ConstructionStatus, OcdsLine, ProcurementStatusForOcds } from './ocds-input.js';

export type OcdsTenderStatus =
  'planning' | 'planned' | 'active' | 'cancelled' | 'unsuccessful' | 'complete' | 'withdrawn';
export type OcdsAwardStatus = 'pending' | 'active' | 'cancelled' | 'unsuccessful';
export type OcdsContractStatus = 'pending' | 'active' | 'cancelled' | 'terminated';
/** The kind of release a change to this status makes (`update` → tenderUpdate or awardUpdate). */
export type ReleaseKind =
  | 'tender'
  | 'update'
  | 'award'
  | 'contract'
  | 'tenderCancellation'
  | 'awardCancellation'
  | 'contractTermination';

export interface OcdsStatus {
  tender: OcdsTenderStatus | null;
  award: OcdsAwardStatus | null;
  contract: OcdsContractStatus | null;
  /** 状态 in the centre's words, for `statusDetails`. */
  details: string;
  release: ReleaseKind;
}

const s = (
  tender: OcdsTenderStatus | null,
  award: OcdsAwardStatus | null,
  contract: OcdsContractStatus | null,
  details: string,
  release: ReleaseKind,
): OcdsStatus => ({ tender, award, contract, details, release });

export const CONSTRUCTION_OCDS_STATUS: Readonly<Record<ConstructionStatus, OcdsStatus>> = {
  registered: s(null, null, null, '登记', 'tender'),
  announced: s('active', null, null, '招标公告', 'tender'),
  prequalification: s('active', null, null, '资格预审', 'update'),
  prequalified: s('active', null, null, '资格预审结束', 'update'),
  bidding: s('active', null, null, '投标中', 'update'),
  opened: s('active', null, null, '已开标', 'update'),
  evaluating: s('active', null, null, '评标中', 'update'),
  candidates_published: s('active', 'pending', null, '中标候选人公示', 'award'),
  awarded: s('complete', 'active', null, '已发中标通知书', 'award'),
  contracted: s('complete', 'active', 'active', '已签订合同', 'contract'),
  failed: s('unsuccessful', 'unsuccessful', null, '流标', 'update'),
  // The failed round, its successor a new process (a new tender id, `round` + 1).
  retendered: s('unsuccessful', 'unsuccessful', null, '流标,已重新招标', 'update'),
  suspended: s('active', null, null, '暂停', 'update'),
  terminated: s('cancelled', 'cancelled', null, '终止', 'tenderCancellation'),
};

export const PROCUREMENT_OCDS_STATUS: Readonly<Record<ProcurementStatusForOcds, OcdsStatus>> = {
  planned: s(null, null, null, '采购计划', 'tender'),
  prior_publicity: s('planned', null, null, '单一来源公示', 'tender'),
  announced: s('active', null, null, '采购公告', 'tender'),
  responding: s('active', null, null, '响应中', 'update'),
  opened: s('active', null, null, '已开标', 'update'),
  evaluating: s('active', null, null, '评审中', 'update'),
  report_delivered: s('active', null, null, '评审报告已送采购人', 'update'),
  award_decided: s('active', 'pending', null, '采购人已确定成交供应商', 'award'),
  awarded: s('complete', 'active', null, '中标(成交)结果公告', 'award'),
  contracted: s('complete', 'active', 'active', '已签订合同', 'contract'),
  closed: s('complete', 'active', 'terminated', '框架协议已终止', 'contractTermination'),
  failed: s('unsuccessful', 'unsuccessful', null, '废标', 'update'),
  // The failed project, its successor a new process (a new project id, `round` + 1).
  replanned: s('unsuccessful', 'unsuccessful', null, '废标,已重新组织采购', 'update'),
  suspended: s('active', null, null, '暂停', 'update'),
  terminated: s('cancelled', 'cancelled', null, '终止', 'tenderCancellation'),
};

export const LEASE_OCDS_STATUS: Readonly<Record<ListingStatus, OcdsStatus>> = {
  draft: s(null, null, null, '草稿', 'tender'),
  announced: s('active', null, null, '公告期', 'tender'),
  bidding: s('active', null, null, '网络竞价中', 'update'),
  sold: s('complete', 'active', 'pending', '成交', 'award'),
  unsold: s('unsuccessful', null, null, '流拍', 'update'),
  suspended: s('active', null, null, '暂停', 'update'),
  cancelled: s('cancelled', null, null, '终止', 'tenderCancellation'),
};

export const TRANSFER_OCDS_STATUS: Readonly<Record<TransferStatus, OcdsStatus>> = {
  accepted: s(null, null, null, '受理', 'tender'),
  disclosed: s('active', null, null, '挂牌披露', 'tender'),
  extended: s('active', null, null, '延期挂牌', 'update'),
  relisted: s('planned', null, null, '重新挂牌(待发布)', 'update'),
  agreement_pending: s('active', null, null, '协议成交待确认', 'update'),
  auction: s('active', null, null, '网络竞价中', 'update'),
  // The result is in publicity (≥ 5 business days): the award is pending until confirmed.
  sold: s('complete', 'pending', null, '成交结果公示', 'award'),
  unsold: s('unsuccessful', null, null, '流拍', 'update'),
  confirmed: s('complete', 'active', 'pending', '已签成交确认书', 'award'),
  contract_signed: s('complete', 'active', 'active', '已签订合同', 'contract'),
  defaulted: s('unsuccessful', 'cancelled', 'cancelled', '悔拍(受让方未签约)', 'awardCancellation'),
  suspended: s('active', null, null, '暂停', 'update'),
  terminated: s('cancelled', 'cancelled', null, '终止', 'tenderCancellation'),
  // The sale fell through (unsold or defaulted) and the asset is listed again as a new process.
  superseded: s('unsuccessful', null, null, '已重新挂牌(新项目)', 'update'),
};

export const OCDS_STATUS: {
  construction: typeof CONSTRUCTION_OCDS_STATUS;
  procurement: typeof PROCUREMENT_OCDS_STATUS;
  lease: typeof LEASE_OCDS_STATUS;
  transfer: typeof TRANSFER_OCDS_STATUS;
} = {
  construction: CONSTRUCTION_OCDS_STATUS,
  procurement: PROCUREMENT_OCDS_STATUS,
  lease: LEASE_OCDS_STATUS,
  transfer: TRANSFER_OCDS_STATUS,
};

/**
 * The OCDS status of a line's status, given the stage it left (`left`): a suspension keeps that
 * stage, marked 暂停; a transfer superseded by its re-listing keeps that stage's award and
 * contract (a defaulted winner's award stays cancelled, not gone; an unsold one had none).
 */
export function ocdsStatusOf(line: OcdsLine, status: string, left?: string | null): OcdsStatus {
  const table = OCDS_STATUS[line] as Record<string, OcdsStatus>;
  const mapped = table[status];
  if (!mapped) throw new RangeError(`unknown ${line} status: ${status}`);
  const stage = left ? table[left] : undefined;
  if (!stage) return mapped;
  if (status === 'suspended') return { ...stage, details: `暂停(${stage.details})`, release: 'update' };
  if (line === 'transfer' && status === 'superseded')
    return { ...mapped, award: stage.award, contract: stage.contract };
  return mapped;
}
