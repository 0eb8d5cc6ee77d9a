// ui/app/screens/connectors.js - the Connectors screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Connectors'), notice('info', 'This screen is being built.'));
}
