// ui/app/screens/tasks.js - the Tasks screen (issue 10). Not built yet.
import { heading, notice } from '../ui.js';

export function render(main) {
  main.append(heading('Tasks'), notice('info', 'This screen is being built.'));
}
