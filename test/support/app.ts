import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request, { type Response } from 'supertest';
import { createApp } from '../../src/app.factory';
import { BUNDLED_SEED, loadConfig } from '../../src/config/config.schema';

export const TOKENS = {
  secretariat: 'secretariat-token-0123456789',
  auditor: 'auditor-token-0123456789abcd',
} as const;

export const KOROSTEN = 'korosten-self-government-2024-2026';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly http: ReturnType<typeof request>;
  readonly dataDir: string;
  /** An Authorization header for a role. */
  readonly as: (role: keyof typeof TOKENS) => { Authorization: string };
  readonly close: () => Promise<void>;
}

/**
 * The real application (the same createApp as `npm start`) on the embedded store in a fresh directory,
 * seeded with the Korosten annex unless `seed: false`.
 */
export async function startApp(options: { seed?: boolean; env?: Record<string, string>; dataDir?: string; onStartFailed?: (error: unknown) => void } = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'programme-tracker-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    SEED_DOCUMENT: options.seed === false ? '' : BUNDLED_SEED,
    API_TOKENS: `secretariat:${TOKENS.secretariat},auditor:${TOKENS.auditor}`,
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const app = await createApp(config, pino({ level: 'silent' }), options.onStartFailed ? { onStartFailed: options.onStartFailed } : {});
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: request(app.getHttpServer()),
    dataDir,
    as: (role) => ({ Authorization: `Bearer ${TOKENS[role]}` }),
    close: async () => {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Supertest keeps binary bodies (docx) as a Buffer. */
export function binary(res: Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}
