// node: child_process execSync, spawn awaited through a promise, execFile,
// spawnSync with input, fork with an IPC channel.  Ends with status 5.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const util = require('util');

if (process.argv[2] === 'child') {
  process.on('message', (m) => {
    process.send({ echo: m.text.toUpperCase() });
    process.disconnect();
  });
  return;
}

function spawned(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = cp.spawn(cmd, args);
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ out: out.trim(), code }));
  });
}

(async () => {
  console.log(cp.execSync('echo execSync').toString().trim());
  try {
    cp.execSync('exit 4', { stdio: 'pipe' });
  } catch (e) {
    console.log('execSync failed with status', e.status);
  }
  const r = await spawned('sh', ['-c', 'echo spawned; exit 3']);
  console.log(r.out, r.code);
  const { stdout } = await util.promisify(cp.execFile)('printf', ['%s\n', 'execFile']);
  console.log(stdout.trim());
  const s = cp.spawnSync('tr', ['a-z', 'A-Z'], { input: 'spawnsync\n' });
  console.log(s.stdout.toString().trim(), s.status);
  const child = cp.fork(__filename, ['child']);
  const ended = new Promise((resolve) => child.on('exit', resolve));
  child.send({ text: 'over ipc' });
  const reply = await new Promise((resolve) => child.on('message', resolve));
  const code = await ended;
  console.log('forked child said', reply.echo, 'and exited', code);
  fs.mkdirSync('out', { recursive: true });
  fs.writeFileSync('out/node.txt', 'written by node\n');
  console.error('to stderr');
  process.exitCode = 5;
})();
