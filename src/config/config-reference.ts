import { configFields } from 'src/config/config.schema';

/** The configuration reference as a Markdown table, generated from the schema so it cannot drift. */
export function configReference(): string {
  const rows = Object.entries(configFields).map(([key, field]) => {
    const parsed = field.schema.safeParse(undefined);
    const fallback =
      parsed.success && parsed.data !== undefined && typeof parsed.data !== 'object'
        ? `\`${String(parsed.data)}\``
        : '(unset)';
    const secret = 'secret' in field && field.secret ? ' Secret: never logged.' : '';
    return `| \`${key}\` | ${fallback} | ${field.description}${secret} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
