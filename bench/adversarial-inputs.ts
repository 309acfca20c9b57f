/**
 * Adversarial inputs for every parser of user or guest input, shared by the adversarial-parsers
 * test (linear growth, only domain errors) and the `parsers` bench (absolute times against the
 * goal of under a second for the largest input each parser reads).
 */
import { parseCampaign } from 'src/campaign/load-campaign';
import { parseBundleText } from 'src/community/bundle-import';
import { parseInventory } from 'src/lab/inventory.loader';
import { parseFioOutput } from 'src/results/fio/fio-parse';
import { parseJunitXml } from 'src/results/junit/junit-import';

export const FULL = 10 * 1024 * 1024;

export interface Subject {
  name: string;
  parse: (text: string) => unknown;
  fragments: string[];
  /** Largest input the parser reads at all (it refuses anything larger up front). */
  size: number;
}

export const subjects: Subject[] = [
  {
    name: 'fio output',
    parse: (t) => parseFioOutput(t, 'fio'),
    fragments: ['{', '{"jobs":', '{"jobs"', '"', '\\', 'note: x\n', '{"a":[', '}', ']', '{"fio version":"3"', '\n'],
    size: FULL,
  },
  {
    name: 'JUnit XML',
    parse: (t) => parseJunitXml(t, { source: 'junit' }),
    fragments: [
      '<testsuite>',
      '<testcase name="x" ',
      ' a="1"',
      '<!--',
      '&#',
      '&#xD800;',
      '<',
      '"',
      "'",
      '<a>',
      '</a>',
      '>',
      '<![CDATA[',
    ],
    size: FULL,
  },
  {
    name: 'result bundle',
    parse: (t) => parseBundleText(t),
    fragments: [
      '[',
      '{"a":',
      '"\\u',
      '"\\ud800"',
      '1e999999',
      ',',
      '{"format":"shakedown.bundle","cases":[',
      '"',
      '\\',
    ],
    size: FULL,
  },
  {
    name: 'campaign',
    parse: (t) => parseCampaign(t, 'c.yaml'),
    fragments: ['- ', '[', '{', '&a ', '*a ', 'a: ', '"', '\n  ', ': ', '? ', '|\n', '#', "'"],
    size: 1024 * 1024,
  },
  {
    name: 'inventory',
    parse: (t) => parseInventory(t, 'lab.yaml'),
    fragments: ['- ', '[', '{', '&a ', '*a ', 'a: ', '"', '\n  ', ': ', '? ', '|\n', 'pools:\n', "'"],
    size: 1024 * 1024,
  },
];

export function repeatTo(pattern: string, size: number): string {
  return pattern.repeat(Math.ceil(size / pattern.length)).slice(0, size);
}
