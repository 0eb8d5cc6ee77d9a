// ui/app/screens/instance-badge.js - an instance's or incident's state as a coloured badge
// (css/run.css), shared by the instance list, the instance detail and the incidents.
import { h } from '../dom.js';

export function stateBadge(state, extraClass = '') {
  return h('span', { class: `badge state-${state} ${extraClass}`.trim() }, state);
}
