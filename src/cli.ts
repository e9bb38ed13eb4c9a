#!/usr/bin/env node
/** The `controlgate` command: checks the runtime, then hands over to main(); nothing else lives here. */
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `controlgate needs Node.js 22 or later (24 recommended); this is ${process.version}. Run it through npm (npx controlgate / npm run), which uses the bundled Node 24, or install Node 24.\n`,
  );
  process.exit(2);
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});
