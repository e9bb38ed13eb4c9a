import { readdirSync, readFileSync } from 'node:fs';

/*
 * Every process a scanner started, found through /proc (Linux; elsewhere nothing is found and the
 * process group is all there is). Killing the scanner's process group is not enough: a helper can
 * start a session of its own (setsid, as daemons do) and, once its parent has died, it is nobody's
 * descendant either. So each scanner runs with a tag in its environment, which its children
 * inherit, and a process is the scanner's when it carries the tag or descends from the scanner.
 */

/** The environment variable that carries the tag. */
export const PROCESS_TAG_VARIABLE = 'CONTROLGATE_PROCESS_TAG';

interface ProcessFacts {
  ppid: number;
  /** One letter: R running, S sleeping, Z zombie, … (see proc(5)). */
  state: string;
}

function facts(pid: number): ProcessFacts | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name before these fields is in parentheses and may itself hold spaces or ')'.
    const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

function carries(pid: number, needle: Buffer): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`).includes(needle);
  } catch {
    // Another user's process (EACCES) or one that has just ended.
    return false;
  }
}

/**
 * Live processes (zombies are already dead) that carry `tag` in their environment or, when `root`
 * is given, descend from it. `root` must only be given while it is known not to have been reaped:
 * after that its pid can belong to an unrelated process.
 */
export function taggedProcesses(tag: string, root?: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`${PROCESS_TAG_VARIABLE}=${tag}\0`);
  const found = new Set<number>();
  const children = new Map<number, number[]>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const info = facts(pid);
    if (!info || info.state === 'Z' || info.state === 'X') continue;
    const siblings = children.get(info.ppid);
    if (siblings) siblings.push(pid);
    else children.set(info.ppid, [pid]);
    if (carries(pid, needle)) found.add(pid);
  }
  if (root !== undefined) {
    const seen = new Set<number>();
    const queue = [...(children.get(root) ?? [])];
    for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
      if (seen.has(pid)) continue;
      seen.add(pid);
      found.add(pid);
      queue.push(...(children.get(pid) ?? []));
    }
  }
  return [...found];
}
