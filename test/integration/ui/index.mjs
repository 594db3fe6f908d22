// UI scenarios run by runCodeServer.mjs against the installed .vsix, each in a fresh page.
import { grammarScenarios } from './grammarScreens.mjs';
import { hoverScenario } from './hover.mjs';
import { traceHoverScenario } from './traceHover.mjs';
import { traceViewerScenario } from './traceViewer.mjs';

export const UI_SCENARIOS = [hoverScenario, traceHoverScenario, ...grammarScenarios, traceViewerScenario];
