const cp = require("child_process");
const { execSync } = require("node:child_process");

const BASE_DIR = "/var/data";

function bad(req, res) {
  const file = req.query.file;
  // ruleid: controlgate.javascript.child-process-injection
  cp.exec(`cat ${file}`, (err, out) => res.send(out));
  // ruleid: controlgate.javascript.child-process-injection
  execSync("tar xzf " + req.body.archive);
  // ruleid: controlgate.javascript.child-process-injection
  require("child_process").exec("ping -c 1 " + req.query.host);
  // ruleid: controlgate.javascript.child-process-injection
  cp.execSync(req.query.dir + " | wc -l", { encoding: "utf8" });
}

function good(req) {
  // ok: controlgate.javascript.child-process-injection
  cp.execFile("cat", [req.query.file]);
  // ok: controlgate.javascript.child-process-injection
  cp.spawn("ls", ["-la", req.query.dir]);
  // ok: controlgate.javascript.child-process-injection
  execSync("git rev-parse HEAD");
  // ok: controlgate.javascript.child-process-injection
  execSync(`ls -la`);
  // ok: controlgate.javascript.child-process-injection
  cp.exec("du -sh " + BASE_DIR);
  // ok: controlgate.javascript.child-process-injection
  /(\d+)/.exec(`id-${req.query.id}`);
  // ok: controlgate.javascript.child-process-injection
  db.exec("DELETE FROM t WHERE id = " + req.query.id);
}

function moreGood(req, log) {
  // ok: controlgate.javascript.child-process-injection
  cp.exec("git status", (err, out) => log("status for " + req.query.repo + ": " + out));
  // ok: controlgate.javascript.child-process-injection
  cp.exec(shellQuoteJoin(["ls", "-la", "dir-" + req.query.dir]));
}

// spawn / execFile with the shell option
const { spawn, execFile } = require("child_process");
function shellOption(req, res) {
  // ruleid: controlgate.javascript.child-process-injection
  spawn(`convert ${req.query.file} out.png`, { shell: true });
  // ruleid: controlgate.javascript.child-process-injection
  cp.spawn("ls", ["-la", req.query.dir], { shell: true, stdio: "inherit" });
  // ruleid: controlgate.javascript.child-process-injection
  execFile("git", ["log", req.body.ref], { shell: "/bin/bash" }, (err, out) => res.send(out));
  // ruleid: controlgate.javascript.child-process-injection
  cp.spawnSync(req.query.tool, { shell: true });

  // ok: controlgate.javascript.child-process-injection
  spawn("ls", ["-la", req.query.dir], { shell: false });
  // ok: controlgate.javascript.child-process-injection
  spawn("ls", ["-la", req.query.dir]);
  // ok: controlgate.javascript.child-process-injection
  cp.spawn("npm", ["run", "build"], { shell: true });
  // ok: controlgate.javascript.child-process-injection
  execFile("git", ["status"], { shell: true, cwd: BASE_DIR }, (err, out) => res.send(out));
}
