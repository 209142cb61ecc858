import { disclosedParty } from './credit-disclosure.js';

describe('disclosedParty: what the public credit list says of a party', () => {
  it.each([
    [
      'an organisation: its name and code',
      { displayName: '南昌某建设有限公司', orgCode: '914403001922038216' },
      { kind: 'organization', name: '南昌某建设有限公司', orgCode: '914403001922038216' },
    ],
    [
      'an organisation, trimmed',
      { displayName: '  某公司 ', orgCode: '9144030071526726XG' },
      { kind: 'organization', name: '某公司', orgCode: '9144030071526726XG' },
    ],
    [
      'a person of two characters',
      { displayName: '张三', orgCode: null },
      { kind: 'person', name: '张**', orgCode: null },
    ],
    [
      'a person of four characters: the same mask',
      { displayName: '欧阳娜娜', orgCode: null },
      { kind: 'person', name: '欧**', orgCode: null },
    ],
    [
      'a person whose first character is outside the BMP',
      { displayName: '𠮷野家', orgCode: null },
      { kind: 'person', name: '𠮷**', orgCode: null },
    ],
    [
      'a person named in Latin letters',
      { displayName: ' Li Wei', orgCode: null },
      { kind: 'person', name: 'L**', orgCode: null },
    ],
    [
      'an empty org code is no organisation',
      { displayName: '李四', orgCode: '' },
      { kind: 'person', name: '李**', orgCode: null },
    ],
  ])('%s', (_case, party, disclosed) => {
    expect(disclosedParty(party)).toEqual(disclosed);
  });

  it('never carries a person’s name beyond its first character', () => {
    const name = '竞买人 bidder1a2b3c4d';
    const shown = disclosedParty({ displayName: name, orgCode: null });
    expect(shown.name).not.toContain(name.slice(0, 2));
  });
});
