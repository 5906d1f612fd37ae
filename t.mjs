import { PGlite } from '@electric-sql/pglite';
const pg = new PGlite();
await pg.exec('create table t(x int); insert into t values (1)');
const dump = await pg.dumpDataDir('none');
console.log(dump.size, dump.type);
const p2 = new PGlite(undefined, { loadDataDir: dump });
console.log(await p2.query('select * from t').catch((e) => e.message));
const p3 = new PGlite({ loadDataDir: dump });
console.log(await p3.query('select * from t').catch((e) => e.message));
