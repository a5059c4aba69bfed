import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { configuredPort, localClusters, postgresTargetOf } from './postgres.ts';

const target = suite('postgres target');

target('DATABASE_URL gives the server, the database and the maintenance database to probe', () => {
  const parsed = postgresTargetOf('postgres://postgres@127.0.0.1:5433/orders_test');
  assert.equal(
    { host: parsed.host, port: parsed.port, database: parsed.database, address: parsed.address },
    { host: '127.0.0.1', port: 5433, database: 'orders_test', address: '127.0.0.1:5433/orders_test' },
  );
  assert.is(parsed.adminUrl, 'postgres://postgres@127.0.0.1:5433/postgres');
  assert.is(postgresTargetOf('postgres://postgres@localhost/orders').port, 5432);
});

target('the port of a postgresql.conf, 5432 when unset or commented out', () => {
  assert.is(configuredPort("listen_addresses = 'localhost'\nport = 5433\t\t# (change requires restart)\n"), 5433);
  assert.is(configuredPort('#port = 5999\n'), 5432);
});

target('Debian clusters under /etc/postgresql, newest version first', () => {
  const root = mkdtempSync(join(tmpdir(), 'pg-etc-'));
  try {
    for (const [version, port] of [
      ['13', 5434],
      ['15', 5432],
    ] as const) {
      mkdirSync(join(root, version, 'main'), { recursive: true });
      writeFileSync(join(root, version, 'main', 'postgresql.conf'), `port = ${port}\n`);
    }
    mkdirSync(join(root, '16'));
    assert.equal(localClusters(root), [
      { version: '15', cluster: 'main', port: 5432 },
      { version: '13', cluster: 'main', port: 5434 },
    ]);
    assert.equal(localClusters(join(root, 'missing')), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

target.run();
