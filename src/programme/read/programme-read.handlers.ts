import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { todayInKyiv } from '../../common/clock';
import { ExecutorsProjection } from '../../executor/executors.projection';
import { ProblemException, type ProblemItem } from '../../http/problem';
import { diffContents, type ProgrammeDiff } from './programme.diff';
import type { AuditFilter } from './audit.query';
import { type EffectiveKey, ProgrammeQueries, type VersionView } from './programme.queries';
import type { ProgrammeView } from './programme.view';
import { ProgrammeViewCache } from './programme-view.cache';
import { mustBeKnowable, mustExist, notInForce, pointParameters, trailFound } from './read.preconditions';

export class ListProgrammes {}
export class GetProgrammeView {
  constructor(
    readonly programmeId: string,
    readonly asOf?: string,
    readonly knownAt?: string,
  ) {}
}
export class ListVersions {
  constructor(
    readonly programmeId: string,
    readonly knownAt?: string,
  ) {}
}
export class GetVersion {
  constructor(
    readonly programmeId: string,
    readonly decisionId: string,
    readonly knownAt?: string,
  ) {}
}
export class GetDiff {
  constructor(
    readonly programmeId: string,
    readonly from: string,
    readonly to: string,
    readonly knownAt?: string,
  ) {}
}
export class GetAudit {
  constructor(
    readonly programmeId: string,
    readonly filter: AuditFilter,
  ) {}
}

/** A view serialised once: the JSON text is what the controller sends. */
export interface SerializedView {
  readonly revision: number;
  readonly json: string;
}

@QueryHandler(ListProgrammes)
export class ListProgrammesHandler implements IQueryHandler<ListProgrammes> {
  constructor(@Inject(ProgrammeViewCache) private readonly views: ProgrammeViewCache) {}

  async execute() {
    return this.views.list();
  }
}

@QueryHandler(GetProgrammeView)
export class GetProgrammeViewHandler implements IQueryHandler<GetProgrammeView> {
  constructor(
    @Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries,
    @Inject(ProgrammeViewCache) private readonly views: ProgrammeViewCache,
  ) {}

  async execute({ programmeId, asOf, knownAt }: GetProgrammeView): Promise<SerializedView> {
    mustExist(this.queries, programmeId);
    mustBeKnowable(this.queries, programmeId, knownAt);
    const today = todayInKyiv();
    const date = asOf ?? today;
    if (knownAt === undefined && date === today) {
      const current = this.views.current(programmeId);
      if (!current) throw notInForce(programmeId, date, pointParameters(asOf, knownAt));
      return current;
    }
    const view = this.queries.view(programmeId, { asOf: date, ...(knownAt ? { knownAt } : {}) });
    if (!view) throw notInForce(programmeId, date, pointParameters(asOf, knownAt));
    return { revision: view.revision, json: JSON.stringify(view) };
  }
}

@QueryHandler(ListVersions)
export class ListVersionsHandler implements IQueryHandler<ListVersions> {
  constructor(@Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries) {}

  async execute({ programmeId, knownAt }: ListVersions): Promise<{ programmeId: string; versions: VersionView[] }> {
    mustExist(this.queries, programmeId);
    mustBeKnowable(this.queries, programmeId, knownAt);
    return { programmeId, versions: this.queries.versions(programmeId, knownAt) };
  }
}

@QueryHandler(GetVersion)
export class GetVersionHandler implements IQueryHandler<GetVersion> {
  constructor(@Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries) {}

  async execute({ programmeId, decisionId, knownAt }: GetVersion): Promise<{ version: VersionView; programme: ProgrammeView }> {
    mustExist(this.queries, programmeId);
    mustBeKnowable(this.queries, programmeId, knownAt);
    const version = this.queries.versionByDecision(programmeId, decisionId, knownAt);
    if (!version) throw new ProblemException(404, 'VersionNotFound', this.noVersion(programmeId, decisionId, knownAt));
    // The stream revision of the amendment places the version in effective order; the answer carries one revision, the programme's.
    const { revision, ...shown } = version;
    const programme = this.queries.view(programmeId, { asOf: version.effectiveFrom, upTo: { effectiveFrom: version.effectiveFrom, revision }, ...(knownAt ? { knownAt } : {}) });
    if (!programme) throw notInForce(programmeId, version.effectiveFrom);
    // The programme after the version, as known at knownAt: the stored totals are those known now.
    return { version: { ...shown, totals: programme.totals }, programme };
  }

  /** An auditor asking for a decision whose amendments were all revoked is told so, and where the reasons are. */
  private noVersion(programmeId: string, decisionId: string, knownAt: string | undefined): string {
    const known = (at: string | null): at is string => at !== null && (knownAt === undefined || at <= knownAt);
    const made = this.queries.amendmentsByDecision(decisionId).filter((a) => a.programmeId === programmeId && known(a.recordedAt));
    const revokedAt = made.map((a) => a.revokedAt).filter(known);
    if (made.length === 0 || revokedAt.length < made.length) return `decision ${decisionId} made no amendment (in force${knownAt ? ' as known then' : ''}) to programme ${programmeId}`;
    const last = revokedAt.reduce((a, b) => (a > b ? a : b));
    return `every amendment decision ${decisionId} made to programme ${programmeId} was revoked${knownAt ? ' as known then' : ''} (the last at ${last}); the audit trail (audit?decision=${decisionId}) gives the reasons`;
  }
}

@QueryHandler(GetDiff)
export class GetDiffHandler implements IQueryHandler<GetDiff> {
  constructor(
    @Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries,
    @Inject(ExecutorsProjection) private readonly executors: ExecutorsProjection,
  ) {}

  async execute({ programmeId, from, to, knownAt }: GetDiff): Promise<ProgrammeDiff & { from: DiffEnd; to: DiffEnd }> {
    mustExist(this.queries, programmeId);
    mustBeKnowable(this.queries, programmeId, knownAt);
    // Both ends are looked up before either is refused, so one answer names every parameter that is wrong.
    const was = this.end(programmeId, from, 'from', knownAt);
    const became = this.end(programmeId, to, 'to', knownAt);
    if (!was.found || !became.found) {
      const unknown = [was, became].filter((end): end is MissingEnd => !end.found);
      throw new ProblemException(404, 'VersionNotFound', unknown.map((end) => end.detail).join('; '), unknown.map((end) => end.problem));
    }
    const wasContent = this.queries.content(programmeId, was.query);
    const becameContent = this.queries.content(programmeId, became.query);
    if (!wasContent || !becameContent) {
      const absent = [
        ...(wasContent ? [] : [{ asOf: was.asOf, where: pointParameters(from, knownAt, 'from') }]),
        ...(becameContent ? [] : [{ asOf: became.asOf, where: pointParameters(to, knownAt, 'to') }]),
      ];
      throw notInForce(programmeId, absent.map((end) => end.asOf), absent.flatMap((end) => end.where));
    }
    return { from: was.describe, to: became.describe, ...diffContents(wasContent, becameContent, (id) => this.executors.get(id, knownAt), { was: was.asOf, became: became.asOf }) };
  }

  /** `from`/`to` is a date (YYYY-MM-DD) or a decision id. */
  private end(programmeId: string, ref: string, param: string, knownAt: string | undefined): DiffPoint | MissingEnd {
    if (/^\d{4}-\d{2}-\d{2}$/.test(ref)) {
      return { found: true, asOf: ref, query: { asOf: ref, ...(knownAt ? { knownAt } : {}) }, describe: { asOf: ref, decisionId: null } };
    }
    const version = this.queries.versionByDecision(programmeId, ref, knownAt);
    if (!version) {
      // A decision whose amendments were all revoked did amend the programme once: the message says what is missing.
      const inForce = `an amendment to programme ${programmeId} in force${knownAt ? ' as known then' : ''}`;
      const problem = { path: `query:${param}`, code: 'VersionNotFound', message: 'a date (YYYY-MM-DD) or the id of a decision with an amendment in force (not revoked)' };
      return { found: false, detail: `"${ref}" is neither a date nor a decision with ${inForce}`, problem };
    }
    const upTo: EffectiveKey = version;
    return { found: true, asOf: version.effectiveFrom, query: { asOf: version.effectiveFrom, upTo, ...(knownAt ? { knownAt } : {}) }, describe: { asOf: version.effectiveFrom, decisionId: ref } };
  }
}

interface DiffPoint {
  readonly found: true;
  readonly asOf: string;
  readonly query: { asOf: string; upTo?: EffectiveKey; knownAt?: string };
  readonly describe: DiffEnd;
}

interface MissingEnd {
  readonly found: false;
  readonly detail: string;
  readonly problem: ProblemItem;
}

export interface DiffEnd {
  readonly asOf: string;
  readonly decisionId: string | null;
}

@QueryHandler(GetAudit)
export class GetAuditHandler implements IQueryHandler<GetAudit> {
  constructor(@Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries) {}

  async execute({ programmeId, filter }: GetAudit) {
    mustExist(this.queries, programmeId);
    return { programmeId, ...trailFound(programmeId, this.queries.audit(programmeId, filter)) };
  }
}
