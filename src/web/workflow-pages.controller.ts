import { Body, Controller, Get, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { principalName } from 'src/auth/principal';
import type { Principal } from 'src/auth/principal';
import { CurrentPrincipal } from 'src/auth/principal.decorator';
import { Role } from 'src/auth/role';
import { Roles } from 'src/auth/roles.decorator';
import { campaignFilePath, listCampaignFiles } from 'src/execution/campaign-files';
import { ExecutionError, ExecutionErrorCode } from 'src/execution/execution.errors';
import { RunService } from 'src/execution/run.service';
import { lastTick, Scheduler } from 'src/execution/scheduler';
import { ViewRenderer } from 'src/reports/render/view-renderer';
import { FormRefusal, parseForm, refusalOf } from 'src/web/form-input';
import { sendHtml } from 'src/web/html';
import { PageErrorFilter } from 'src/web/page-error.filter';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const blankToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);
const priority = z.preprocess(blankToUndefined, z.coerce.number().int().min(-100).max(100).optional());

const startForm = z.object({
  campaign: z.string().min(1, 'pick a campaign').max(200),
  lab: z.string().min(1, 'pick a lab').max(200),
  suite: z.preprocess(blankToUndefined, z.string().max(200).optional()),
  priority,
  /** a checkbox: queue even when the lab's quick checks fail (recorded on the run) */
  force: z.preprocess((v) => v === 'on' || v === 'true', z.boolean()),
  _csrf: z.string().optional(),
});

const scheduleForm = z.object({
  name: z.string().regex(NAME, 'letters, digits, . _ - (up to 100)'),
  campaign: z.string().min(1, 'pick a campaign').max(200),
  lab: z.string().min(1, 'pick a lab').max(200),
  cron: z.string().min(1, 'a cron expression, e.g. 0 2 * * 6').max(100),
  priority,
  _csrf: z.string().optional(),
});

/** Starting runs and keeping schedules from the pages (testers), with plain forms that work without script. */
@ApiExcludeController()
@UseFilters(PageErrorFilter)
@Controller()
export class WorkflowPagesController {
  constructor(
    private readonly runs: RunService,
    private readonly scheduler: Scheduler,
    private readonly renderer: ViewRenderer,
  ) {}

  @Get('start')
  @Roles(Role.Tester)
  async startPage(@Res() res: Response): Promise<void> {
    await this.showStart(res, {}, null);
  }

  @Post('start')
  @Roles(Role.Tester)
  async start(@Body() body: unknown, @CurrentPrincipal() who: Principal, @Res() res: Response): Promise<void> {
    const form = parseForm(startForm, body);
    if (form instanceof FormRefusal) return this.showStart(res, body, form);
    try {
      const { run } = await this.runs.start({
        campaign: campaignFilePath(form.campaign),
        lab: form.lab,
        suite: form.suite,
        priority: form.priority,
        createdBy: principalName(who),
        checkLab: { force: form.force },
      });
      res.redirect(303, `/runs/${run.number}`);
    } catch (err) {
      await this.showStart(res, body, refusalOf(err));
    }
  }

  @Get('schedules')
  async schedulesPage(@Res() res: Response): Promise<void> {
    await this.showSchedules(res, {}, null);
  }

  @Post('schedules')
  @Roles(Role.Tester)
  async createSchedule(@Body() body: unknown, @Res() res: Response): Promise<void> {
    const form = parseForm(scheduleForm, body);
    if (form instanceof FormRefusal) return this.showSchedules(res, body, form);
    try {
      campaignFilePath(form.campaign);
      lastTick(form.cron, new Date());
      if (!(await this.runs.listLabs()).some((l) => l.name === form.lab)) {
        throw new ExecutionError(`lab: no lab named ${form.lab}`, ExecutionErrorCode.LabNotFound);
      }
      await this.scheduler.upsert({
        name: form.name,
        // Stored as campaigns/NAME so the schedule follows the file, wherever the service runs from.
        campaignPath: campaignFilePath(form.campaign),
        labName: form.lab,
        cron: form.cron,
        priority: form.priority,
      });
      res.redirect(303, '/schedules');
    } catch (err) {
      await this.showSchedules(res, body, refusalOf(err));
    }
  }

  @Post('schedules/:name/pause')
  @Roles(Role.Tester)
  async pause(@Param('name') name: string, @Res() res: Response): Promise<void> {
    this.found(await this.scheduler.setEnabled(name, false), name);
    res.redirect(303, '/schedules');
  }

  @Post('schedules/:name/resume')
  @Roles(Role.Tester)
  async resume(@Param('name') name: string, @Res() res: Response): Promise<void> {
    this.found(await this.scheduler.setEnabled(name, true), name);
    res.redirect(303, '/schedules');
  }

  @Post('schedules/:name/delete')
  @Roles(Role.Tester)
  async remove(@Param('name') name: string, @Res() res: Response): Promise<void> {
    this.found(await this.scheduler.remove(name), name);
    res.redirect(303, '/schedules');
  }

  private found(ok: boolean, name: string): void {
    if (!ok) throw new ExecutionError(`no schedule named ${name.slice(0, 100)}`, ExecutionErrorCode.ScheduleNotFound);
  }

  private async choices(): Promise<{ campaigns: string[]; labs: Array<{ name: string; simulated: boolean }> }> {
    return { campaigns: listCampaignFiles(), labs: await this.runs.listLabs() };
  }

  private async showStart(res: Response, form: unknown, refusal: FormRefusal | null): Promise<void> {
    res.status(refusal?.status ?? 200);
    const model = { ...(await this.choices()), form: formValues(form), error: refusal?.message };
    sendHtml(res, this.renderer.render('start-run', model, { title: 'Start a run' }));
  }

  private async showSchedules(res: Response, form: unknown, refusal: FormRefusal | null): Promise<void> {
    res.status(refusal?.status ?? 200);
    const schedules = (await this.scheduler.listWithLastRuns()).map((s) => ({
      ...s,
      campaign: s.campaignPath.split('/').pop(),
    }));
    const model = { ...(await this.choices()), schedules, form: formValues(form), error: refusal?.message };
    sendHtml(res, this.renderer.render('schedules', model, { title: 'Schedules' }));
  }
}

/** What the visitor typed, to fill the form again after a refusal (text only; the view escapes it). */
function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (k !== '_csrf' && typeof v === 'string') out[k] = v.slice(0, 1000);
    }
  }
  return out;
}
