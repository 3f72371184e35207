import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { documentDate, todayInKyiv } from '../../common/clock';
import { citation } from '../../decision/domain/decision.decider';
import { DecisionsProjection } from '../../decision/decisions.projection';
import { type DiffEnd, GetDiff } from '../read/programme-read.handlers';
import { mustBeKnowable, mustExist, notInForce, pointParameters, trailFound } from '../read/read.preconditions';
import type { ProgrammeDiff } from '../read/programme.diff';
import type { AuditFilter } from '../read/audit.query';
import { ProgrammeQueries } from '../read/programme.queries';
import { annexGrid, comparativeGrid } from './annex.table';
import { annexCsv, auditCsv } from './csv';
import { type ActRecord, amendmentsCsv, programmesCsv, type ProgrammeRecord } from './open-data.csv';
import { DOCX, gridHtml } from './grid.render';
import { PackedDocuments } from './packed-documents.cache';

export interface ExportedFile {
  readonly contentType: string;
  readonly filename: string;
  readonly body: string | Buffer;
}

export class ExportProgramme {
  constructor(
    readonly programmeId: string,
    readonly format: 'json' | 'csv' | 'html' | 'docx',
    readonly asOf?: string,
    readonly knownAt?: string,
  ) {}
}

export class ExportDiff {
  constructor(
    readonly programmeId: string,
    readonly from: string,
    readonly to: string,
    readonly format: 'html' | 'docx',
    readonly knownAt?: string,
  ) {}
}

export class ExportAudit {
  constructor(
    readonly programmeId: string,
    readonly filter: Omit<AuditFilter, 'after' | 'limit'>,
  ) {}
}

export class OpenDataProgrammes {
  constructor(readonly baseUrl: string) {}
}

export class OpenDataAmendments {
  constructor(readonly baseUrl: string) {}
}

@QueryHandler(ExportProgramme)
export class ExportProgrammeHandler implements IQueryHandler<ExportProgramme> {
  constructor(
    @Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries,
    @Inject(PackedDocuments) private readonly documents: PackedDocuments,
  ) {}

  async execute({ programmeId, format, asOf, knownAt }: ExportProgramme): Promise<ExportedFile> {
    mustExist(this.queries, programmeId);
    mustBeKnowable(this.queries, programmeId, knownAt);
    const date = asOf ?? todayInKyiv();
    const view = this.queries.view(programmeId, { asOf: date, ...(knownAt ? { knownAt } : {}) });
    if (!view) throw notInForce(programmeId, date, pointParameters(asOf, knownAt));
    const filename = `${programmeId}-${date}${knownAtPart(knownAt)}`;
    switch (format) {
      case 'json':
        return { contentType: 'application/json; charset=utf-8', filename: `${filename}.json`, body: JSON.stringify(view) };
      case 'csv':
        return { contentType: 'text/csv; charset=utf-8', filename: `${filename}.csv`, body: annexCsv(view) };
      case 'html':
        return { contentType: 'text/html; charset=utf-8', filename: `${filename}.html`, body: gridHtml(annexGrid(view, knownAt)) };
      case 'docx':
        return { contentType: DOCX, filename: `${filename}.docx`, body: await this.documents.docx(annexGrid(view, knownAt), this.queries.historyRecordedAt(programmeId, knownAt) ?? view.knownAt) };
    }
  }
}

@QueryHandler(ExportDiff)
export class ExportDiffHandler implements IQueryHandler<ExportDiff> {
  constructor(
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries,
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
    @Inject(PackedDocuments) private readonly documents: PackedDocuments,
  ) {}

  async execute({ programmeId, from, to, format, knownAt }: ExportDiff): Promise<ExportedFile> {
    const diff: ProgrammeDiff & { from: DiffEnd; to: DiffEnd } = await this.queryBus.execute(new GetDiff(programmeId, from, to, knownAt));
    const shown = this.queries.view(programmeId, { asOf: diff.to.asOf, ...(knownAt ? { knownAt } : {}) });
    if (!shown) throw new Error(`programme ${programmeId} was in force on ${diff.to.asOf} for GetDiff, and is not for its view`);
    const title = shown.title;
    const grid = comparativeGrid(title, diff, { from: this.side(diff.from, knownAt), to: this.side(diff.to, knownAt) }, knownAt);
    const filename = `${programmeId}-diff-${from}-${to}${knownAtPart(knownAt)}`;
    return format === 'html'
      ? { contentType: 'text/html; charset=utf-8', filename: `${filename}.html`, body: gridHtml(grid) }
      : { contentType: DOCX, filename: `${filename}.docx`, body: await this.documents.docx(grid, this.queries.historyRecordedAt(programmeId, knownAt) ?? shown.knownAt) };
  }

  /** A side of the comparative table as the council writes it: a decision by its citation, a date as 01.01.2025. */
  private side(end: DiffEnd, knownAt: string | undefined): string {
    const decision = end.decisionId === null ? undefined : this.decisions.get(end.decisionId, knownAt);
    return decision ? `у редакції ${citation(decision)}` : `на ${documentDate(end.asOf)}`;
  }
}

@QueryHandler(ExportAudit)
export class ExportAuditHandler implements IQueryHandler<ExportAudit> {
  constructor(
    @Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries,
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
  ) {}

  async execute({ programmeId, filter }: ExportAudit): Promise<ExportedFile> {
    mustExist(this.queries, programmeId);
    const { entries } = trailFound(programmeId, this.queries.audit(programmeId, filter));
    // A trail of thousands of lines cites a few decisions: each is read (its history parsed) and cited once.
    const citations = new Map<string, string>();
    const citationOf = (decisionId: string) => {
      let cited = citations.get(decisionId);
      if (cited === undefined) {
        const decision = this.decisions.get(decisionId);
        cited = decision ? citation(decision) : '';
        citations.set(decisionId, cited);
      }
      return cited;
    };
    return { contentType: 'text/csv; charset=utf-8', filename: `${programmeId}-audit.csv`, body: auditCsv(entries, citationOf) };
  }
}

@QueryHandler(OpenDataProgrammes)
export class OpenDataProgrammesHandler implements IQueryHandler<OpenDataProgrammes> {
  constructor(
    @Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries,
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
  ) {}

  async execute({ baseUrl }: OpenDataProgrammes): Promise<ExportedFile> {
    const today = todayInKyiv();
    const records: ProgrammeRecord[] = [];
    for (const id of this.queries.ids()) {
      const view = this.queries.view(id, { asOf: today });
      if (!view) continue;
      const acts = this.queries.actsInForce(id, today);
      const approving = acts.find((act) => act.initial);
      const amendingActs = acts.filter((act) => !act.initial);
      // The act adopted last among those in force, as the amendment chain cites it: an act adopted earlier may
      // take effect later than one adopted after it.
      const amending = amendingActs.flatMap((act) => this.decisions.get(act.decisionId) ?? []);
      const lastAmending = amending.reduce<(typeof amending)[number] | undefined>((last, d) => (!last || d.adoptedOn >= last.adoptedOn ? d : last), undefined);
      records.push({
        view,
        approving: approving && this.decisions.get(approving.decisionId),
        // The initial wording's date, as amendments.csv dates the act's row: its decision may since have been corrected.
        inForceFrom: approving?.effectiveFrom,
        lastAmending,
        amendmentsInForce: amendingActs.reduce((sum, act) => sum + act.amendments, 0),
        url: `${baseUrl}/api/v1/programmes/${id}`,
      });
    }
    return { contentType: 'text/csv; charset=utf-8', filename: 'programmes.csv', body: programmesCsv(records) };
  }
}

@QueryHandler(OpenDataAmendments)
export class OpenDataAmendmentsHandler implements IQueryHandler<OpenDataAmendments> {
  constructor(
    @Inject(ProgrammeQueries) private readonly queries: ProgrammeQueries,
    @Inject(DecisionsProjection) private readonly decisions: DecisionsProjection,
  ) {}

  async execute({ baseUrl }: OpenDataAmendments): Promise<ExportedFile> {
    const acts: ActRecord[] = [];
    for (const decision of this.decisions.list()) {
      const made = this.queries.amendmentsByDecision(decision.id).filter((a) => a.revokedAt === null);
      // One act may approve one programme and amend another: what it did is told programme by programme.
      for (const programmeId of new Set(made.map((a) => a.programmeId))) {
        const inProgramme = made.filter((a) => a.programmeId === programmeId);
        acts.push({
          decision,
          kind: inProgramme.some((a) => a.initial) ? 'approval' : 'amendment',
          programmeId,
          amendments: inProgramme.length,
          // In effective order (amendmentsByDecision).
          effectiveFrom: inProgramme[0].effectiveFrom,
          url: `${baseUrl}/api/v1/decisions/${decision.id}`,
        });
      }
    }
    return { contentType: 'text/csv; charset=utf-8', filename: 'amendments.csv', body: amendmentsCsv(acts) };
  }
}

/** Two exports as known at different instants are two files: the instant goes in the name, without the colons no file system takes. */
function knownAtPart(knownAt: string | undefined): string {
  return knownAt === undefined ? '' : `-known-${knownAt.replace(/[:.]/g, '')}`;
}
