'use strict';
// Issue 9, must-show 4: the unmodified npm package @camunda8/sdk in REST mode (CamundaRestClient,
// configured as a user would: the server's address and HTTP Basic with a login and one of
// their API keys) deploys a BPMN file, starts instances and works their jobs with its own job
// worker against a real Ordo server. The worker completes jobs with variables, fails one with
// retries (it comes back and then completes) and throws a BPMN error that an error boundary
// event catches. What happened is checked through Ordo's native API (/api/instances/{key}).
// Then it searches and completes a user task with the SDK's own calls.
const path = require('path');
const { Camunda8 } = require('@camunda8/sdk');
const { url, call, userKey, check, run } = require('./lib');

const BPMN = path.join(process.env.ORDOTEST_BPMN_DIR || path.join(__dirname, '../integration/bpmn'),
  'c8-order.bpmn');

// Poll the native view of an instance until it is no longer active (at most 'ms').
async function ended(key, ms = 60000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await call('GET', `/api/instances/${key}`);
    check(r.status === 200, `GET /api/instances/${key}: ${r.status} ${r.body}`);
    if (r.json.state !== 'active') return r.json;
    check(Date.now() < until, `instance ${key} still active after ${ms} ms: ${r.body}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

// The element ids an instance's history names: each audit row's effects (entered, left).
function elements(view) {
  const ids = new Set();
  for (const row of view.history) {
    for (const e of (row.payload && row.payload.effects) || []) {
      if (e.element) ids.add(e.element);
    }
  }
  return ids;
}

run(async () => {
  const login = 'sdk-worker';
  const key = await userKey(login, ['designer', 'operator', 'approver']);
  const c8 = new Camunda8({
    ZEEBE_REST_ADDRESS: url,
    CAMUNDA_AUTH_STRATEGY: 'BASIC',
    CAMUNDA_BASIC_AUTH_USERNAME: login,
    CAMUNDA_BASIC_AUTH_PASSWORD: key,
    CAMUNDA_LOG_LEVEL: 'none',
  });
  const rest = c8.getCamundaRestClient();

  const topology = await rest.getTopology();
  check(topology.brokers.length === 1, `a topology of one broker: ${JSON.stringify(topology)}`);

  const deployed = await rest.deployResourcesFromFiles([BPMN]);
  check(deployed.processes.length === 1 && deployed.processes[0].processDefinitionId === 'c8_order',
    `deployed c8_order: ${JSON.stringify(deployed)}`);
  check(/^[0-9]+$/.test(deployed.processes[0].processDefinitionKey),
    `the definition key is a decimal string: ${deployed.processes[0].processDefinitionKey}`);

  const paid = await rest.createProcessInstance({
    processDefinitionId: 'c8_order', variables: { amount: 10 } });
  const declined = await rest.createProcessInstance({
    processDefinitionKey: deployed.processes[0].processDefinitionKey,
    variables: { amount: 900, declined: true } });
  check(/^[0-9]+$/.test(paid.processInstanceKey), `an instance key: ${JSON.stringify(paid)}`);

  // A refusal reaches the SDK as Camunda's: an HTTP error with the ProblemDetail's status.
  let refused = null;
  try {
    await rest.createProcessInstance({ processDefinitionId: 'no_such_process', variables: {} });
  } catch (e) {
    refused = e;
  }
  check(refused && refused.statusCode === 404, `an unknown process is a 404: ${refused}`);

  const seen = { reserve: 0, charge: new Map(), retriesAfterFailure: null };
  const workers = [
    rest.createJobWorker({
      type: 'c8-reserve',
      worker: 'sdk-reserve',
      maxJobsToActivate: 5,
      timeout: 30000,
      requestTimeout: 5000, // a long poll
      pollIntervalMs: 100,
      jobHandler: (job) => {
        seen.reserve++;
        check(job.customHeaders.warehouse === 'north',
          `custom headers: ${JSON.stringify(job.customHeaders)}`);
        return job.complete({ reserved: true, warehouse: job.customHeaders.warehouse });
      },
    }),
    rest.createJobWorker({
      type: 'c8-charge',
      worker: 'sdk-charge',
      maxJobsToActivate: 5,
      timeout: 30000,
      requestTimeout: 5000,
      pollIntervalMs: 100,
      jobHandler: (job) => {
        const n = (seen.charge.get(job.processInstanceKey) || 0) + 1;
        seen.charge.set(job.processInstanceKey, n);
        check(job.variables.reserved === true,
          `the reserve result reaches the charge job: ${JSON.stringify(job.variables)}`);
        if (job.variables.declined) {
          return job.error({ errorCode: 'DECLINED', errorMessage: 'over the limit',
            variables: { reason: 'limit' } });
        }
        if (n === 1) {
          return job.fail({ errorMessage: 'card service down', retries: job.retries - 1,
            retryBackOff: 0 });
        }
        seen.retriesAfterFailure = job.retries;
        return job.complete({ charged: job.variables.amount });
      },
    }),
  ];

  const a = await ended(paid.processInstanceKey);
  const b = await ended(declined.processInstanceKey);
  await Promise.all(workers.map((w) => w.stop()));

  check(a.state === 'completed', `the paid order completed: ${a.state}`);
  check(a.variables.charged === 10 && a.variables.reserved === true &&
    a.variables.warehouse === 'north',
  `the workers' variables are the instance's: ${JSON.stringify(a.variables)}`);
  check(seen.charge.get(paid.processInstanceKey) === 2,
    `the failed charge came back once: ${seen.charge.get(paid.processInstanceKey)}`);
  check(seen.retriesAfterFailure === 2,
    `it came back with the retries the worker left: ${seen.retriesAfterFailure}`);
  check(elements(a).has('done') && !elements(a).has('declined'),
    `the paid order ended at done: ${[...elements(a)]}`);

  check(b.state === 'completed', `the declined order completed: ${b.state}`);
  check(elements(b).has('on_declined') && elements(b).has('declined') && !elements(b).has('done'),
    `the declined order went through its error boundary event: ${[...elements(b)]}`);
  check(b.variables.reason === 'limit',
    `the error's variables are set: ${JSON.stringify(b.variables)}`);
  check(seen.reserve === 2, `both reservations were worked: ${seen.reserve}`);

  // User tasks through the SDK's own search (its default sort and paging) and completion.
  await rest.deployResourcesFromFiles([path.join(path.dirname(BPMN), 'approval.bpmn')]);
  const approval = await rest.createProcessInstance({ processDefinitionId: 'approval',
    variables: {} });
  const found = await rest.searchUserTasks({
    filter: { processInstanceKey: approval.processInstanceKey, state: 'CREATED' } });
  check(found.items.length === 3, `three open tasks: ${JSON.stringify(found.items)}`);
  const anyone = found.items.find((t) => t.elementId === 'anyone');
  check(anyone && /^[0-9]+$/.test(anyone.userTaskKey), `the open task: ${JSON.stringify(anyone)}`);
  await rest.completeUserTask({ userTaskKey: anyone.userTaskKey, variables: { seen: true } });
  const after = await call('GET', `/api/tasks/${anyone.userTaskKey}`);
  check(after.status === 200 && after.json.state === 'completed' &&
    after.json.completedBy === `user:${login}`, `completed by ${login}: ${after.body}`);
});
