// ui/app/screens.js - the screens of the admin UI, in the order of the menu. Each screen is a
// module under screens/ exporting render(main, params) (see app/main.js), loaded when first shown.
// 'path' is the first segment of the hash route (#/instances/12 -> 'instances', params ['12']);
// 'allowed' hides a screen from the menu (and shows a refusal on its route) for roles that may
// not use it; the server refuses those calls anyway.
import { can } from './roles.js';

export const screens = [
  { path: 'generate', title: 'Generate', module: './screens/generate.js', allowed: () => can.draft() || can.readDrafts() },
  { path: 'processes', title: 'Processes', module: './screens/processes.js', allowed: can.readDefinitions },
  { path: 'instances', title: 'Instances', module: './screens/instances.js', allowed: can.readInstances },
  { path: 'tasks', title: 'Tasks', module: './screens/tasks.js', allowed: can.readTasks },
  { path: 'incidents', title: 'Incidents', module: './screens/incidents.js', allowed: can.readInstances },
  { path: 'audit', title: 'Audit', module: './screens/audit.js', allowed: can.readAudit },
  { path: 'connectors', title: 'Connectors', module: './screens/connectors.js', allowed: can.readDefinitions },
  { path: 'webhooks', title: 'Webhooks', module: './screens/webhooks.js', allowed: can.readWebhooks },
  { path: 'access', title: 'Access', module: './screens/access.js', allowed: can.access },
];

// The screen a user lands on: the first one they may use.
export function home() {
  return screens.find((s) => s.allowed()) || null;
}
