// ui/app/screens/incidents.js - the Incidents screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Incidents'), notice('info', 'This screen is being built.'));
}
