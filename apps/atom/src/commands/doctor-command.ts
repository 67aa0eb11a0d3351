/**
 * `atom doctor`: prints the effective configuration (secrets masked) and checks every dependency
 * (docs/cli.md). Changes nothing. Exit 0 when no check failed (warnings allowed), 1 otherwise.
 */
import { AtomError } from '@atom/errors';
import { describeConfig } from '../runtime/describe-config.js';
import {
  type CheckResult,
  checkDatabase,
  checkDataFolder,
  checkEncryptionKey,
  checkNode,
  checkOidc,
  checkPort,
  checkRedis,
} from '../runtime/doctor-checks.js';
import { type AtomConfig, readConfig } from '../runtime/env-config.js';
import { ExitCode } from './exit-codes.js';

export interface DoctorOptions {
  data: string;
  port: string;
  host: string;
  json?: boolean;
}

export async function doctorCommand(options: DoctorOptions): Promise<number> {
  const target = { dataDir: options.data, host: options.host, port: Number(options.port), env: process.env };
  const checks: CheckResult[] = [checkNode()];
  let config: AtomConfig | undefined;
  try {
    config = readConfig(process.env);
    checks.push({ check: 'configuration', status: 'ok', detail: 'every variable is valid' });
  } catch (error) {
    const code = error instanceof AtomError ? error.code : 'ATOM_ERR_CONFIG_INVALID';
    checks.push({ check: 'configuration', status: 'fail', detail: (error as Error).message, code });
  }
  checks.push(checkDataFolder(options.data), checkEncryptionKey(target));
  if (config) checks.push(await checkDatabase(config, options.data), await checkRedis(config), await checkOidc(config));
  if (Number.isInteger(target.port) && target.port > 0 && target.port < 65536) {
    checks.push(await checkPort(target.host, target.port));
  } else {
    checks.push({
      check: 'port',
      status: 'fail',
      detail: `--port ${options.port}: expected 1–65535`,
      code: 'ATOM_ERR_CLI_USAGE',
    });
  }
  const settings = config ? describeConfig(config, target) : [];
  const failedCount = checks.filter((check) => check.status === 'fail').length;

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ok: failedCount === 0, configuration: settings, checks }, null, 2)}\n`);
  } else {
    process.stdout.write('Configuration\n');
    const width = Math.max(0, ...settings.map((s) => s.name.length));
    for (const s of settings)
      process.stdout.write(`  ${s.name.padEnd(width)}  ${s.value}${s.set ? '' : '  (default)'}\n`);
    process.stdout.write('\nChecks\n');
    for (const c of checks) {
      const mark = c.status === 'ok' ? 'ok  ' : c.status === 'warn' ? 'warn' : 'FAIL';
      process.stdout.write(`  ${mark}  ${c.check}: ${c.detail}${c.code && c.status !== 'ok' ? ` [${c.code}]` : ''}\n`);
    }
    const warnings = checks.filter((check) => check.status === 'warn').length;
    process.stdout.write(`\n${failedCount} failed, ${warnings} warning(s), ${checks.length} checks\n`);
  }
  return failedCount === 0 ? ExitCode.ok : ExitCode.failed;
}
