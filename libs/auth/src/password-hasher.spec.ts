import { PasswordHasher } from './password-hasher.js';

// A hash written by the WebAssembly argon2id (hash-wasm) the platform used on Node 20, with the
// same parameters, for the password 'correct horse battery staple'.
const WASM_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$AAECAwQFBgcICQoLDA0ODw$gYJZtjEAJqjg26xdLmknq8/bB7MiWPrE9hsYuA+SkIU';

describe('PasswordHasher (native argon2id)', () => {
  const hasher = new PasswordHasher();

  it('writes argon2id PHC strings with the OWASP minimum parameters and a fresh salt', async () => {
    const first = await hasher.hash('correct horse battery staple');
    const second = await hasher.hash('correct horse battery staple');
    const [, algorithm, version, parameters] = first.split('$');
    expect([algorithm, version]).toEqual(['argon2id', 'v=19']);
    expect(parameters.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(first).not.toEqual(second);
  });

  it.each([
    ['the right password', 'correct horse battery staple', true],
    ['a wrong password', 'correct horse battery stapler', false],
    ['an empty password', '', false],
  ])('verifies %s', async (_, attempt, expected) => {
    const hash = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify(hash, attempt)).resolves.toBe(expected);
  });

  it('answers false, not an error, for a hash that is not a PHC string', async () => {
    await expect(hasher.verify('not-a-hash', 'anything')).resolves.toBe(false);
  });

  it('verifies hashes written by the WebAssembly build used on Node 20', async () => {
    await expect(hasher.verify(WASM_HASH, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(WASM_HASH, 'wrong')).resolves.toBe(false);
  });
});
