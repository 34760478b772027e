/**
 * `npm run migration:create` (needs DATABASE_URL=mysql://...): applies the committed migrations to a
 * scratch database on that server, diffs it against the entities, writes the difference as a new
 * migration under src/app/migrations/ and lists it in src/app/migrations/index.ts. The scratch database is
 * dropped afterwards, so the diff never depends on the state of anybody's working database.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openDatabase, dialectOf } from '../schema';
import { createScratchDatabase } from './server-database';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || dialectOf(url) !== 'mysql')
    throw new Error('set DATABASE_URL=mysql://root@127.0.0.1:3306/test (migrations are generated against MySQL/MariaDB)');
  const scratch = await createScratchDatabase(url, 'pp_migration');
  try {
    const orm = await openDatabase(scratch.url, { migrate: true });
    try {
      const result = await orm.getMigrator().createMigration('src/app/migrations', false, false, process.argv[2]);
      if (!result.fileName) {
        console.log('entities and migrations agree: nothing to generate');
        return;
      }
      const name = basename(result.fileName, '.ts');
      const className = /export class (\w+)/.exec(result.code)?.[1] ?? name;
      const indexPath = join('src', 'app', 'migrations', 'index.ts');
      const index = readFileSync(indexPath, 'utf8')
        .replace(/(import type \{ MigrationObject \} from '@mikro-orm\/core';\n)/, `$1import { ${className} } from './${name}';\n`)
        .replace(/export const MIGRATIONS: MigrationObject\[\] = \[([\s\S]*?)\];/, (_m, body: string) => {
          const items = body.trim() ? body.trimEnd().replace(/,?$/, ',') + '\n' : '\n';
          return `export const MIGRATIONS: MigrationObject[] = [${items}  { name: '${name}', class: ${className} },\n];`;
        });
      writeFileSync(indexPath, index);
      console.log(`wrote src/app/migrations/${name}.ts and listed it in src/app/migrations/index.ts`);
    } finally {
      await orm.close(true);
    }
  } finally {
    await scratch.drop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
