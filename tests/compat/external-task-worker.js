'use strict';
// Issue 9, must show 3: a worker written with the unmodified npm package
// camunda-external-task-client-js subscribes to topics on a real Ordo server (/engine-rest,
// HTTP Basic with a user's login and API key), completes tasks with variables, reports a
// failure with retries and a retry timeout (the task comes back and then completes), and
// throws a BPMN error that an error boundary event catches. The native API
// (GET /api/instances/{key}) shows the path each instance took.
//
// tests/integration/bpmn/c7-order.bpmn: start -> charge (topic c7-charge, error boundary
// CARD_DECLINED -> cancelled) -> ship (topic c7-ship) -> shipped.
const fs = require('fs');
const path = require('path');
const { url, call, userKey, check, run } = require('./lib');

const DEADLINE_MS = 60000;

// The elements an instance entered, from the effects of its audit history.
function entered(inst) {
  const seen = new Set();
  for (const row of inst.history || []) {
    for (const e of (row.payload && row.payload.effects) || []) {
      if (e.event === 'enter') seen.add(e.element);
    }
  }
  return seen;
}

// The instance once it is no longer active (the native long poll), or a failure.
async function ended(key) {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const r = await call('GET', `/api/instances/${key}/wait?timeout=10`);
    check(r.status === 200, `waiting for instance ${key}: ${r.status} ${r.body}`);
    if (r.json.state !== 'active') return r.json;
    check(Date.now() < until, `instance ${key} still active after ${DEADLINE_MS} ms: ${r.body}`);
  }
}

run(async () => {
  const { Client, Variables, BasicAuthInterceptor } = await import('camunda-external-task-client-js');
  const xml = fs.readFileSync(path.join(process.env.ORDOTEST_BPMN_DIR, 'c7-order.bpmn'), 'utf8');
  const dep = await call('POST', '/api/deployments', xml, undefined, { 'content-type': 'application/xml' });
  check(dep.status === 201, `deploy: ${dep.status} ${dep.body}`);
  const key = await userKey('worker', ['operator']);

  const instances = {};
  for (const [name, amount] of [['ok', 10], ['flaky', 20], ['declined', 30]]) {
    const s = await call('POST', '/api/instances', {
      processId: 'c7_order', variables: { case: name, amount },
    });
    check(s.status === 201, `start ${name}: ${s.status} ${s.body}`);
    instances[name] = s.json.key;
  }

  const problems = [];
  const client = new Client({
    baseUrl: `${url}/engine-rest`,
    workerId: 'compat-worker',
    asyncResponseTimeout: 5000,
    lockDuration: 20000,
    autoPoll: false,
    interceptors: new BasicAuthInterceptor({ username: 'worker', password: key }),
  });
  for (const ev of ['poll:error', 'handler:error']) {
    client.on(ev, (a, b) => problems.push(`${ev}: ${(b || a) && ((b || a).stack || b || a)}`));
  }

  const failures = {};
  let retried = null; // the flaky task as it came back
  client.subscribe('c7-charge', async ({ task, taskService }) => {
    const which = task.variables.get('case');
    failures[which] = failures[which] || 0;
    if (which === 'flaky' && failures[which] === 1) retried = task;
    if (which === 'declined') {
      await taskService.handleBpmnError(task, 'CARD_DECLINED', 'insufficient funds');
      return;
    }
    if (which === 'flaky' && failures[which] === 0) {
      failures[which]++;
      await taskService.handleFailure(task, {
        errorMessage: 'card service down', errorDetails: 'timeout after 5 s', retries: 1,
        retryTimeout: 500,
      });
      return;
    }
    const vars = new Variables();
    vars.set('charged', true);
    vars.set('receipt', { id: `r-${task.variables.get('amount')}`, lines: [1, 2] });
    await taskService.complete(task, vars);
  });
  client.subscribe('c7-ship', async ({ task, taskService }) => {
    const receipt = task.variables.get('receipt');
    if (task.variables.get('charged') !== true || !receipt || receipt.lines.length !== 2) {
      throw new Error(`ship got the charge's variables wrong: ${JSON.stringify(task.variables.getAll())}`);
    }
    const vars = new Variables();
    vars.set('shippedAt', new Date('2026-11-26T10:00:00Z'));
    await taskService.complete(task, vars);
  });
  client.start();

  const ok = await ended(instances.ok);
  const flaky = await ended(instances.flaky);
  const declined = await ended(instances.declined);
  client.stop();
  check(problems.length === 0, `the worker reported problems:\n${problems.join('\n')}`);

  check(ok.state === 'completed', `ok: ${ok.state}`);
  check(entered(ok).has('shipped') && !entered(ok).has('cancelled'), 'ok went through ship');
  check(ok.variables.charged === true, `ok.charged: ${JSON.stringify(ok.variables)}`);
  check(ok.variables.receipt && ok.variables.receipt.id === 'r-10',
    `a Json variable arrives as JSON: ${JSON.stringify(ok.variables.receipt)}`);
  check(ok.variables.shippedAt === '2026-11-26T10:00:00.000+0000',
    `a Date variable is kept as its text: ${ok.variables.shippedAt}`);

  check(failures.flaky === 1, 'the flaky charge failed once');
  check(flaky.state === 'completed' && entered(flaky).has('shipped'),
    `flaky completed after its retry: ${flaky.state}`);
  check(retried && retried.errorMessage === 'card service down: timeout after 5 s' &&
    retried.retries === 1, `the task came back with its failure: ${retried && retried.errorMessage}`);

  check(declined.state === 'completed', `declined: ${declined.state}`);
  check(entered(declined).has('cancelled') && !entered(declined).has('ship'),
    'the BPMN error was caught by the boundary event');
  const incidents = await call('GET', '/api/incidents');
  check(incidents.status === 200 && incidents.json.items.length === 0,
    `no incidents: ${incidents.body}`);
});
