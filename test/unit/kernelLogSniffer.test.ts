import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { looksLikeKernelLog } from '../../server/src/core/sniff/kernelLogSniffer';

const LOGS = path.join(__dirname, '..', 'fixtures', 'oops', 'logs');

describe('looksLikeKernelLog', () => {
  it('recognises every fixture log (their first KBs)', () => {
    const files = fs.readdirSync(LOGS).filter((f) => f.endsWith('.txt'));
    assert.ok(files.length >= 40);
    const missed = files.filter((f) => !looksLikeKernelLog(fs.readFileSync(path.join(LOGS, f), 'utf8').slice(0, 16384)));
    assert.deepEqual(missed, []);
  });
  it('does not claim ordinary logs and text', () => {
    const npmLog = '0 verbose cli /usr/bin/node /usr/bin/npm\n1 info using npm@11.19.1\n2 info using node@v20.20.2\n3 silly config load:file\n';
    const appLog = '2026-11-22 10:00:01 INFO Server started on port 8080\n2026-11-22 10:00:02 ERROR BUG: user not found\n';
    const prose = 'This README explains how to build the project.\nRun make, then make install.\n';
    for (const text of [npmLog, appLog, prose, '']) assert.equal(looksLikeKernelLog(text), false, text);
  });
});
