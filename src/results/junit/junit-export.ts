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

/**
 * JUnit XML for Jenkins and GitLab: `testsuites > testsuite > testcase`, one testcase per case,
 * counts on both levels. The testcase name is the case key, so importing the file back gives the
 * same keys (see junitCaseKey). Outcomes without a JUnit element of their own use `type`:
 * xpassed is a failure of type "xpassed", infra-error an error, xfailed/cancelled/manual-pending
 * are skips of that type.
 */
export function exportJunitXml(cases: readonly JunitExportCase[], opts: JunitExportOptions): string {
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  let timeMs = 0;
  const body: string[] = [];
  for (const c of cases) {
    const kind = junitKind(c.outcome);
    if (kind === 'failure') failures++;
    else if (kind === 'error') errors++;
    else if (kind === 'skipped') skipped++;
    timeMs += c.durationMs ?? 0;
    body.push(testcase(c, kind));
  }
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(timeMs)}"`;
  const suiteAttrs = [
    `name="${attr(opts.name)}"`,
    counts,
    ...(opts.timestamp ? [`timestamp="${opts.timestamp.toISOString().replace(/\.\d{3}Z$/, '')}"`] : []),
    ...(opts.hostname ? [`hostname="${attr(opts.hostname)}"`] : []),
  ].join(' ');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(opts.name)}" ${counts}>`,
    `  <testsuite ${suiteAttrs}>`,
    ...body,
    '  </testsuite>',
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
