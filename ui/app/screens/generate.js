// ui/app/screens/generate.js - the Generate screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Generate'), notice('info', 'This screen is being built.'));
}
