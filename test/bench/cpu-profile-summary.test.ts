// The profile summary charges Node's own work to the function of ours that asked for it, for hot-path findings.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { summarizeProfile } from '../../bench/harness/cpu-profile-summary.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

test('self time by function, and samples charged to the innermost function of our own code', () => {
  const profile = {
    startTime: 0,
    endTime: 100_000,
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 5] },
      { id: 2, callFrame: frame('finish', `file://${repo}/src/proxy/x.ts`, 9), children: [3], hitCount: 10 },
      { id: 3, callFrame: frame('end', 'node:_http_outgoing', 1), children: [4], hitCount: 20 },
      { id: 4, callFrame: frame('writev', '', 0), hitCount: 40 },
      { id: 5, callFrame: frame('(idle)', ''), hitCount: 30 },
    ],
  };
  const summary = summarizeProfile(profile, 'p.cpuprofile');
  assert.equal(summary.totalMs, 100);
  assert.deepEqual(
    summary.top.map((f) => [f.function, f.percent]),
    [
      ['writev', 40],
      ['(idle)', 30],
      ['end node:_http_outgoing:2', 20],
      ['finish src/proxy/x.ts:10', 10],
      ['(root)', 0],
    ],
  );
  assert.deepEqual(
    summary.ownCode?.map((f) => [f.function, f.percent]),
    [
      ['finish src/proxy/x.ts:10', 70],
      ['(idle)', 30],
    ],
  );
});
