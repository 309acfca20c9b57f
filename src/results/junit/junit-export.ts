import { assertUnreachable } from 'src/common/errors/domain-error';
import type { Outcome } from 'src/results/outcome';

export interface JunitExportCase {
  caseKey: string;
  outcome: Outcome;
  durationMs?: number;
  /** Defaults to the case key's scenario (the part before `[`), so Jenkins groups cases by scenario. */
  classname?: string;
  /** One-line reason: failure message, skip reason. */
  message?: string;
  /** Longer text: the failing step's output, log excerpts. */
  details?: string;
  stdout?: string;
  stderr?: string;
}

interface JunitExportOptions {
  /** Name of the report and of its one suite (e.g. the run's name). */
  name: string;
  timestamp?: Date;
  hostname?: string;
}

/** One `<testsuite>`: its cases and the `<properties>` CI shows beside them (release, lab, build…). */
export interface JunitExportSuite {
  name: string;
  cases: readonly JunitExportCase[];
  properties?: ReadonlyArray<readonly [string, string]>;
  timestamp?: Date;
  hostname?: string;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  timeMs: number;
}

const countsText = (c: Counts): string =>
  `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.timeMs)}"`;

/**
 * JUnit XML for Jenkins and GitLab: `testsuites > testsuite > testcase`, one testcase per case,
 * counts on both levels. The testcase name is the case key, so importing the file back gives the
 * same keys (see junitCaseKey). Outcomes without a JUnit element of their own use `type`:
 * xpassed is a failure of type "xpassed", infra-error an error, xfailed/cancelled/manual-pending
 * are skips of that type.
 */
export function exportJunitXml(cases: readonly JunitExportCase[], opts: JunitExportOptions): string {
  return exportJunitSuites([{ ...opts, cases }], opts.name);
}

/** The same with one `<testsuite>` per suite of the run, each with its properties. */
export function exportJunitSuites(suites: readonly JunitExportSuite[], name: string): string {
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, timeMs: 0 };
  const body: string[] = [];
  for (const suite of suites) {
    const counts: Counts = { tests: suite.cases.length, failures: 0, errors: 0, skipped: 0, timeMs: 0 };
    const cases: string[] = [];
    for (const c of suite.cases) {
      const kind = junitKind(c.outcome);
      if (kind === 'failure') counts.failures++;
      else if (kind === 'error') counts.errors++;
      else if (kind === 'skipped') counts.skipped++;
      counts.timeMs += c.durationMs ?? 0;
      cases.push(testcase(c, kind));
    }
    for (const k of Object.keys(total) as Array<keyof Counts>) total[k] += counts[k];
    const suiteAttrs = [
      `name="${attr(suite.name)}"`,
      countsText(counts),
      ...(suite.timestamp ? [`timestamp="${suite.timestamp.toISOString().replace(/\.\d{3}Z$/, '')}"`] : []),
      ...(suite.hostname ? [`hostname="${attr(suite.hostname)}"`] : []),
    ].join(' ');
    const properties = suite.properties?.length
      ? [
          '    <properties>',
          ...suite.properties.map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
          '    </properties>',
        ]
      : [];
    body.push(`  <testsuite ${suiteAttrs}>`, ...properties, ...cases, '  </testsuite>');
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(name)}" ${countsText(total)}>`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}

type Kind = 'pass' | 'failure' | 'error' | 'skipped';

function junitKind(outcome: Outcome): Kind {
  switch (outcome) {
    case 'passed':
      return 'pass';
    case 'failed':
    case 'xpassed':
      return 'failure';
    case 'infra-error':
      return 'error';
    case 'xfailed':
    case 'skipped':
    case 'cancelled':
    case 'manual-pending':
      return 'skipped';
    default:
      return assertUnreachable(outcome);
  }
}

function testcase(c: JunitExportCase, kind: Kind): string {
  const classname = c.classname ?? scenarioOf(c.caseKey);
  const open = `    <testcase classname="${attr(classname)}" name="${attr(c.caseKey)}" time="${seconds(c.durationMs ?? 0)}"`;
  const inner: string[] = [];
  if (kind !== 'pass') {
    const type = kind === 'failure' ? (c.outcome === 'xpassed' ? 'xpassed' : 'failed') : c.outcome;
    const message = c.message ?? defaultMessage(c.outcome);
    const tag = kind;
    inner.push(
      c.details
        ? `      <${tag} type="${type}" message="${attr(message)}">${cdata(c.details)}</${tag}>`
        : `      <${tag} type="${type}" message="${attr(message)}"/>`,
    );
  }
  if (c.stdout) inner.push(`      <system-out>${cdata(c.stdout)}</system-out>`);
  if (c.stderr) inner.push(`      <system-err>${cdata(c.stderr)}</system-err>`);
  return inner.length === 0 ? `${open}/>` : [`${open}>`, ...inner, '    </testcase>'].join('\n');
}

function defaultMessage(outcome: Outcome): string {
  switch (outcome) {
    case 'xpassed':
      return 'expected to fail, but passed';
    case 'xfailed':
      return 'failed as expected';
    case 'cancelled':
      return 'cancelled before it finished';
    case 'manual-pending':
      return 'waiting for a manual check';
    case 'infra-error':
      return 'infrastructure error';
    case 'skipped':
      return 'skipped';
    case 'failed':
      return 'failed';
    case 'passed':
      return '';
    default:
      return assertUnreachable(outcome);
  }
}

function scenarioOf(key: string): string {
  const i = key.indexOf('[');
  return i < 0 ? key : key.slice(0, i);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * Characters XML 1.0 cannot carry at all (most C0 controls: ANSI colour escapes in logs, NULs),
 * lone surrogates and U+FFFE/U+FFFF. Shown as `\xNN` so the log still says something was there.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function xmlSafe(text: string): string {
  return text.replace(NOT_XML, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Attribute value: escaped, with newlines and tabs as references so parsers keep them. */
function attr(text: string): string {
  return xmlSafe(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** CDATA section; a `]]>` inside is split across two sections so it cannot end the first early. */
function cdata(text: string): string {
  return `<![CDATA[${xmlSafe(text).replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
