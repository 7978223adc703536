'use strict';
// Makes the demo data folder every spec file's server starts from (see GONGKAI_DEMO_TEMPLATE in
// lib/server.js): `node lib/demo-template.js DIR` runs `gongkai serve --demo` on DIR/data, waits until
// the search index has caught up with the demo, stops the server (SQLite checkpoints its WAL on a
// clean stop) and saves what it printed as DIR/serve.out.
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('./server');

async function main() {
  const root = process.argv[2];
  if (!root) throw new Error('usage: node lib/demo-template.js DIR');
  const server = await startServer({ keepData: true, fromTemplate: false });
  try {
    // The index follows the change feed in the background; a copy made before it caught up would
    // make every spec file index the corpus again.
    const url = `${server.url}api/v1/search?q=${encodeURIComponent('财政')}&per_page=1`;
    let last = -1;
    for (let i = 0; i < 120; i += 1) {
      const { total } = await (await fetch(url)).json();
      if (total > 0 && total === last) break;
      last = total;
      await new Promise((r) => { setTimeout(r, 500); });
    }
  } finally {
    await server.stop();
  }
  fs.mkdirSync(root, { recursive: true });
  fs.renameSync(server.dataDir, path.join(root, 'data'));
  fs.writeFileSync(path.join(root, 'serve.out'), server.output().stdout);
  console.log(`browser suite: demo data made once in ${path.join(root, 'data')}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
