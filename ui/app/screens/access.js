// ui/app/screens/access.js - the Access screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Access'), notice('info', 'This screen is being built.'));
}
