#!/usr/bin/env node
// The `bystack` command. Its TypeScript runs directly on Node 24 (type stripping); `npx bystack` and
// `npm start` use the Node 24 the repository pins in node_modules/.bin.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `bystack needs Node 24 (this is Node ${process.versions.node}): run it as \`npx bystack\` from the repository, ` +
      'or put node_modules/.bin first on the PATH.\n',
  );
  process.exit(1);
}
const { runCli } = await import('../src/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
