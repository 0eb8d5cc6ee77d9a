// ui/app/screens/processes.js - the Processes screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Processes'), notice('info', 'This screen is being built.'));
}
