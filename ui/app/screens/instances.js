// ui/app/screens/instances.js - the Instances screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Instances'), notice('info', 'This screen is being built.'));
}
