/**
 * The public credit list (信用 公示, issue 10): what it may say of a sanctioned party. An
 * organisation (a unified social credit code on its account) is disclosed by its name and code,
 * as credit lists name the enterprises they sanction. A natural person's name is personal
 * information, published no further than the purpose needs (个人信息保护法 第6条, 最小必要), and
 * the rule is that no public response carries a bidder's real name: the public sees its
 * first character only, masked to a fixed length so that the mask tells
 * nothing of the name's length. No account id is ever disclosed.
 */
export interface PartyOfRecord {
  displayName: string;
  orgCode: string | null;
}

export interface DisclosedParty {
  kind: 'organization' | 'person';
  name: string;
  orgCode: string | null;
}

/** The mask after a person's first character: fixed, whatever the name's length. */
export const PERSON_NAME_MASK = '**';

export function disclosedParty(party: PartyOfRecord): DisclosedParty {
  if (party.orgCode) return { kind: 'organization', name: party.displayName.trim(), orgCode: party.orgCode };
  // By code point: a name may begin with a character outside the BMP (𠮷).
  const [first = ''] = Array.from(party.displayName.trim());
  return { kind: 'person', name: `${first}${PERSON_NAME_MASK}`, orgCode: null };
}
