'use strict';
// The Node client against the built `phiscrub serve --stdio` ($PHISCRUB_BIN, else .build/release or .build/debug).
// Synthetic values only: 555-01xx phones, SSNs generated to pass the SSA rules, example.* domains.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Client, ServiceError, ServiceClosedError } = require('..');

const repo = path.resolve(__dirname, '..', '..', '..');
const binary = process.env.PHISCRUB_BIN
  || ['release', 'debug'].map((b) => path.join(repo, '.build', b, 'phiscrub')).find((p) => fs.existsSync(p));
if (!binary) throw new Error('phiscrub is not built: run `swift build` or set PHISCRUB_BIN');

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PHISCRUB_')));
env.PHISCRUB_KEYRING = '/nonexistent/keyring.json';
const NOTE = 'SSN 365-94-0475, phone (312) 555-0134';

test('redact, scan and transform', async () => {
  const c = new Client({ binary, env });
  try {
    const r = await c.redact(NOTE);
    assert.equal(r.text, 'SSN [SSN], phone [PHONE]');
    assert.deepEqual(r.findings.map((f) => [f.entity, f.start, f.end]), [['SSN', 4, 15], ['PHONE', 23, 37]]);
    assert.ok(!JSON.stringify(r.findings).includes('365-94'));
    assert.equal((await c.scan(NOTE)).findings.length, 2);
    assert.equal((await c.transform(NOTE, { operators: { SSN: 'mask' } })).text, 'SSN ***-**-0475, phone [PHONE]');
  } finally {
    assert.equal(await c.close(), 0);
  }
});

test('typed errors, and the service goes on', async () => {
  const c = new Client({ binary, env });
  try {
    await assert.rejects(c.call('frobnicate', 'x'), (e) => e instanceof ServiceError && e.code === 'unknown_op');
    await assert.rejects(c.transform(NOTE, { operator: 'token' }), (e) => e instanceof ServiceError && e.code === 'keys');
    assert.equal((await c.redact(NOTE)).text, 'SSN [SSN], phone [PHONE]');
  } finally {
    await c.close();
  }
});

test('many requests in flight and a several-megabyte one', async () => {
  const c = new Client({ binary, env });
  try {
    const big = 'row 365-94-0475 ok\n'.repeat(200000);
    const small = Array.from({ length: 500 }, (_, i) => c.redact(`item ${i} call (312) 555-01${String(i % 100).padStart(2, '0')}`));
    const [large, ...rest] = await Promise.all([c.redact(big), ...small]);
    assert.equal(large.findings.length, 200000);
    assert.ok(!large.text.includes('365-94-0475'));
    rest.forEach((r, i) => assert.equal(r.text, `item ${i} call [PHONE]`));
  } finally {
    await c.close();
  }
});

test('a service that cannot start rejects with ServiceClosedError', async () => {
  const c = new Client({ binary, env, args: ['--rules', '/nonexistent/pack.yaml'] });
  await assert.rejects(c.redact('x'), (e) => e instanceof ServiceClosedError && /exit status 2/.test(e.message));
  assert.equal(await c.close(), 2);
});

test('agent loop: the prompt and the tool output are scrubbed', async () => {
  const c = new Client({ binary, env });
  try {
    const model = (messages) => (messages.at(-1).role === 'user'
      ? { tool: 'ehr_lookup', arguments: { query: 'latest visit' } }
      : { content: 'Summary: ' + messages.at(-1).content });
    const tool = () => 'Visit 2024-03-02 for Jane Roe, SSN 365-94-0475, callback (312) 555-0134, jroe@example.com';
    const messages = [{ role: 'user', content: (await c.redact('Patient Jane Roe (SSN 365-94-0475) asks about her last visit')).text }];
    let answer;
    for (;;) {
      const reply = model(messages);
      if (!reply.tool) { answer = reply.content; break; }
      messages.push({ role: 'tool', content: (await c.redact(tool(reply.tool, reply.arguments))).text });
    }
    assert.equal(answer, 'Summary: Visit [DATE] for [NAME], SSN [SSN], callback [PHONE], [EMAIL]');
    assert.equal(messages[0].content, 'Patient [NAME] (SSN [SSN]) asks about her last visit');
  } finally {
    await c.close();
  }
});
