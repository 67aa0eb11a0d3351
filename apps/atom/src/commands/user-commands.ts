/**
 * `atom users create --email E --role R` (password from stdin) and `atom tokens create --email E
 * --name N [--expires-days D]` (prints the token once; only its hash is stored). They work on the
 * database directly, so the first user and token exist before any server runs. Both act in one
 * workspace (`--workspace`, ATOM_WORKSPACE, else `default`): the user is created as a member of
 * it with the role, and the token acts in it only (its user must be a member there).
 */
import { randomUUID } from 'node:crypto';
import { AtomError } from '@atom/errors';
import { AuditLog, hashPassword, issueApiToken, NO_SOURCE, SYSTEM_ACTOR } from '@atom/server';
import type { UserRole } from '@atom/store';
import { targetWorkspace } from '../runtime/target-workspace.js';
import { reported, usingStore } from './command-frame.js';
import { ExitCode } from './exit-codes.js';
import { readStdin } from './read-stdin.js';

const ROLES: UserRole[] = ['owner', 'admin', 'editor', 'operator', 'viewer'];
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MIN_PASSWORD = 8;

function usage(message: string): AtomError {
  return new AtomError('ATOM_ERR_CLI_USAGE', message);
}

export interface TokenOptions {
  data: string;
  email: string;
  name: string;
  expiresDays?: string;
  role?: string;
  workspace?: string;
}

export async function createUserCommand(options: {
  data: string;
  email: string;
  role: string;
  workspace?: string;
}): Promise<number> {
  return reported(async () => {
    if (!EMAIL.test(options.email)) throw usage(`--email ${options.email}: expected an email address`);
    if (!ROLES.includes(options.role as UserRole))
      throw usage(`--role ${options.role}: expected one of ${ROLES.join(', ')}`);
    const password = (await readStdin()).replace(/\r?\n$/, '');
    if (password.length < MIN_PASSWORD) {
      throw usage(`the password (read from stdin) must have at least ${MIN_PASSWORD} characters`);
    }
    return usingStore(options.data, async ({ store }) => {
      const workspace = await targetWorkspace(store, options.workspace);
      const id = randomUUID();
      const user = {
        id,
        email: options.email,
        role: options.role as UserRole,
        passwordHash: await hashPassword(password),
        createdAt: Date.now(),
      };
      await store.createUser(user, workspace.id);
      await new AuditLog(store, Date.now).append(workspace.id, SYSTEM_ACTOR, NO_SOURCE, {
        action: 'user.create',
        target: { type: 'user', id, name: options.email },
        data: { role: options.role, via: 'cli' },
      });
      process.stdout.write(
        `created user ${options.email} (${options.role}), id ${id}, in workspace ${workspace.slug}\n`,
      );
      return ExitCode.ok;
    });
  }, ['ATOM_ERR_USER_EXISTS']);
}

export async function createTokenCommand(options: TokenOptions): Promise<number> {
  return reported(async () => {
    if (options.role !== undefined && !ROLES.includes(options.role as UserRole)) {
      throw usage(`--role ${options.role}: expected one of ${ROLES.join(', ')}`);
    }
    const days = options.expiresDays === undefined ? undefined : Number(options.expiresDays);
    if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
      throw usage(`--expires-days ${options.expiresDays}: expected a positive whole number of days`);
    }
    if (options.name.trim() === '') throw usage('--name must not be empty');
    return usingStore(options.data, async ({ store }) => {
      const workspace = await targetWorkspace(store, options.workspace);
      const found = await store.getUserByEmail(options.email);
      const role = found && (await store.getMembership(workspace.id, found.id));
      if (!found || !role) {
        throw new AtomError('ATOM_ERR_USER_NOT_FOUND', `no member of ${workspace.slug} has the email ${options.email}`);
      }
      const user = { ...found, role };
      const { token, record } = await issueApiToken(store, {
        user,
        workspaceId: workspace.id,
        name: options.name,
        role: (options.role as UserRole | undefined) ?? null,
        expiresInDays: days ?? null,
        now: Date.now(),
      });
      await new AuditLog(store, Date.now).append(workspace.id, SYSTEM_ACTOR, NO_SOURCE, {
        action: 'apiToken.create',
        target: { type: 'apiToken', id: record.id, name: options.name },
        data: { user: user.email, expiresAt: record.expiresAt, via: 'cli' },
      });
      process.stderr.write(
        `token "${options.name}" for ${user.email} (${record.role ?? user.role} in ${workspace.slug}); it is shown only now:\n`,
      );
      process.stdout.write(`${token}\n`);
      return ExitCode.ok;
    });
  }, ['ATOM_ERR_USER_NOT_FOUND', 'ATOM_ERR_ROLE_TOO_HIGH']);
}
