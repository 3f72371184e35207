import type Database from 'better-sqlite3';

/**
 * Statements compiled once per connection: compiling one costs about as much as running it, and the read side
 * runs the same few tens of thousands of times (a rebuild, a view per request).
 */
export class Statements {
  private readonly compiled = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get<Params extends unknown[] = unknown[], Row = unknown>(sql: string): Database.Statement<Params, Row> {
    let statement = this.compiled.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.compiled.set(sql, statement);
    }
    return statement as Database.Statement<Params, Row>;
  }
}
