import { randomBytes } from 'node:crypto';
import type { Principal } from './evaluate';
import type { NamedPolicy, PolicyStore } from './policies';

/**
 * Who holds which access key. The local copy's own default credentials (`test`/`test`) stay an
 * administrator of the account, as the issue asks, so today's workflows keep working; every other
 * principal holds temporary credentials minted here, as STS does: the Lambda service's session for
 * each function's execution role, and sessions created by sts:AssumeRole.
 */

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface Holder {
  readonly credentials: Credentials;
  readonly principal: Principal;
}

export const ADMIN_POLICY: NamedPolicy = {
  name: 'AdministratorAccess',
  source: 'local copy: the default credentials',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** AWS's temporary key ids start with ASIA and are 20 upper-case characters. */
function temporaryKeyId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const b = randomBytes(16);
  return `ASIA${Array.from(b, (x) => alphabet[x % 32]).join('')}`;
}

export class CredentialRegistry {
  private readonly byKey = new Map<string, Holder>();

  constructor(
    private readonly store: () => PolicyStore,
    admin: Credentials,
  ) {
    const accountId = store().accountId;
    this.byKey.set(admin.accessKeyId, {
      credentials: admin,
      principal: { arn: `arn:aws:iam::${accountId}:user/local-admin`, kind: 'user', identityPolicies: [ADMIN_POLICY] },
    });
  }

  lookup(accessKeyId: string): Holder | undefined {
    return this.byKey.get(accessKeyId);
  }

  /**
   * A session of `roleArn` (what sts:AssumeRole and the Lambda service hand out). The role's
   * identity policies are read from the store on every request, so a session always sees the
   * policies of the templates currently provisioned.
   */
  assumeRole(roleArn: string, sessionName: string, durationSeconds: number, tags: Record<string, string> = {}): Holder {
    const role = this.store().roles.get(roleArn);
    if (!role) throw new Error(`no role ${roleArn} in the provisioned templates`);
    const credentials: Credentials = {
      accessKeyId: temporaryKeyId(),
      secretAccessKey: token(30),
      sessionToken: token(96),
      expiration: new Date(Date.now() + durationSeconds * 1000),
    };
    const store = this.store;
    const principal: Principal = {
      arn: `arn:aws:sts::${this.store().accountId}:assumed-role/${role.name}/${sessionName}`,
      kind: 'assumed-role',
      roleArn,
      get identityPolicies() {
        return store().roles.get(roleArn)?.policies ?? [];
      },
      tags,
    };
    const holder = { credentials, principal };
    this.byKey.set(credentials.accessKeyId, holder);
    return holder;
  }
}
