import { domainError, type DomainError } from '../../common/domain-error';
import { exhaustive } from '../../common/exhaustive';
import { streamCategory } from '../../common/stream-name';
import { documentDate } from '../../common/clock';
import { eventReader } from '../../common/event-types';

/** A council decision (рішення): the act that approves or amends programmes. */

export interface DecisionDetails {
  /** "Коростенська міська рада" */
  readonly council: string;
  /** Roman numeral: "VIII". */
  readonly convocation: string;
  readonly session: number;
  /** As the council numbers it ("1878", "1222-31-VIII", "4157-55/2025"); null while the draft has none. */
  readonly number: string | null;
  /** YYYY-MM-DD */
  readonly adoptedOn: string;
  /** YYYY-MM-DD; the amendments' default effective date. */
  readonly effectiveFrom: string;
  readonly title: string;
}

export type DecisionEvent =
  | { readonly type: 'DecisionRegistered'; readonly data: { readonly decisionId: string } & DecisionDetails }
  | { readonly type: 'DecisionDetailsCorrected'; readonly data: { readonly decisionId: string; readonly corrected: Partial<DecisionDetails>; readonly was: Partial<DecisionDetails> } };

/** A stored event as a decision event, or undefined for a type this code does not know (eventReader). */
export const decisionEventOf = eventReader<DecisionEvent>({ DecisionRegistered: true, DecisionDetailsCorrected: true });

/** `today`: the date in Kyiv when the command is decided; a decision cannot have been adopted after it. */
export type DecisionCommand =
  | { readonly type: 'RegisterDecision'; readonly today: string; readonly data: { readonly decisionId: string } & Omit<DecisionDetails, 'effectiveFrom'> & { readonly effectiveFrom?: string } }
  | { readonly type: 'CorrectDecisionDetails'; readonly today: string; readonly data: { readonly decisionId: string; readonly corrections: Partial<DecisionDetails> } };

export type Decision = { readonly status: 'unknown' } | ({ readonly status: 'registered'; readonly id: string } & DecisionDetails);

export const initialDecision: Decision = { status: 'unknown' };

const decisions = streamCategory('decision');
export const decisionStream = decisions.stream;
export const decisionIdOf = decisions.idOf;

export function decide(command: DecisionCommand, state: Decision): DecisionEvent[] | DomainError {
  switch (command.type) {
    case 'RegisterDecision':
      return registerDecision(command, state);
    case 'CorrectDecisionDetails':
      return correctDecisionDetails(command, state);
    default:
      return exhaustive(command);
  }
}

function registerDecision({ today, data }: Extract<DecisionCommand, { type: 'RegisterDecision' }>, state: Decision): DecisionEvent[] | DomainError {
  if (state.status === 'registered') return domainError('conflict', 'DecisionAlreadyRegistered', `decision ${state.id} is already registered`);
  const refused = detailsProblem(today, data);
  if (refused) return refused;
  const { effectiveFrom, ...details } = data;
  return [{ type: 'DecisionRegistered', data: { ...details, effectiveFrom: effectiveFrom ?? details.adoptedOn } }];
}

function correctDecisionDetails({ today, data }: Extract<DecisionCommand, { type: 'CorrectDecisionDetails' }>, state: Decision): DecisionEvent[] | DomainError {
  if (state.status === 'unknown') return domainError('not-found', 'DecisionNotFound', `no decision ${data.decisionId}`);
  const refused = detailsProblem(today, data.corrections);
  if (refused) return refused;
  const corrections = withDefaultEffectiveDate(data.corrections, state);
  const changed = (Object.keys(corrections) as (keyof DecisionDetails)[]).filter((key) => corrections[key] !== undefined && corrections[key] !== state[key]);
  if (changed.length === 0) return domainError('conflict', 'NothingToCorrect', 'the corrections repeat what is registered', [{ code: 'NothingToCorrect', message: 'every field is as registered', path: [] }]);
  const pick = (source: Partial<DecisionDetails>) => Object.fromEntries(changed.map((key) => [key, source[key]])) as Partial<DecisionDetails>;
  return [{ type: 'DecisionDetailsCorrected', data: { decisionId: state.id, corrected: pick(corrections), was: pick(state) } }];
}

/** Every detail that cannot be, each at its field: one is told by its own code, several together. */
function detailsProblem(today: string, details: Partial<DecisionDetails>): DomainError | undefined {
  const refused = [adoptionDateProblem(today, details.adoptedOn), effectiveDateProblem(details.effectiveFrom), convocationProblem(details.convocation)].filter((p) => p !== undefined);
  if (refused.length <= 1) return refused[0];
  return domainError('invalid', 'InvalidRequest', `${refused.length} details of the decision cannot be`, refused.flatMap((p) => p.problems));
}

/** A convocation as a numeral is written, I to XXXIX: a council is elected every five years, so this outlasts the product. */
export const CONVOCATION = /^(?=.)X{0,3}(IX|IV|V?I{0,3})$/;

function convocationProblem(convocation: string | undefined): DomainError | undefined {
  if (convocation === undefined || CONVOCATION.test(convocation)) return undefined;
  return invalidDetail('convocation', 'InvalidConvocation', `"${convocation}" is not a convocation: a Roman numeral such as "VIII"`);
}

/** The first year a local programme may run, as the API bounds programme years: no council adopted one before 1991. */
export const FIRST_PROGRAMME_YEAR = 1991;

const FIRST_ADOPTION = `${FIRST_PROGRAMME_YEAR}-01-01`;

/**
 * "№" and its Latin stand-ins, stacked or not, with the spaces, hyphens or underscores after them: "№", "№.", "Nº",
 * "N°", "No." always; "No" and a bare "N" only as a label stands, before a space, or before a number or a blank
 * ("N-5", "N___"), so that "Novo-1" and "N-VIII" stay numbers of their own.
 */
const LABELS = /^(?:(?:№\.?|N[º°]\.?|No\.|No(?=[\s\-_\d№]|$)|N(?=\s|[-_]*(?:[\d_№]|$)))[\s\-_]*)+/iu;

/**
 * A decision's number as the council numbers it: "№" is the label a document prints before it, not part of it,
 * nor is the "N", "No." or "Nº" a Latin keyboard types for it (a hyphen after any of them is layout); the dashes
 * Word puts in ("1222–31–VIII") are the hyphens typed, and spaces around them ("1222 - 31 - VIII") are layout. One
 * act is one number, however typed. A blank for it ("№ _____", "N —") or "б/н" (без номера, as act ids write an
 * unnumbered one) is a decision not numbered yet: null.
 */
export function decisionNumber(written: string): string | null {
  // Hyphens first: "N - VIII" is then "N-VIII", the number, as typed without the spaces.
  const number = written
    .trim()
    .replace(/[\u2010-\u2015\u2212]/gu, '-')
    .replace(/\s*-\s*/gu, '-')
    .replace(LABELS, '')
    .trim();
  return /^[-_.\s]*$/u.test(number) || /^б\s*[/.]\s*н\.?$/iu.test(number) ? null : number;
}

/**
 * An adoption date after today is a typing error (2052 for 2025), not a decision yet to come: a session's
 * decisions are registered once it has adopted them. Their effective date may lie ahead, as it often does. So is
 * one before 1991 ("0025" for 2025).
 */
function adoptionDateProblem(today: string, adoptedOn: string | undefined): DomainError | undefined {
  if (adoptedOn !== undefined && adoptedOn > today) {
    return invalidDetail('adoptedOn', 'AdoptedInFuture', `a decision adopted on ${adoptedOn} is not adopted yet: today is ${today} in Kyiv`);
  }
  if (adoptedOn !== undefined && adoptedOn < FIRST_ADOPTION) {
    return invalidDetail('adoptedOn', 'AdoptedTooEarly', `a decision adopted on ${adoptedOn} is older than any local programme: ${FIRST_ADOPTION} at the earliest`);
  }
  return undefined;
}

/** Nothing a council decided takes effect before any local programme could run ("1980" for 2018 typed by hand). */
function effectiveDateProblem(effectiveFrom: string | undefined): DomainError | undefined {
  if (effectiveFrom === undefined || effectiveFrom >= FIRST_ADOPTION) return undefined;
  return invalidDetail('effectiveFrom', 'EffectiveTooEarly', `a decision taking effect on ${effectiveFrom} is older than any local programme: ${FIRST_ADOPTION} at the earliest`);
}

/** A detail of the decision that cannot be, at its field. */
function invalidDetail(field: keyof DecisionDetails, code: string, message: string): DomainError {
  return domainError('invalid', code, message, [{ code, message, path: [field] }]);
}

/**
 * An effective date that is the adoption date (the default it was registered with, or one set to it) moves with
 * a corrected adoption date, unless the correction names one; an effective date of its own stays. Amendments
 * already registered keep the effective date they were registered with.
 */
function withDefaultEffectiveDate(corrections: Partial<DecisionDetails>, state: DecisionDetails): Partial<DecisionDetails> {
  const followsAdoption = corrections.adoptedOn !== undefined && corrections.effectiveFrom === undefined && state.effectiveFrom === state.adoptedOn;
  return followsAdoption ? { ...corrections, effectiveFrom: corrections.adoptedOn } : corrections;
}

export function evolve(state: Decision, event: DecisionEvent): Decision {
  switch (event.type) {
    case 'DecisionRegistered': {
      const { decisionId, ...details } = event.data;
      return { status: 'registered', id: decisionId, ...details };
    }
    case 'DecisionDetailsCorrected':
      return state.status === 'registered' ? { ...state, ...event.data.corrected } : state;
    default:
      return exhaustive(event);
  }
}

/** "рішення 31 сесії VIII скликання від 22.02.2024 № 123": how documents cite a decision. */
export function citation(decision: Pick<DecisionDetails, 'session' | 'convocation' | 'adoptedOn' | 'number'>): string {
  return `рішення ${decision.session} сесії ${decision.convocation} скликання від ${documentDate(decision.adoptedOn)}${decision.number ? ` № ${decision.number}` : ''}`;
}
