'use strict';
// The Camunda dialects are behind authentication (CONTRACTS §6) and answer in their own error
// dialect (CONTRACTS §4): what a Camunda client sees before it has any credentials.
const { call, check, run } = require('./lib');

run(async () => {
  const c7 = await call('GET', '/engine-rest/deployment?maxResults=0', undefined, null, {
    accept: 'application/json',
  });
  check(c7.status === 401, `anonymous /engine-rest answers 401, not ${c7.status}`);
  check(c7.headers.get('content-type') === 'application/json',
    `Camunda 7 errors are application/json, not ${c7.headers.get('content-type')}`);
  check(c7.json && typeof c7.json.message === 'string' && typeof c7.json.type === 'string',
    `a Camunda 7 error body has type and message: ${c7.body}`);

  const c8 = await call('GET', '/v2/topology', undefined, null);
  check(c8.status === 401, `anonymous /v2 answers 401, not ${c8.status}`);
  check((c8.headers.get('content-type') || '').startsWith('application/problem+json'),
    `Camunda 8 errors are problem+json, not ${c8.headers.get('content-type')}`);
  check(c8.json && c8.json.status === 401 && typeof c8.json.title === 'string',
    `a Camunda 8 error body is a ProblemDetail: ${c8.body}`);
});
