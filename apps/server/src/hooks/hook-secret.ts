/**
 * A webhook trigger's `verify.secret`: literal text, or a template such as `{{ $secrets.GH_HOOK }}`
 * resolved against the secrets and variables of the workflow's workspace at each delivery (so a rotated secret
 * applies at once). A secret that resolves to nothing refuses the delivery rather than accept it
 * unsigned.
 */
import { AtomError } from '@atom/errors';
import { type CompiledTemplate, compileTemplate, evaluateTemplate } from '@atom/spec';
import type { ServerContext } from '../server-context.js';

const compiled = new Map<string, CompiledTemplate>();

export async function resolveHookSecret(ctx: ServerContext, workspaceId: string, text: string): Promise<string> {
  let template = compiled.get(text);
  if (!template) {
    template = compileTemplate(text, 'trigger.webhook.verify.secret');
    compiled.set(text, template);
  }
  const value = await evaluateTemplate(template, {
    inputs: {},
    trigger: {},
    steps: {},
    run: { id: '', workflow: '', version: 0, attempt: 0 },
    vars: await ctx.secrets.vars(workspaceId),
    secrets: await ctx.secrets.secrets(workspaceId),
  });
  if (typeof value !== 'string' || value === '') {
    throw new AtomError(
      'ATOM_ERR_HOOK_SIGNATURE',
      'the webhook signing secret is not set (check the secret the trigger names); the delivery was refused',
    );
  }
  return value;
}
