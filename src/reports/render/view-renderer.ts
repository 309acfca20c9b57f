import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { currentViewer } from 'src/common/request/viewer';
import { withoutServerPaths } from 'src/common/errors/server-paths';
import { chartJsFile, publicDir, viewsDir } from 'src/reports/render/project-paths';
import { templateHelpers } from 'src/reports/render/template-helpers';

interface LayoutOptions {
  title: string;
  /** The data shown is (partly) simulated: the layout shows the badge. */
  simulated?: boolean;
  /** The page draws charts: load Chart.js and the chart script. */
  charts?: boolean;
  /** Extra page scripts from public/js/. */
  scripts?: string[];
  /** Self-contained mode (static report): styles and scripts inlined, no links to the server. */
  standalone?: boolean;
}

interface InlineAssets {
  css: string;
  chartJs: string;
  chartsScript: string;
  sortableScript: string;
  /** The report's own Content-Security-Policy: only these exact inline scripts and styles run. */
  csp: string;
}

/** A CSP source for one inline script or style: the sha256 of its exact text. */
function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Renders the Handlebars views of `views/` (layouts, partials, pages). One instance per process:
 * templates compile once. `{{…}}` escapes; the few `{{{…}}}` in the views only take our own
 * rendered HTML or asset files, never user data.
 */
export class ViewRenderer {
  private readonly hbs = Handlebars.create();
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();
  private layout?: Handlebars.TemplateDelegate;
  private inline?: InlineAssets;

  constructor(private readonly dir: string = viewsDir()) {
    this.hbs.registerHelper(templateHelpers);
    const partials = join(this.dir, 'partials');
    for (const file of readdirSync(partials).filter((f) => f.endsWith('.hbs'))) {
      this.hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partials, file), 'utf8'));
    }
  }

  /** A page inside the layout. */
  render(page: string, model: Record<string, unknown>, layout: LayoutOptions): string {
    // A static report is read by anyone, anywhere: it never carries a session's name or CSRF token.
    const viewer = layout.standalone ? null : currentViewer();
    const body = this.renderFragment(`pages/${page}`, { ...model, viewer, standalone: Boolean(layout.standalone) });
    this.layout ??= this.compile('layouts/main');
    return this.layout({
      ...layout,
      viewer,
      body,
      inline: layout.standalone ? this.inlineAssets() : null,
    });
  }

  /** A template without the layout (the live-updated part of the run page). */
  renderFragment(name: string, model: Record<string, unknown>): string {
    let template = this.pages.get(name);
    if (!template) {
      template = this.compile(name);
      this.pages.set(name, template);
    }
    // Pages never tell where the server keeps its files (an fs error quoted in a case's reason, say).
    return withoutServerPaths(template(model));
  }

  private compile(name: string): Handlebars.TemplateDelegate {
    return this.hbs.compile(readFileSync(join(this.dir, `${name}.hbs`), 'utf8'), { strict: false });
  }

  private inlineAssets(): InlineAssets {
    // `</script` cannot appear inside an inline script; `<\/` means the same inside JS strings and regexes.
    const script = (text: string): string => text.replace(/<\/(script)/gi, '<\\/$1');
    if (this.inline) return this.inline;
    const css = readFileSync(join(publicDir(), 'css', 'shakedown.css'), 'utf8').replace(/<\/(style)/gi, '<\\/$1');
    const chartJs = script(readFileSync(chartJsFile(), 'utf8'));
    const chartsScript = script(readFileSync(join(publicDir(), 'js', 'charts.js'), 'utf8'));
    const sortableScript = script(readFileSync(join(publicDir(), 'js', 'sortable.js'), 'utf8'));
    // A report opened from disk has no server to send headers: the policy travels in a meta tag.
    // Nothing may load from anywhere, and only our three scripts and one stylesheet may run, so
    // text that escaped escaping somewhere still could not execute or phone home.
    const csp = [
      "default-src 'none'",
      `script-src ${[chartJs, chartsScript, sortableScript].map(cspHash).join(' ')}`,
      `style-src ${cspHash(css)}`,
      'img-src data:',
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
    this.inline = { css, chartJs, chartsScript, sortableScript, csp };
    return this.inline;
  }
}
