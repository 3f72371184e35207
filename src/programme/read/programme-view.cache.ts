import { todayInKyiv } from '../../common/clock';
import type { TotalsView } from './programme.view';
import type { ProgrammeQueries } from './programme.queries';
import type { ProjectionRunner } from '../../projections/projection.runner';
import { decisionIdOf } from '../../decision/domain/decision.decider';
import { executorIdOf } from '../../executor/domain/executor.decider';
import { programmeIdOf } from '../domain/programme.events';

interface Entry {
  readonly revision: number;
  readonly date: string;
  readonly json: string;
  readonly summary: ProgrammeSummary | null;
}

export interface ProgrammeSummary {
  readonly id: string;
  readonly title: string;
  readonly community: string;
  readonly period: { from: number; to: number };
  readonly revision: number;
  readonly totals: TotalsView;
}

/**
 * The current view of each programme (as of today, as known now), serialised once per revision and day:
 * the default read is a lookup, not a fold. An entry is dropped after each batch that changes its programme, and
 * every entry after a batch that renames an executor or corrects a decision (views show both).
 */
export class ProgrammeViewCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly queries: ProgrammeQueries,
    runner: ProjectionRunner,
  ) {
    runner.onCommitted((batch) => {
      for (const event of batch) {
        // A view also shows executor names and cites decisions: a change to either may touch every view.
        if (executorIdOf(event.streamName) !== undefined || decisionIdOf(event.streamName) !== undefined) {
          this.entries.clear();
          return;
        }
        const programmeId = programmeIdOf(event.streamName);
        if (programmeId !== undefined) this.entries.delete(programmeId);
      }
    });
  }

  current(programmeId: string): { revision: number; json: string } | undefined {
    const entry = this.entry(programmeId);
    return entry.summary ? { revision: entry.revision, json: entry.json } : undefined;
  }

  list(): ProgrammeSummary[] {
    return this.queries
      .ids()
      .map((id) => this.entry(id).summary)
      .filter((s): s is ProgrammeSummary => s !== null);
  }

  private entry(programmeId: string): Entry {
    const date = todayInKyiv();
    const cached = this.entries.get(programmeId);
    if (cached && cached.date === date) return cached;
    const view = this.queries.view(programmeId, { asOf: date });
    const entry: Entry = {
      revision: view?.revision ?? -1,
      date,
      json: view ? JSON.stringify(view) : '',
      summary: view ? { id: view.id, title: view.title, community: view.community, period: view.period, revision: view.revision, totals: view.totals } : null,
    };
    this.entries.set(programmeId, entry);
    return entry;
  }
}
