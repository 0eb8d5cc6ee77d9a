// ui/app/roles.js - what the signed-in user may do, so each screen hides what the role may not
// (CONTRACTS §7). It mirrors the route table's roles (server/api_routes.c, x-ordo-roles in
// docs/openapi.yaml); the server still refuses anything the table refuses, whatever the UI shows.

let roles = new Set();

export function setUser(user) {
  roles = new Set((user && user.roles) || []);
}

export function has(...names) {
  return roles.has('admin') || names.some((n) => roles.has(n));
}

// Named permissions, one per kind of button or screen.
export const can = {
  readDefinitions: () => has('designer', 'operator', 'viewer'),
  deploy: () => has('designer'),
  draft: () => has('designer'),
  readDrafts: () => has('designer', 'viewer'),
  simulate: () => has('designer', 'operator'),
  suspendDefinition: () => has('designer', 'operator'),
  startInstance: () => has('operator'),
  readInstances: () => has('operator', 'viewer'),
  changeInstance: () => has('operator'),
  readTasks: () => has('approver', 'operator', 'viewer'),
  workTasks: () => has('approver'),
  retryIncident: () => has('operator'),
  readAudit: () => has('operator', 'viewer'),
  readCredentials: () => has('designer'),
  changeCredentials: () => has(), // admin only
  readWebhooks: () => has('operator', 'viewer'),
  changeWebhooks: () => has(),
  readSubscriptions: () => has(),
  access: () => has(),
};
