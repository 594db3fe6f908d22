// UI scenarios run by runCodeServer.mjs against the installed .vsix, each in a fresh page.
import { hoverScenario } from './hover.mjs';
import { traceViewerScenario } from './traceViewer.mjs';

export const UI_SCENARIOS = [hoverScenario, traceViewerScenario];
