// UI scenarios run by runCodeServer.mjs against the installed .vsix, each in a fresh page.
import { grammarScenarios } from './grammarScreens.mjs';
import { frameHoverScenario, traceHoverScenario } from './hover.mjs';
import { traceViewerScenario } from './traceViewer.mjs';

export const UI_SCENARIOS = [frameHoverScenario, traceHoverScenario, ...grammarScenarios, traceViewerScenario];
