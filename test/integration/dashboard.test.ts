import test from 'ava';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startCluster } from '../helpers/cluster.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait-for.js';

/** Debian's chromium: playwright's own browser download cannot reach the network here. */
const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dash-token';

test.serial('dashboard: headless chromium shows the master ok, then the failover live after the master is killed', async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.fail(`${CHROMIUM} is missing: the dashboard test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it)`);
    return;
  }
  const httpPort = await freePort();
  const c = await startCluster({
    argus: 1, replicas: 1, quorum: 1, downAfter: 1_000,
    extra: `argus-http-port ${httpPort}\nargus-http-token ${TOKEN}\n`,
  });
  t.teardown(() => c.stop());
  await c.settled();
  const masterAddr = `127.0.0.1:${c.master.port}`;
  const replicaAddr = `127.0.0.1:${c.replicas[0]!.port}`;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const res = await page.goto(`http://127.0.0.1:${httpPort}/#token=${TOKEN}`);
  t.is(res?.status(), 200);

  const row = page.locator(`tr[data-master="${c.name}"]`);
  const cell = async (cls: string) => (await row.locator(`td.${cls}`).textContent({ timeout: 1_000 }).catch(() => null)) ?? '';
  await waitFor(async () => (await cell('status')) === 'ok' && (await cell('addr')) === masterAddr, {
    timeout: 15_000, what: `the page shows ${c.name} ok at ${masterAddr}`,
  });
  t.is(await cell('replicas'), `${replicaAddr} ok`);
  // the stream is connected before the master goes
  await page.waitForSelector('#conn.live', { timeout: 10_000 });

  c.master.child.kill('SIGKILL');
  await page.waitForSelector('#events li[data-type="+switch-master"]', { timeout: 40_000 });
  t.regex(await page.locator('#events li[data-type="+switch-master"] .text').first().textContent() ?? '',
    new RegExp(`^${c.name} 127\\.0\\.0\\.1 ${c.master.port} 127\\.0\\.0\\.1 ${c.replicas[0]!.port}$`));
  await waitFor(async () => (await cell('addr')) === replicaAddr, {
    timeout: 15_000, what: `the page shows ${c.name} at the promoted replica ${replicaAddr}`,
  });
  t.truthy(await page.locator('#events li[data-type="+sdown"]').count());

  const dir = mkdtempSync(join(tmpdir(), 'argus-dashboard-'));
  try {
    const shot = join(dir, 'failover.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.true(statSync(shot).size > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.deepEqual(pageErrors, []);
});
