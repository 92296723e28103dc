import type Database from 'better-sqlite3';

export interface Migration {
  /** 1, 2, 3 … in shipping order. */
  version: number;
  /** Short snake_case name, recorded beside the version so a mismatch is detectable. */
  name: string;
  up(db: Database.Database): void;
}
