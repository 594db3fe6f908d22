// UI scenarios run by runCodeServer.mjs against the installed .vsix, each in a fresh page.
import { hoverScenario } from './hover.mjs';

export const UI_SCENARIOS = [hoverScenario];
