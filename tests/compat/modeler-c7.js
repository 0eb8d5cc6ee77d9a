'use strict';
// Issue 9, must show 2: the calls Camunda Modeler makes to a Camunda 7 engine, replayed
// exactly as it sends them, succeed against Ordo. The requests below copy
// camunda/camunda-modeler client/src/plugins/deployment-tool/CamundaAPI.js (checkConnection,
// deployDiagram, runInstance, getHeaders, getAuthHeader): fetch with `accept:
// application/json`, an `authorization` header of Basic (username:password) or Bearer, a
// FormData of deployment-name, deployment-source "Camunda Modeler", deploy-changed-only
// "true" and the diagram as a text/xml Blob named after the file (fetch writes the multipart
// boundary), and the start as JSON {businessKey, variables} to
// {base}/process-definition/{deployedProcessDefinition.id}/start.
const fs = require('fs');
const path = require('path');
const { url, call, userKey, check, run } = require('./lib');

// CamundaAPI.getHeaders(auth) with getAuthHeader: bearer first, else username and password.
function getHeaders(auth) {
  const headers = { accept: 'application/json' };
  if (auth && auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  else if (auth) headers.authorization = `Basic ${btoa(`${auth.username}:${auth.password}`)}`;
  return headers;
}

// CamundaAPI.checkConnection: only response.ok counts.
async function checkConnection(base, auth) {
  const response = await fetch(`${base}/deployment?maxResults=0`, { headers: getHeaders(auth) });
  return response;
}

// CamundaAPI.deployDiagram, with the result it hands back to the Modeler.
async function deployDiagram(base, diagram, auth) {
  const form = new FormData();
  form.append('deployment-name', diagram.name.replace(/\.bpmn$/, ''));
  form.append('deployment-source', 'Camunda Modeler');
  form.append('deploy-changed-only', 'true');
  const blob = new Blob([diagram.contents], { type: 'text/xml' });
  form.append(diagram.name, blob, diagram.name);
  const response = await fetch(`${base}/deployment/create`, {
    method: 'POST', body: form, headers: getHeaders(auth),
  });
  const text = await response.text();
  check(response.ok, `deploy: ${response.status} ${text}`);
  check(response.headers.get('content-type') === 'application/json', 'the deploy answers JSON');
  const { id, deployedProcessDefinitions } = JSON.parse(text); // response.json() in the Modeler
  return {
    id,
    deployedProcessDefinitions,
    deployedProcessDefinition: Object.values(deployedProcessDefinitions || {})[0],
  };
}

// CamundaAPI.runInstance.
async function runInstance(base, processDefinition, details) {
  const headers = { 'content-type': 'application/json', ...getHeaders(details.auth) };
  const response = await fetch(`${base}/process-definition/${processDefinition.id}/start`, {
    method: 'POST',
    body: JSON.stringify({ businessKey: details.businessKey, variables: details.variables }),
    headers,
  });
  const text = await response.text();
  check(response.ok, `start: ${response.status} ${text}`);
  return JSON.parse(text); // response.json() in the Modeler
}

run(async () => {
  const base = `${url}/engine-rest`;
  const key = await userKey('modeler', ['designer', 'operator']);
  const basic = { username: 'modeler', password: key };
  const bearer = { bearer: key };
  const diagram = {
    name: 'c7-approval.bpmn',
    contents: fs.readFileSync(path.join(process.env.ORDOTEST_BPMN_DIR, 'c7-approval.bpmn'), 'utf8'),
  };

  // The connection check, with each kind of credentials; wrong ones are not ok.
  for (const auth of [basic, bearer]) {
    const r = await checkConnection(base, auth);
    const text = await r.text();
    check(r.ok, `connection check: ${r.status} ${text}`);
    check(Array.isArray(JSON.parse(text)), 'the connection check answers a list');
  }
  const wrong = await checkConnection(base, { username: 'modeler', password: 'ordo_wrong' });
  check(!wrong.ok && wrong.status === 401, `wrong credentials: ${wrong.status}`);
  const wrongBody = await wrong.json();
  check(typeof wrongBody.message === 'string', 'the Modeler shows the error message');

  // Deploy, deploy again unchanged (deploy-changed-only: the same definition), run.
  const first = await deployDiagram(base, diagram, basic);
  const pd = first.deployedProcessDefinition;
  check(pd && pd.key === 'c7_approval' && pd.version === 1, `deployed: ${JSON.stringify(first)}`);
  const again = await deployDiagram(base, diagram, bearer);
  check(again.deployedProcessDefinition.id === pd.id && again.deployedProcessDefinition.version === 1,
    `an unchanged diagram is not a new version: ${JSON.stringify(again)}`);

  const started = await runInstance(base, pd, {
    auth: basic,
    businessKey: 'order-42',
    variables: { amount: { value: 42, type: 'Integer' }, customer: { value: 'ACME', type: 'String' } },
  });
  check(typeof started.id === 'string' && started.definitionId === pd.id,
    `the start answers the instance: ${JSON.stringify(started)}`);
  const noBody = await runInstance(base, pd, { auth: bearer }); // the Modeler's defaults
  check(typeof noBody.id === 'string', 'a start without business key and variables works');

  // What the native API sees.
  const inst = await call('GET', `/api/instances/${started.id}`);
  check(inst.status === 200, `native view: ${inst.status}`);
  check(inst.json.businessKey === 'order-42', `business key: ${inst.json.businessKey}`);
  check(inst.json.variables.amount === 42 && inst.json.variables.customer === 'ACME',
    `variables: ${JSON.stringify(inst.json.variables)}`);
  check(inst.json.state === 'active' && inst.json.tasks.length === 1,
    `waiting at the user task: ${inst.body}`);
});
