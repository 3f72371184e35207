import type { RegisteredDecision } from '../../decision/decisions.projection';
import type { ProgrammeView } from '../read/programme.view';
import { csv } from './csv';

// The open-data sets, as the Cabinet's resolution No. 835 recommends them for target programmes: name, act and
// dates of adoption and entry into force, publisher, a link. UTF-8, ISO dates, dot decimals, an empty cell for "none".

/** "1878 2025-03-20": how the open-data sets name an act, as numbers alone repeat across councils and years. */
function actId(decision: Pick<RegisteredDecision, 'number' | 'adoptedOn'>): string {
  return `${decision.number ?? 'б/н'} ${decision.adoptedOn}`;
}

export interface ProgrammeRecord {
  readonly view: ProgrammeView;
  readonly approving: RegisteredDecision | undefined;
  readonly inForceFrom: string | undefined;
  readonly lastAmending: RegisteredDecision | undefined;
  readonly amendmentsInForce: number;
  readonly url: string;
}

export function programmesCsv(records: readonly ProgrammeRecord[]): string {
  const years = [...new Set(records.flatMap((r) => Object.keys(r.view.totals.byYear)))].sort();
  const header = [
    'programme_id',
    'title',
    'community',
    'period_from',
    'period_to',
    'publisher',
    'approved_by_act',
    'approved_by_decision_id',
    'approved_on',
    'in_force_from',
    'last_amended_by_act',
    'last_amended_by_decision_id',
    'last_amended_on',
    'amendments_in_force',
    ...years.map((y) => `total_${y}`),
    'total',
    'url',
  ];
  const rows = records.map(({ view, approving, inForceFrom, lastAmending, amendmentsInForce, url }) => [
    view.id,
    view.title,
    view.community,
    String(view.period.from),
    String(view.period.to),
    approving?.council ?? '',
    approving ? actId(approving) : '',
    approving?.id ?? '',
    approving?.adoptedOn ?? '',
    inForceFrom ?? '',
    lastAmending ? actId(lastAmending) : '',
    lastAmending?.id ?? '',
    lastAmending?.adoptedOn ?? '',
    String(amendmentsInForce),
    ...years.map((y) => view.totals.byYear[y] ?? ''),
    view.totals.overall,
    url,
  ]);
  return csv([header, ...rows]);
}

export interface ActRecord {
  readonly decision: RegisteredDecision;
  readonly kind: 'approval' | 'amendment';
  readonly programmeId: string;
  readonly amendments: number;
  /** The earliest date its amendments to the programme take effect from: an act may amend from a later date than its own. */
  readonly effectiveFrom: string;
  readonly url: string;
}

/**
 * One row per act and programme it approved or amended. The act id (number + ISO date, DESIGN §7) is shared by two
 * acts without a number adopted on one day; the decision id tells every act apart.
 */
export function amendmentsCsv(acts: readonly ActRecord[]): string {
  const header = ['act_id', 'decision_id', 'act_number', 'adopted_on', 'effective_from', 'publisher', 'session', 'convocation', 'title', 'kind', 'programme_id', 'amendments', 'url'];
  const rows = acts.map(({ decision, kind, programmeId, amendments, effectiveFrom, url }) => [
    actId(decision),
    decision.id,
    decision.number ?? '',
    decision.adoptedOn,
    effectiveFrom,
    decision.council,
    String(decision.session),
    decision.convocation,
    decision.title,
    kind,
    programmeId,
    String(amendments),
    url,
  ]);
  return csv([header, ...rows]);
}
