// UI scenarios run by runCodeServer.mjs against the installed .vsix, each in a fresh page.
import { bigLogScenario } from './bigLog.mjs';
import { grammarScenarios } from './grammarScreens.mjs';
import { frameHoverScenario, traceHoverScenario } from './hover.mjs';
import { traceViewerScenario } from './traceViewer.mjs';

export const UI_SCENARIOS = [frameHoverScenario, traceHoverScenario, ...grammarScenarios, traceViewerScenario, bigLogScenario];
