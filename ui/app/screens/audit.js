// ui/app/screens/audit.js - the Audit screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Audit'), notice('info', 'This screen is being built.'));
}
