import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { compileAllowList } from './allow-list.js';
import { pinnedLookup, resolveAllowed } from './pinned-lookup.js';

describe('resolveAllowed', () => {
  it('refuses a name that resolves to loopback, naming the address', async () => {
    await expect(resolveAllowed('localhost', compileAllowList([]))).rejects.toMatchObject({
      code: 'ATOM_ERR_HTTP_BLOCKED_ADDRESS',
      message: expect.stringMatching(/"localhost" resolves to (127\.0\.0\.1|::1), a loopback address/),
    });
  });

  it('allows a listed name whatever it resolves to, and listed literals', async () => {
    const addresses = await resolveAllowed('localhost', compileAllowList(['localhost']));
    expect(addresses.length).toBeGreaterThan(0);
    expect(await resolveAllowed('[::1]', compileAllowList(['::1']))).toEqual([{ address: '::1', family: 6 }]);
    expect(await resolveAllowed('8.8.8.8', compileAllowList([]))).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });
});

describe('pinnedLookup', () => {
  const checked: LookupAddress[] = [
    { address: '93.184.215.14', family: 4 },
    { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
  ];
  const ask = (options: { family?: number; all?: boolean }) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) => {
      // The host name is ignored on purpose: only the addresses checked before are ever answered.
      pinnedLookup(checked)('rebound.example', options, (error, address, family) =>
        resolve({ error, address, family }),
      );
    });

  it('answers with the checked addresses only, whatever the name', async () => {
    expect(await ask({})).toEqual({ error: null, address: '93.184.215.14', family: 4 });
    expect(await ask({ all: true })).toEqual({ error: null, address: checked, family: undefined });
    expect(await ask({ family: 6 })).toMatchObject({ address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 });
  });

  it('fails like DNS when no checked address has the family asked for', async () => {
    const only4 = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      pinnedLookup([{ address: '93.184.215.14', family: 4 }])('x', { family: 6 }, (error) => resolve(error));
    });
    expect(only4?.code).toBe('ENOTFOUND');
  });
});
