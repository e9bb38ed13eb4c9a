import type { RequiredCheckFact } from '../../change-management/facts.ts';
import { apiMessage, describeRefusal, refusalStatus, splitRepo } from './api-refusal.ts';
import type { GitHubClient } from './client.ts';

/*
 * Whether the gate's status had to pass before a merge into `baseRef`. GitHub keeps two lists of
 * required checks: repository rulesets (readable with read access) and classic branch protection
 * (readable only by admins, so 403 is common). The check was required if either names it; not
 * required only when both could be read and neither does.
 */

type Reading = { names: string[] } | { refused: string };

async function fromRulesets(client: GitHubClient, repo: string, baseRef: string): Promise<Reading> {
  try {
    const rules = await client.paginate(client.rest.repos.getBranchRules, {
      ...splitRepo(repo),
      branch: baseRef,
      per_page: 100,
    });
    const names: string[] = [];
    for (const rule of rules) {
      if (rule.type !== 'required_status_checks') continue;
      for (const check of rule.parameters?.required_status_checks ?? []) names.push(check.context);
    }
    return { names };
  } catch (error) {
    if (refusalStatus(error) === undefined) throw error;
    return { refused: `rulesets for ${baseRef}: GitHub answered ${describeRefusal(error)}` };
  }
}

async function fromProtection(client: GitHubClient, repo: string, baseRef: string): Promise<Reading> {
  try {
    const { data } = await client.rest.repos.getStatusChecksProtection({
      ...splitRepo(repo),
      branch: baseRef,
    });
    return { names: [...(data.contexts ?? []), ...(data.checks ?? []).map((c) => c.context)] };
  } catch (error) {
    const status = refusalStatus(error);
    if (status === undefined) throw error;
    // GitHub's 404 for a branch with no protection, or protection without required checks: read, and none.
    const message = apiMessage(error) ?? '';
    if (status === 404 && /^(Branch not protected|Required status checks not enabled)$/.test(message))
      return { names: [] };
    return { refused: `branch protection for ${baseRef}: GitHub answered ${describeRefusal(error)}` };
  }
}

/** The requirement, and the refusals that left it unknown (also for `gaps`). */
export async function readRequiredCheck(
  client: GitHubClient,
  repo: string,
  baseRef: string,
  context: string,
): Promise<{ fact: RequiredCheckFact; gaps: string[] }> {
  const source = `rulesets and branch protection for ${baseRef}`;
  const [rulesets, protection] = await Promise.all([
    fromRulesets(client, repo, baseRef),
    fromProtection(client, repo, baseRef),
  ]);
  const requiredBy = [
    'names' in rulesets && rulesets.names.includes(context) ? `a ruleset for ${baseRef}` : null,
    'names' in protection && protection.names.includes(context) ? `branch protection of ${baseRef}` : null,
  ].filter((s): s is string => s !== null);
  const refusals = [rulesets, protection].flatMap((r) => ('refused' in r ? [r.refused] : []));
  if (requiredBy.length > 0)
    return { fact: { required: true, source, detail: `required by ${requiredBy.join(' and ')}` }, gaps: [] };
  if (refusals.length === 0)
    return {
      fact: {
        required: false,
        source,
        detail: `neither rulesets nor branch protection of ${baseRef} require "${context}"`,
      },
      gaps: [],
    };
  return {
    fact: { required: 'unknown', source, detail: refusals.join('; ') },
    gaps: refusals.map((r) => `whether "${context}" is required: ${r}`),
  };
}
