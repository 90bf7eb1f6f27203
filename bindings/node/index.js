'use strict';
// A thin client over `phiscrub serve --stdio` (JSON Lines on a child process's stdin/stdout; schema in the
// phiscrub repository's docs/serve.md). Answers are read on the event loop as they arrive and matched to requests
// by id, so any number of requests can be in flight and no request size can deadlock the pipes.

const { spawn } = require('node:child_process');
const readline = require('node:readline');

class PhiscrubError extends Error {}

/** A typed error answer: `code` as in docs/serve.md (`invalid_option`, `keys`, `unknown_op`, ...). The message
 * never contains request text. */
class ServiceError extends PhiscrubError {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = 'ServiceError';
    this.code = code;
  }
}

/** The service is not running (closed, exited, failed to start); `stderr` holds its last lines. */
class ServiceClosedError extends PhiscrubError {
  constructor(message, stderr = '') {
    super(stderr.trim() ? `${message}\n${stderr.trim()}` : message);
    this.name = 'ServiceClosedError';
    this.stderr = stderr;
  }
}

function findBinary() {
  if (process.env.PHISCRUB_BIN) return process.env.PHISCRUB_BIN;
  return 'phiscrub';
}

const findings = (a) => (a.findings || []).map((f) => ({
  entity: f.entity, start: f.start, end: f.end, rule: f.rule, confidence: f.confidence,
}));
const textResult = (a) => ({ text: a.text ?? '', findings: findings(a), withheld: a.withheld || 0 });
const middlewareResult = (a) => ({
  allowed: Boolean(a.allowed), text: a.text ?? null, reason: a.reason ?? null,
  counts: a.counts || {}, alerts: a.alerts || [],
});

class Client {
  /**
   * @param {{binary?: string, args?: string[], env?: Record<string,string>}} [options]
   *   `args`: extra options of `phiscrub serve` (`['--config', 'phiscrub.yaml']`).
   */
  constructor(options = {}) {
    this._nextId = 1;
    this._pending = new Map();
    this._closed = false;
    this._stderr = [];
    this._proc = spawn(options.binary || findBinary(), ['serve', '--stdio', ...(options.args || [])], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env || process.env,
    });
    this._exited = new Promise((resolve) => {
      this._proc.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 0)));
    });
    this._proc.on('error', (e) => this._fail(new ServiceClosedError(`cannot start phiscrub: ${e.message}`)));
    this._proc.stdin.on('error', () => {});  // EPIPE when the service died; reported through 'close'
    readline.createInterface({ input: this._proc.stderr }).on('line', (l) => {
      this._stderr.push(l);
      if (this._stderr.length > 50) this._stderr.shift();
    });
    readline.createInterface({ input: this._proc.stdout, crlfDelay: Infinity }).on('line', (line) => {
      let answer;
      try { answer = JSON.parse(line); } catch { return; }
      const waiter = this._pending.get(answer.id);
      if (!waiter) return;  // an answer to a line without a readable id: nobody waits for it
      this._pending.delete(answer.id);
      if (answer.ok) waiter.resolve(answer);
      else waiter.reject(new ServiceError(answer.error?.code || 'internal', answer.error?.message || ''));
    });
    this._proc.on('close', (code) => {
      this._closed = true;
      this._fail(new ServiceClosedError(`the phiscrub service ended before answering (exit status ${code})`,
        this._stderr.join('\n')));
    });
  }

  _fail(error) {
    for (const w of this._pending.values()) w.reject(error);
    this._pending.clear();
  }

  /** Sends one request; resolves with its raw answer, rejects with ServiceError / ServiceClosedError. */
  call(op, text, options = {}) {
    if (this._closed) return Promise.reject(new ServiceClosedError('the client is closed'));
    const id = this._nextId++;
    const request = { id, op };
    if (text !== undefined && text !== null) request.text = text;
    const opts = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null));
    if (Object.keys(opts).length) request.options = opts;
    return new Promise((resolve, reject) => {
      this._pending.set(id, { resolve, reject });
      this._proc.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  async scan(text, { minConfidence } = {}) {
    const a = await this.call('scan', text, { min_confidence: minConfidence });
    return { findings: findings(a), withheld: a.withheld || 0 };
  }

  async redact(text, { minConfidence } = {}) {
    return textResult(await this.call('redact', text, { min_confidence: minConfidence }));
  }

  /** Operators: `operator` for every entity, `operators` per entity (`{SSN: 'token'}`). */
  async transform(text, { operator, operators, minConfidence, context, subject, maskKeep } = {}) {
    return textResult(await this.call('transform', text, {
      operator, operators, min_confidence: minConfidence, context, subject, mask_keep: maskKeep,
    }));
  }

  // Compliance middleware (the service must run with --config phiscrub.yaml).
  async prompt(text, { role, provider, agent, user }) {
    return middlewareResult(await this.call('prompt', text, { role, provider, agent, user }));
  }

  async toolCall(text, { role, tool, region, agent, user }) {
    return middlewareResult(await this.call('toolCall', text, { role, tool, region, agent, user }));
  }

  async toolOutput(text, { role, tool, agent, user }) {
    return middlewareResult(await this.call('toolOutput', text, { role, tool, agent, user }));
  }

  async memoryWrite(text, { role, region, agent, user }) {
    return middlewareResult(await this.call('memoryWrite', text, { role, region, agent, user }));
  }

  async endSession({ role, agent, user }) {
    await this.call('endSession', null, { role, agent, user });
  }

  /** [ENC:...] tokens made in `context` (default tool_output) decrypted for `role` (needs read_phi; audited), each
   * value in the role's view; `counts` holds the values revealed per entity. */
  async reveal(text, { role, context, agent, user }) {
    const a = await this.call('reveal', text, { role, context, agent, user });
    return { allowed: true, text: a.text ?? '', reason: null, counts: a.counts ?? {}, alerts: [] };
  }

  /** Closes the service's input (it answers every request already sent) and resolves with its exit status. */
  close() {
    if (!this._closedInput) {
      this._closedInput = true;
      this._proc.stdin.end();
    }
    return this._exited;
  }
}

module.exports = { Client, PhiscrubError, ServiceError, ServiceClosedError, findBinary };
