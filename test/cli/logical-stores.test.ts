import { decodeStores, encodeStores, LOGICAL_STORES } from '../../core/logical-stores';
import { CliError, EXIT } from '../../cli/shared/cli-errors';
import type { ResolvedEnvironment } from '../../cli/shared/env-resolve';
import { mapLogicalStore, StoreResolver, storeRelativeKey, storesDisabled } from '../../cli/shared/logical-stores';

/** How `s3://<store>/…` resolves (README "Logical stores"): when it maps, and every way it must not. */
const DEV: ResolvedEnvironment = { env: 'dev', region: 'eu-central-1', bucketName: 'blob-dev-data', tableName: 'blob-dev-kvstore', stores: ['sessions', 'logs'] };

function resolver(env: Promise<ResolvedEnvironment> | undefined, reachable: string[] = []): StoreResolver & { probes: string[] } {
  const probes: string[] = [];
  return {
    probes,
    environment: () => env,
    bucketReachable: async (name) => {
      probes.push(name);
      return reachable.includes(name);
    },
  };
}

afterEach(() => {
  delete process.env.BLOB_STORES;
});

describe('mapLogicalStore', () => {
  it('maps a published store to the environment bucket under its prefix, keeping the rest of the key', async () => {
    await expect(mapLogicalStore({ bucket: 'sessions', key: 'a/b.json' }, resolver(Promise.resolve(DEV)))).resolves.toEqual({ bucket: 'blob-dev-data', key: 'sessions/a/b.json', store: 'sessions' });
    await expect(mapLogicalStore({ bucket: 'logs', key: '' }, resolver(Promise.resolve(DEV)))).resolves.toEqual({ bucket: 'blob-dev-data', key: 'logs/', store: 'logs' });
  });

  it('leaves the name a bucket: no environment, a name the stack does not publish, or BLOB_STORES=off', async () => {
    await expect(mapLogicalStore({ bucket: 'sessions', key: 'k' }, resolver(undefined))).resolves.toBeUndefined();
    // artifacts is a store in the code, but this (older or forked) stack does not publish it.
    await expect(mapLogicalStore({ bucket: 'artifacts', key: 'k' }, resolver(Promise.resolve(DEV)))).resolves.toBeUndefined();
    for (const off of ['off', 'OFF', '0', 'false', 'no']) {
      process.env.BLOB_STORES = off;
      const r = resolver(Promise.resolve(DEV));
      await expect(mapLogicalStore({ bucket: 'sessions', key: 'k' }, r)).resolves.toBeUndefined();
      expect(r.probes).toEqual([]);
    }
  });

  it('refuses, with exit 2 and both ways to write it, a store name that is also a bucket the caller reaches', async () => {
    const err = await mapLogicalStore({ bucket: 'logs', key: 'x' }, resolver(Promise.resolve(DEV), ['logs'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.USAGE);
    expect((err as CliError).line('blob')).toBe(
      'blob: error: s3://logs/ is both a logical store of environment "dev" and a bucket you can reach (write s3://blob-dev-data/logs/… for the store, or set BLOB_STORES=off for the bucket)',
    );
  });

  it('an environment that cannot be resolved fails a known store name but never a real bucket name', async () => {
    const failing = () => Promise.reject(new CliError('environment "dev" is not deployed', EXIT.CONFIG));
    await expect(mapLogicalStore({ bucket: 'sessions', key: 'k' }, resolver(failing()))).rejects.toMatchObject({ exitCode: EXIT.CONFIG });
    await expect(mapLogicalStore({ bucket: 'my-team-bucket', key: 'k' }, resolver(failing()))).resolves.toBeUndefined();
  });

  it('probes for a shadowed bucket only when it would map', async () => {
    const r = resolver(Promise.resolve(DEV));
    await mapLogicalStore({ bucket: 'my-team-bucket', key: 'k' }, r);
    await mapLogicalStore({ bucket: 'sessions', key: 'k' }, r);
    expect(r.probes).toEqual(['sessions']);
  });
});

describe('store-relative keys and the published list', () => {
  it('list keys through a store drop exactly the store prefix', () => {
    expect(storeRelativeKey('logs', 'logs/2025-11-15-10/agent-1.log')).toBe('2025-11-15-10/agent-1.log');
    expect(storeRelativeKey('logs', 'logs/logs/x')).toBe('logs/x');
    expect(storeRelativeKey(undefined, 'logs/x')).toBe('logs/x');
  });

  it('encodes and decodes the code’s list unchanged; junk entries are dropped, never mapped', () => {
    expect(decodeStores(encodeStores(LOGICAL_STORES))).toEqual([...LOGICAL_STORES]);
    expect(decodeStores(' sessions, ,UPPER,a.b,x,logs ')).toEqual(['sessions', 'logs']);
    expect(decodeStores(undefined)).toEqual([]);
  });

  it('every store name the seed uses is a valid single key segment', () => {
    for (const s of LOGICAL_STORES) expect(s).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
    expect(storesDisabled({ BLOB_STORES: 'on' })).toBe(false);
  });
});
