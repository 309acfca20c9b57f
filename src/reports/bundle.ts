import { z } from 'zod';
import { OUTCOMES } from 'src/results/outcome';

/**
 * The Shakedown result bundle: one run's results as one JSON document. `shakedown export RUN
 * --format bundle` writes it; community submissions accept it (kind `bundle`). Versioned: a reader
 * refuses versions it does not know instead of guessing.
 *
 * ```json
 * { "format": "shakedown.bundle", "version": 1, "generatedAt": "2026-…Z", "generator": "shakedown 0.1.0",
 *   "run": { "number": 12, "campaign": "release-8.3", "release": "8.3.0", "baselineRelease": "8.2.1",
 *            "lab": "lab-a", "simulated": true, "status": "finished", "startedAt": "…", "finishedAt": "…" },
 *   "lab": { "hosts": [ { "name": "host-a", "version": "8.3.0", "build": "…", "packages": { "xen": "4.17.5" } } ] },
 *   "cases": [ { "caseKey": "storage.fio[rw=read]", "scenario": "storage.fio", "suite": "storage",
 *                "params": { "rw": "read" }, "release": null, "outcome": "passed", "reason": null,
 *                "errorCode": null, "signature": null, "durationMs": 81234,
 *                "attempts": [ { "number": 1, "outcome": "passed", "errorCode": null, "errorMessage": null, "infra": false } ],
 *                "measurements": [ { "metric": "fio.read.iops", "unit": "IOPS", "direction": "higher",
 *                                    "samples": [1012.5, 998.1], "value": 1005.3, "context": {} } ] } ] }
 * ```
 *
 * Rules: `caseKey` is canonical (scenario + sorted params, as `src/matrix/case-key.ts` builds it);
 * samples are every repetition's value in order; `value` is their median; `simulated` says whether the
 * numbers come from the simulated lab (they are never shown as hardware results).
 */
export const BUNDLE_FORMAT = 'shakedown.bundle';
export const BUNDLE_VERSION = 1;

const outcome = z.enum(OUTCOMES);
const isoDate = z.string().datetime({ offset: true });

const bundleMeasurementSchema = z.object({
  metric: z.string().min(1).max(200),
  unit: z.string().max(50),
  direction: z.enum(['higher', 'lower']),
  samples: z.array(z.number()).min(1).max(100_000),
  value: z.number(),
  context: z.record(z.string(), z.unknown()).default({}),
});

const bundleAttemptSchema = z.object({
  number: z.number().int().min(1),
  outcome: outcome.nullable(),
  errorCode: z.string().max(200).nullable().default(null),
  errorMessage: z.string().max(20_000).nullable().default(null),
  infra: z.boolean().default(false),
  startedAt: isoDate.nullable().default(null),
  finishedAt: isoDate.nullable().default(null),
});

const bundleCaseSchema = z.object({
  caseKey: z.string().min(1).max(2000),
  scenario: z.string().min(1).max(200),
  suite: z.string().max(200),
  params: z.record(z.string(), z.unknown()),
  release: z.string().max(100).nullable().default(null),
  outcome: outcome.nullable(),
  reason: z.string().max(20_000).nullable().default(null),
  errorCode: z.string().max(200).nullable().default(null),
  signature: z.string().max(2000).nullable().default(null),
  durationMs: z.number().int().min(0).nullable().default(null),
  attempts: z.array(bundleAttemptSchema).default([]),
  measurements: z.array(bundleMeasurementSchema).default([]),
});

const bundleHostSchema = z.object({
  name: z.string().max(200),
  version: z.string().max(100).nullable(),
  build: z.string().max(100).nullable(),
  packages: z.record(z.string(), z.string()),
});

export const resultBundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  generatedAt: isoDate,
  generator: z.string().max(200),
  run: z.object({
    number: z.number().int().nullable(),
    campaign: z.string().max(200),
    release: z.string().min(1).max(100),
    baselineRelease: z.string().max(100).nullable(),
    lab: z.string().max(200).nullable(),
    simulated: z.boolean(),
    status: z.string().max(50),
    startedAt: isoDate.nullable(),
    finishedAt: isoDate.nullable(),
  }),
  lab: z.object({ hosts: z.array(bundleHostSchema) }),
  cases: z.array(bundleCaseSchema),
});

export type ResultBundle = z.infer<typeof resultBundleSchema>;
export type BundleCase = z.infer<typeof bundleCaseSchema>;
