import { exec } from "child_process";
import * as childProcess from "node:child_process";

export function run(branch: string, pattern: string): void {
  // ruleid: controlgate.javascript.child-process-injection
  exec(`git checkout ${branch}`);
  // ruleid: controlgate.javascript.child-process-injection
  childProcess.execSync("grep -r " + pattern + " .");
  // ok: controlgate.javascript.child-process-injection
  childProcess.execFileSync("git", ["checkout", branch]);
  // ok: controlgate.javascript.child-process-injection
  exec("git status");
}
