// ui/app/screens/webhooks.js - the Webhooks screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Webhooks'), notice('info', 'This screen is being built.'));
}
