import { rolesAreCompatible, signInDelaySeconds } from './account-roles.js';

describe('rolesAreCompatible', () => {
  it.each<[string[], boolean]>([
    [['bidder'], true],
    [['staff'], true],
    [['staff', 'supervisor'], true],
    [['supervisor', 'admin'], true],
    [['bidder', 'bidder'], true],
    [['bidder', 'staff'], false],
    [['supervisor', 'bidder'], false],
    [['admin', 'bidder'], false],
    [['bidder', 'staff', 'supervisor', 'admin'], false],
  ])('%j → %s', (roles, expected) => {
    expect(rolesAreCompatible(roles)).toBe(expected);
  });
});

describe('signInDelaySeconds', () => {
  const policy = { freeFailures: 5, firstDelaySeconds: 2, maxDelaySeconds: 900 };
  it.each<[number, number]>([
    [0, 0],
    [4, 0],
    [5, 2],
    [6, 4],
    [7, 8],
    [10, 64],
    [13, 512],
    [14, 900],
    [1000, 900],
  ])('%i failures → %i s', (failures, expected) => {
    expect(signInDelaySeconds(failures, policy)).toBe(expected);
  });
});
